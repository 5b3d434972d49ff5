"""口径: every figure an office sees, defined once.

The monthly report (附件2), the special groups' reports, the district roll-up, the dashboard, the
通报's figures, the Excel 四个清单 and the annual assessment all count through this module; the
exporters only render what it returns. The definitions, in the notice's words (README, 口径说明):

- **A unit's month** (区直单位的月度督导检查情况, 五（四）): what its own supervision found (督导检查发现)
  — the inspections made by the groups it leads, and the hazards its own users registered outside an
  inspection — dated in that month. A hazard is dated by the day of the finding (for a hazard from
  an inspection, the inspection's date), never by the day it was typed in.
- **A special group's month** (6支专项督导组, 五（四）): the same, for that group's inspections.
- **四个清单** (四（二）): exactly the hazards of that month, one row each.
- **基本情况** (附件2): every count derived from the same inspections and rows — the days, the groups
  that inspected, the 镇街 and 村居 and the enterprises visited or found at fault, the hazards by level.
- **The district's month**: every hazard found in the month, by anyone. Each hazard has exactly one
  finder (``finder_department``), so the 20 units' figures plus one line for the rest (区安办's
  综合督导, 受理举报, the system) add up to it exactly; so does its breakdown by sector.
- **Open** (未销号): any state before 销号. **Overdue** (逾期): open past its deadline. The dashboard,
  its heat map, the roll-up and the assessment use these (``HazardQuerySet.open``/``overdue``).
- **Inspected in a month** (开展督导检查): at least one inspection by a group the unit leads, dated in
  the month — the same for the compliance page and the assessment.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from typing import Union

from django.db import connections, transaction
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.utils import timezone

from cms.directory.models import Department, Jurisdiction, Sector, Target, TargetCategory
from workflows.hazards.models import Hazard, HazardLevel, HazardState
from workflows.inspections.models import Inspection, InspectionGroup
from workflows.periods import Period, found_at_for  # noqa: F401 — the found date is part of the definitions

OFFICE_FULL_NAME = "荔城区人民政府安全生产委员会办公室"
OTHERS_LABEL = "区安办综合督导、受理举报及其他"

Unit = Union[Department, InspectionGroup]  # noqa: UP007 — a runtime alias


# ---------------------------------------------------------------- who found a hazard, and when


def hazards_found_q(department_id: int) -> Q:
    """Found by the department: in an inspection of a group it leads, or registered by its people."""
    return (Q(inspection__group__lead_department_id=department_id)
            | Q(inspection__isnull=True, found_by__profile__department_id=department_id))


def finder_department():
    """The department that found a hazard, as one expression: ``hazards_found_q(d)`` holds exactly
    when this equals ``d`` (the lead department of the inspecting group, or, for a hazard not found
    in an inspection, the department of the person who registered it). Lets every department's
    count come from one grouped query, and makes the units' counts add up to the district's."""
    return Case(When(inspection__isnull=False, then=F("inspection__group__lead_department_id")),
                default=F("found_by__profile__department_id"))


def department_sector_ids(department_id: int) -> list[int]:
    """The sectors a department leads (管行业必须管安全)."""
    return list(Sector.objects.filter(lead_departments=department_id).values_list("id", flat=True))


def found_in(period: Period) -> Q:
    begin, stop = period.bounds()
    return Q(found_at__gte=begin, found_at__lt=stop)


def unit_inspections(unit: Unit, period: Period) -> QuerySet[Inspection]:
    within = Q(inspected_on__gte=period.start, inspected_on__lte=period.end)
    if isinstance(unit, InspectionGroup):
        return Inspection.objects.filter(within, group=unit)
    return Inspection.objects.filter(within, group__lead_department=unit)


def unit_hazards(unit: Unit, period: Period) -> QuerySet[Hazard]:
    if isinstance(unit, InspectionGroup):
        return Hazard.objects.filter(found_in(period), inspection__group=unit)
    return Hazard.objects.filter(found_in(period) & hazards_found_q(unit.pk))


def district_hazards(period: Period) -> QuerySet[Hazard]:
    return Hazard.objects.filter(found_in(period))


def inspected_months(department_id: int, period: Period) -> set[datetime.date]:
    """开展督导检查的月份: months with at least one inspection by a group the department leads."""
    days = Inspection.objects.filter(group__lead_department_id=department_id, inspected_on__gte=period.start,
                                     inspected_on__lte=period.end).values_list("inspected_on", flat=True).distinct()
    return {d.replace(day=1) for d in days}


def inspections_by_department(period: Period) -> dict[int, int]:
    """``{department id: inspections}`` of the groups each department leads, in one grouped query."""
    rows = (Inspection.objects.filter(inspected_on__gte=period.start, inspected_on__lte=period.end)
            .values("group__lead_department").annotate(n=Count("id")).order_by())
    return {r["group__lead_department"]: r["n"] for r in rows}


def reporting_departments() -> QuerySet[Department]:
    """区直有关单位 (附件1): the departments that owe a monthly report."""
    return Department.objects.filter(kind=Department.Kind.DEPARTMENT, is_active=True).order_by("sort_order", "id")


def reporting_groups() -> QuerySet[InspectionGroup]:
    """The special groups (专项督导组), which owe one too (五（四）)."""
    return InspectionGroup.objects.filter(kind=InspectionGroup.Kind.SPECIAL, is_active=True).order_by("name", "id")


# ---------------------------------------------------------------- the figures, as plain data


@dataclass(frozen=True)
class CategoryCount:
    name: str
    count: int
    children: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Baseline:
    """一、监管对象底数: the targets in the unit's sectors (a special group: in its 属地) by category."""

    sector_names: tuple[str, ...]
    total: int
    categories: tuple[CategoryCount, ...]
    uncategorised: int = 0
    by_jurisdiction: tuple[tuple[str, int], ...] = ()
    area_names: tuple[str, ...] = ()  # a special group's 督导属地


