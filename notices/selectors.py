"""Reads for 通报: the month's hazard figures that a results notice is drafted from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from cms.directory.models import Jurisdiction, Sector
from workflows.hazards.models import Hazard, HazardLevel, HazardState


@dataclass
class UnitRow:
    unit: str
    found: int
    closed: int
    overdue: int
    supervised: int


@dataclass
class MonthFigures:
    month: datetime.date
    as_of: datetime.date
    found: int = 0
    major: int = 0
    general: int = 0
    prominent: int = 0
    closed: int = 0
    overdue: int = 0
    supervised: int = 0
    by_jurisdiction: list[UnitRow] = field(default_factory=list)
    by_sector: list[UnitRow] = field(default_factory=list)
    attention_hazard_ids: list[int] = field(default_factory=list)
    attention_jurisdiction_ids: list[int] = field(default_factory=list)


def month_range(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end, datetime.time.min, tzinfo=tz))


def month_figures(month: datetime.date, *, today: datetime.date | None = None) -> MonthFigures:
    """Hazards found in ``month``: how many, closed, overdue (as of today) and supervised, by unit."""
    today = today or timezone.localdate()
    start, end = month_range(month)
    hazards = Hazard.objects.filter(found_at__gte=start, found_at__lt=end)
    closed = Q(state=HazardState.CLOSED)
    overdue = ~closed & Q(deadline__lt=today)
    totals = hazards.aggregate(
        found=Count("id"), major=Count("id", filter=Q(level=HazardLevel.MAJOR)),
        general=Count("id", filter=Q(level=HazardLevel.GENERAL)), prominent=Count("id", filter=Q(is_prominent=True)),
        closed=Count("id", filter=closed), overdue=Count("id", filter=overdue), supervised=Count("id", filter=Q(is_supervised=True)),
    )
    figures = MonthFigures(month=month.replace(day=1), as_of=today, **totals)

    def rows(model, key):
        counted = {
            r[key]: r for r in hazards.values(key).annotate(
                found=Count("id"), closed=Count("id", filter=closed), overdue=Count("id", filter=overdue),
                supervised=Count("id", filter=Q(is_supervised=True)),
            )
        }
        result = []
        for unit in model.objects.filter(pk__in=counted.keys()):
            r = counted[unit.pk]
            result.append(UnitRow(unit.name, r["found"], r["closed"], r["overdue"], r["supervised"]))
        return result

    figures.by_jurisdiction = rows(Jurisdiction, "jurisdiction_id")
    figures.by_sector = rows(Sector, "sector_id")
    attention = hazards.filter(overdue | (Q(is_supervised=True) & ~closed)).order_by("jurisdiction__sort_order", "found_at")
    figures.attention_hazard_ids = list(attention.values_list("id", flat=True)[:200])
    figures.attention_jurisdiction_ids = sorted(set(attention.values_list("jurisdiction_id", flat=True)))
    return figures
