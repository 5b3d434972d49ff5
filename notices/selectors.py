"""Reads for 通报: the month's hazard figures that a results notice is drafted from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from cms.directory.models import Jurisdiction, Sector
from workflows.hazards.models import HazardLevel, HazardState
from workflows.periods import Period
from workflows.reporting.figures import district_hazards


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


def month_figures(month: datetime.date, *, today: datetime.date | None = None) -> MonthFigures:
    """Hazards found in ``month``: how many, closed, overdue (as of today) and supervised, by unit."""
    today = today or timezone.localdate()
    hazards = district_hazards(Period.of_month(month))  # the district's month: every hazard found in it, by the day found
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


# ---------------------------------------------------------------- 举报办理进度（公众查询）

@dataclass(frozen=True)
class TipOffProgress:
    """What a citizen may learn with the 受理编号 and the 查询码: state and dates, nothing else."""

    code: str
    state: str
    submitted_on: datetime.date
    handled_on: datetime.date | None
    rectification: str  # 整改中 / 已整改完成 … of the hazard it became, or ""
    closed_on: datetime.date | None


def tipoff_progress(*, code: str, query_code: str) -> TipOffProgress | None:
    """None when the number is unknown or the code does not match (the caller cannot tell which)."""
    from django.contrib.auth.hashers import check_password

    from .models import TipOff

    code = (code or "").strip().upper()[:30]
    query_code = (query_code or "").strip().upper()[:30]
    tipoff = TipOff.objects.select_related("hazard").filter(code=code).first() if code and query_code else None
    if tipoff is None or not tipoff.query_code_hash or not check_password(query_code, tipoff.query_code_hash):
        return None
    hazard = tipoff.hazard
    rectification = ""
    if hazard is not None:
        rectification = "已整改销号" if hazard.state == HazardState.CLOSED else "正在核查整改"
    return TipOffProgress(
        code=tipoff.code, state=tipoff.get_state_display(), submitted_on=timezone.localtime(tipoff.submitted_at).date(),
        handled_on=timezone.localtime(tipoff.handled_at).date() if tipoff.handled_at else None,
        rectification=rectification,
        closed_on=timezone.localtime(hazard.closed_at).date() if hazard is not None and hazard.closed_at else None,
    )