@dataclass(frozen=True)
class BasicFacts:
    """The figures of 二、基本情况, all from one month's inspections and hazard rows."""

    department_name: str
    sector_names: tuple[str, ...]
    start: datetime.date | None
    end: datetime.date | None
    group_count: int
    jurisdiction_names: tuple[str, ...]
    village_count: int
    target_count: int
    hazard_total: int
    major_count: int
    general_count: int
    prominent_count: int
    inspection_count: int = 0
    unit_kind: str = "department"  # or "group" (专项督导组)
    area_names: tuple[str, ...] = ()  # a special group's 督导属地
    group_name: str = ""

    @property
    def inspected(self) -> bool:
        return bool(self.inspection_count or self.hazard_total)


# The columns a row of the 四个清单 or the ledger is made of, read as plain values in one query (a model
# instance per hazard with its related rows was 250 µs a row, too slow for a city's month).
ROW_VALUES = (
    "code", "description", "level", "is_prominent", "state", "source", "rectification_measures", "deadline",
    "responsible_kind", "responsible_person", "found_at", "created_at", "submitted_at", "closed_at", "is_supervised",
    "target__name", "sector__name", "jurisdiction__name", "village__name", "responsible_department__name",
    "responsible_jurisdiction__name", "inspection__group_id", "inspection__group__lead_department__name",
    "found_by__profile__department__name",
)
FOUR_LIST_KEYS = ("code", "found_on", "target", "inspecting_unit", "problem", "level", "measures", "deadline", "state",
                  "responsible_unit", "responsible_person", "sector", "jurisdiction", "is_prominent", "is_overdue")


def _labels(name: str) -> dict:
    return dict(Hazard._meta.get_field(name).flatchoices)


@contextmanager
def _planned_for_every_row(alias: str):
    """On PostgreSQL ``iterator()`` reads through a server-side cursor planned for the first 10 % of the
    rows; in a read-only transaction with ``cursor_tuple_fraction = 1`` it gets the plan of a plain query
    (533 → 436 ms for a city month), rows still fetched 2,000 at a time."""
    db = connections[alias]
    if db.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias):
        with db.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
        yield


def hazard_values(hazards: QuerySet, order: tuple[str, ...], today: datetime.date | None = None) -> Iterator[dict]:
    """Each hazard as a dict of ``ROW_VALUES`` plus its derived labels: who found it (排查单位), who answers
    for it (责任单位), whether it is overdue today, and its dates as local dates."""
    today = today or timezone.localdate()
    levels, states, sources = _labels("level"), _labels("state"), _labels("source")
    tz = timezone.get_current_timezone()
    target_kind = Hazard.ResponsibleKind.TARGET
    with _planned_for_every_row(hazards.db):
        for v in hazards.order_by(*order).values(*ROW_VALUES).iterator(chunk_size=2000):
            source = sources.get(v["source"], v["source"])
            if v["inspection__group_id"]:
                v["inspecting_unit"] = v["inspection__group__lead_department__name"]
            else:
                v["inspecting_unit"] = v["found_by__profile__department__name"] or source
            if v["responsible_kind"] == target_kind:
                v["responsible_unit"] = v["target__name"]
            else:
                v["responsible_unit"] = v["responsible_department__name"] or v["responsible_jurisdiction__name"] or ""
            v["level_label"] = levels.get(v["level"], v["level"])
            v["state_label"] = states.get(v["state"], v["state"])
            v["source_label"] = source
            for key in ("found_at", "created_at", "submitted_at", "closed_at"):
                v[key] = v[key].astimezone(tz).date() if v[key] else None
            v["is_overdue"] = v["state"] != HazardState.CLOSED and v["deadline"] is not None and v["deadline"] < today
            yield v


def four_list_rows(hazards: QuerySet, *, today: datetime.date | None = None) -> Iterator[dict]:
    """The 四个清单 rows of ``hazards`` (oldest finding first), as plain dicts keyed by ``FOUR_LIST_KEYS``."""
    for v in hazard_values(hazards, ("found_at", "id"), today):
        yield {
            "code": v["code"], "found_on": v["found_at"], "target": v["target__name"], "inspecting_unit": v["inspecting_unit"],
            "problem": v["description"], "level": v["level_label"] + ("（突出）" if v["is_prominent"] else ""),
            "measures": v["rectification_measures"], "deadline": v["deadline"], "state": v["state_label"],
            "responsible_unit": v["responsible_unit"], "responsible_person": v["responsible_person"], "sector": v["sector__name"],
            "jurisdiction": v["jurisdiction__name"], "is_prominent": v["is_prominent"], "is_overdue": v["is_overdue"],
        }


def _level_counts() -> dict:
    return {
        "total": Count("found_at"), "major": Count("found_at", filter=Q(level=HazardLevel.MAJOR)),
        "general": Count("found_at", filter=Q(level=HazardLevel.GENERAL)),
        "prominent": Count("found_at", filter=Q(is_prominent=True)),
    }


NONE_FOUND = {"total": 0, "major": 0, "general": 0, "prominent": 0}


def levels_by_finder(period: Period) -> dict[int | None, dict[str, int]]:
    """``{department id or None: {"total", "major", "general", "prominent"}}`` of every hazard found in
    ``period``, grouped by its finder in one query (the roll-up needs all 23 departments)."""
    rows = district_hazards(period).annotate(finder=finder_department()).values("finder").annotate(**_level_counts()).order_by()
    return {row.pop("finder"): row for row in rows}


def unit_facts(unit: Unit, period: Period, *, levels: dict[str, int] | None = None) -> BasicFacts:
    """二、基本情况 of one unit's month. ``levels`` is its entry of ``levels_by_finder`` when the caller has
    every department's (the roll-up); it is the same count as ``unit_hazards``."""
    inspections = list(unit_inspections(unit, period).values_list("inspected_on", "group_id", "target_id"))
    hazards = unit_hazards(unit, period)
    found = list(hazards.values_list("found_at", "target_id"))
    dates = {day for day, _, _ in inspections} | {timezone.localdate(at) for at, _ in found}
    target_ids = {t for _, _, t in inspections} | {t for _, t in found}
    targets = Target.objects.filter(pk__in=target_ids)
    jurisdictions = tuple(Jurisdiction.objects.filter(pk__in=targets.values("jurisdiction_id")).order_by("sort_order", "id")
                          .values_list("name", flat=True))
    villages = targets.filter(village__isnull=False).values("village_id").distinct().count()
    if levels is None:
        levels = hazards.aggregate(**_level_counts())
    if isinstance(unit, InspectionGroup):
        department_name, kind = unit.lead_department.name, "group"
        sectors = tuple(unit.sectors.order_by("sort_order", "id").values_list("name", flat=True))
        area = tuple(unit.jurisdictions.order_by("sort_order", "id").values_list("name", flat=True))
        group_name = unit.name
    else:
        department_name, kind, area, group_name = unit.name, "department", (), ""
        sectors = tuple(Sector.objects.filter(lead_departments=unit).order_by("sort_order", "id").values_list("name", flat=True))
    return BasicFacts(
        department_name=department_name, sector_names=sectors, start=min(dates) if dates else None,
        end=max(dates) if dates else None, group_count=len({g for _, g, _ in inspections}),
        jurisdiction_names=jurisdictions, village_count=villages, target_count=len(target_ids),
        hazard_total=levels["total"], major_count=levels["major"], general_count=levels["general"],
        prominent_count=levels["prominent"], inspection_count=len(inspections), unit_kind=kind, area_names=area,
        group_name=group_name,
    )


def unit_baseline(unit: Unit) -> Baseline:
    """一、监管对象底数: active targets in the department's sectors (管行业必须管安全), or in a special
    group's 督导属地, counted by category (a sub-category counts for its parent too) and by 属地."""
    if isinstance(unit, InspectionGroup):
        area_ids = list(unit.jurisdictions.values_list("id", flat=True))
        sector_ids = list(unit.sectors.values_list("id", flat=True))
        scope = Q(jurisdiction_id__in=area_ids) & (Q(sectors__in=sector_ids) if sector_ids else Q())
        area = tuple(Jurisdiction.objects.filter(pk__in=area_ids).order_by("sort_order", "id").values_list("name", flat=True))
    else:
        sector_ids = list(Sector.objects.filter(lead_departments=unit).values_list("id", flat=True))
        scope, area = Q(sectors__in=sector_ids), ()
    sectors = tuple(Sector.objects.filter(pk__in=sector_ids).order_by("sort_order", "id").values_list("name", flat=True))
    targets = Target.objects.filter(pk__in=Target.objects.filter(scope, is_active=True).values("pk"))
    total = targets.count()
    target_pks = targets.values("pk")
    through = Target.categories.through.objects.filter(target_id__in=target_pks)
    per_category = dict(through.values("targetcategory_id").annotate(n=Count("target_id", distinct=True))
                        .values_list("targetcategory_id", "n"))
    categories = []
    for top in TargetCategory.objects.filter(parent__isnull=True).order_by("sort_order", "id"):
        children = tuple((c.name, per_category.get(c.pk, 0)) for c in top.children.order_by("sort_order", "id"))
        in_top = through.filter(Q(targetcategory=top) | Q(targetcategory__parent=top)).values("target_id").distinct().count()
        if in_top:
            categories.append(CategoryCount(top.name, in_top, children))
    categorised = through.values("target_id").distinct().count()
    by_jurisdiction = tuple(
        (name, n) for name, n in Jurisdiction.objects.annotate(n=Count("targets", filter=Q(targets__in=target_pks), distinct=True))
        .order_by("sort_order", "id").values_list("name", "n") if n)
    return Baseline(sectors, total, tuple(categories), total - categorised, by_jurisdiction, area)


# ---------------------------------------------------------------- a unit's month, live or as sent


@dataclass
class UnitMonth:
    """Everything the 附件2 report of one unit and month states: 底数, 基本情况, 四个清单."""

    period: Period
    unit_name: str
    baseline: Baseline
    facts: BasicFacts
    rows: list[dict] = field(default_factory=list)
    generated_at: datetime.datetime | None = None

    def as_json(self) -> dict:
        """The frozen form kept on a submitted report (``MonthlyReport.snapshot``)."""
        return {
            "version": SNAPSHOT_VERSION, "month": self.period.start.isoformat(), "unit_name": self.unit_name,
            "generated_at": (self.generated_at or timezone.now()).isoformat(),
            "baseline": _jsonable(asdict(self.baseline)), "facts": _jsonable(asdict(self.facts)),
        }


SNAPSHOT_VERSION = 2


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def rows_json(rows: Iterable[dict]) -> list[dict]:
    return [_jsonable(row) for row in rows]


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def rows_from_json(rows: Iterable[dict]) -> list[dict]:
    out = []
    for row in rows or []:
        row = {key: row.get(key) for key in FOUR_LIST_KEYS}
        row["found_on"], row["deadline"] = _date(row["found_on"]), _date(row["deadline"])
        for key in ("target", "inspecting_unit", "problem", "level", "measures", "state", "responsible_unit",
                    "responsible_person", "sector", "jurisdiction", "code"):
            row[key] = row[key] or ""
        row["is_prominent"], row["is_overdue"] = bool(row["is_prominent"]), bool(row["is_overdue"])
        out.append(row)
    return out


def _tuple_fields(cls, data: dict) -> dict:
    out = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        out[f.name] = value
    return out


def unit_month_from_json(snapshot: dict, rows: Iterable[dict]) -> UnitMonth:
    facts = _tuple_fields(BasicFacts, snapshot["facts"])
    facts["start"], facts["end"] = _date(facts.get("start")), _date(facts.get("end"))
    base = dict(snapshot["baseline"])
    base["categories"] = tuple(CategoryCount(c["name"], c["count"], tuple(tuple(x) for x in c.get("children", ())))
                               for c in base.get("categories", ()))
    month = datetime.date.fromisoformat(snapshot["month"])
    return UnitMonth(period=Period.of_month(month), unit_name=snapshot["unit_name"],
                     baseline=Baseline(**_tuple_fields(Baseline, base) | {"categories": base["categories"]}),
                     facts=BasicFacts(**facts), rows=rows_from_json(rows),
                     generated_at=datetime.datetime.fromisoformat(snapshot["generated_at"]))


def is_frozen(snapshot: dict | None) -> bool:
    return bool(snapshot) and snapshot.get("version") == SNAPSHOT_VERSION


def unit_month(unit: Unit, month: datetime.date, *, today: datetime.date | None = None) -> UnitMonth:
    """A unit's month as the data has it now (a draft, or a report being frozen on 报送)."""
    period = Period.of_month(month)
    name = unit.name
    return UnitMonth(period=period, unit_name=name, baseline=unit_baseline(unit), facts=unit_facts(unit, period),
                     rows=list(four_list_rows(unit_hazards(unit, period), today=today)), generated_at=timezone.now())


# ---------------------------------------------------------------- the district's month


@dataclass(frozen=True)
class UnitLine:
    facts: BasicFacts
    department_id: int


@dataclass
class DistrictMonth:
    period: Period
    total: int
    major: int
    general: int
    prominent: int
    units: list[UnitLine]
    others: dict[str, int]  # hazards found by others than the reporting units (区安办, 受理举报, the system)
    sector_breakdown: list[tuple[str, int, int]]  # (sector, hazards, of which major), every sector with any
    inspections: int
    overdue: int
    open_major: int
    closed_in_month: int
    idle_units: list[str]  # 本月未开展督导检查的单位

    others_label: str = OTHERS_LABEL

    @property
    def units_total(self) -> int:
        return sum(line.facts.hazard_total for line in self.units)


def district_month(period: Period, *, today: datetime.date | None = None) -> DistrictMonth:
    today = today or timezone.localdate()
    by_finder = levels_by_finder(period)
    units = [UnitLine(unit_facts(d, period, levels=by_finder.get(d.pk, NONE_FOUND)), d.pk) for d in reporting_departments()]
    unit_ids = {line.department_id for line in units}
    others = dict(NONE_FOUND)
    for finder, levels in by_finder.items():
        if finder not in unit_ids:
            for key in others:
                others[key] += levels[key]
    hazards = district_hazards(period)
    totals = hazards.aggregate(**_level_counts())
    breakdown = [(name, n, m) for name, n, m in Sector.objects.annotate(
        n=Count("hazards", filter=Q(hazards__in=hazards)),
        m=Count("hazards", filter=Q(hazards__in=hazards, hazards__level=HazardLevel.MAJOR)),
    ).order_by("sort_order", "id").values_list("name", "n", "m") if n]
    begin, stop = period.bounds()
    return DistrictMonth(
        period=period, total=totals["total"], major=totals["major"], general=totals["general"], prominent=totals["prominent"],
        units=units, others=others, sector_breakdown=breakdown,
        inspections=Inspection.objects.filter(inspected_on__gte=period.start, inspected_on__lte=period.end).count(),
        overdue=Hazard.objects.overdue(today).count(),
        open_major=Hazard.objects.open().filter(level=HazardLevel.MAJOR).count(),
        closed_in_month=Hazard.objects.filter(closed_at__gte=begin, closed_at__lt=stop).count(),
        idle_units=[line.facts.department_name for line in units if not line.facts.inspected],
    )
