"""Reads: next month's 综合督导 focus proposal (五（五）) and the mechanism's compliance for a month."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from cms.directory.models import Department, Sector, SpecialAssignment
from workflows.hazards.models import Hazard, HazardLevel
from workflows.periods import Period, add_months, month_bounds, parse_month  # noqa: F401 — re-exported for the views

from .models import Inspection, InspectionGroup


@dataclass
class FocusRow:
    sector: Sector
    hazards: int
    major: int
    overdue: int

    @property
    def score(self) -> int:
        # A major hazard weighs three ordinary ones, an overdue one two: where risk and slack concentrate.
        return self.hazards + 3 * self.major + 2 * self.overdue


def focus_sector_proposal(*, month: datetime.date, lookback_months: int = 3, limit: int = 5) -> list[FocusRow]:
    """Sectors ranked for the 综合督导 of ``month``, from the hazards found in the
    ``lookback_months`` before it and the hazards overdue at its start. The office decides."""
    start = add_months(month.replace(day=1), -lookback_months)
    end = month.replace(day=1)
    tz = timezone.get_default_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    found = {
        row["sector"]: row
        for row in Hazard.objects.filter(found_at__gte=since, found_at__lt=until).values("sector").annotate(
            total=Count("id"), major=Count("id", filter=Q(level=HazardLevel.MAJOR)))
    }
    today = min(timezone.localdate(), end)
    overdue = dict(Hazard.objects.overdue(today=today).values("sector").annotate(n=Count("id")).values_list("sector", "n"))
    sector_ids = set(found) | set(overdue)
    rows = [
        FocusRow(sector=sector, hazards=found.get(sector.pk, {}).get("total", 0), major=found.get(sector.pk, {}).get("major", 0),
                 overdue=overdue.get(sector.pk, 0))
        for sector in Sector.objects.filter(pk__in=sector_ids)
    ]
    rows.sort(key=lambda r: (-r.score, -r.major, r.sector.sort_order, r.sector.pk))
    return rows[:limit]


@dataclass
class ComplianceLine:
    label: str
    ok: bool
    detail: str
    link_ids: list[int] = field(default_factory=list)


@dataclass
class Compliance:
    month: datetime.date
    industry: list[ComplianceLine]
    consultations: ComplianceLine
    comprehensive: ComplianceLine
    special: list[ComplianceLine]

    @property
    def missing(self) -> list[str]:
        lines = [*self.industry, self.consultations, self.comprehensive, *self.special]
        return [f"{line.label}：{line.detail}" for line in lines if not line.ok]

    def as_dict(self) -> dict:
        def line(x: ComplianceLine) -> dict:
            return {"label": x.label, "ok": x.ok, "detail": x.detail}

        return {
            "month": f"{self.month:%Y-%m}",
            "industry": [line(x) for x in self.industry],
            "consultations": line(self.consultations),
            "comprehensive": line(self.comprehensive),
            "special": [line(x) for x in self.special],
            "missing": self.missing,
            "all_ok": not self.missing,
        }


def consultation_count(month: datetime.date) -> int | None:
    """会商研判 held in the month; None while the reporting app has no Consultation model."""
    try:
        model = apps.get_model("reporting", "Consultation")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    period = Period.of_month(month)
    for name in ("held_on", "meeting_date", "date", "held_at", "created_at"):
        if name in names:
            return model._default_manager.filter(**{f"{name}__gte": period.start, f"{name}__lte": period.end}).count()
    return None


def compliance_for_month(month: datetime.date) -> Compliance:
    """每月 (行业), 两个每月 (综合: 1–2 consultations and 1 inspection of 1–2 key sectors), and
    which special groups covered their jurisdictions (三（一）)."""
    from workflows.reporting.figures import inspections_by_department

    period = Period.of_month(month)
    start = period.start
    visits = Inspection.objects.filter(inspected_on__gte=period.start, inspected_on__lte=period.end)

    # 开展督导检查: the one definition (figures), the same the assessment's 月度督导检查 counts
    counts = inspections_by_department(period)
    industry = []
    for department in Department.objects.filter(kind=Department.Kind.DEPARTMENT, is_active=True, led_sectors__isnull=False).distinct().order_by("sort_order", "id"):
        n = counts.get(department.pk, 0)
        industry.append(ComplianceLine(label=department.name, ok=n > 0, detail=f"督导检查 {n} 次" if n else "本月未开展督导检查"))

    held = consultation_count(month)
    if held is None:
        consultations = ComplianceLine(label="会商研判", ok=False, detail="会商研判尚未在系统中记录")
    else:
        consultations = ComplianceLine(label="会商研判", ok=1 <= held, detail=f"本月会商研判 {held} 次（要求1-2次）" if held else "本月未开展会商研判")

    comprehensive_visits = visits.filter(group__kind=InspectionGroup.Kind.COMPREHENSIVE)
    n_comp = comprehensive_visits.count()
    sectors = list(Sector.objects.filter(targets__inspections__in=comprehensive_visits).distinct().order_by("sort_order").values_list("name", flat=True))
    comprehensive = ComplianceLine(
        label="综合督导检查", ok=n_comp > 0,
        detail=(f"检查 {n_comp} 家，涉及行业领域：{'、'.join(sectors)}" if n_comp else "本月未开展综合督导检查"),
    )

    covered = set(
        visits.filter(group__kind=InspectionGroup.Kind.SPECIAL).values_list("group__lead_department", "target__jurisdiction").distinct()
    )
    special = []
    for assignment in SpecialAssignment.objects.filter(is_active=True).select_related("department", "jurisdiction"):
        ok = (assignment.department_id, assignment.jurisdiction_id) in covered
        special.append(ComplianceLine(label=f"{assignment.department.name} → {assignment.jurisdiction.name}", ok=ok,
                                      detail="本月已督导" if ok else "本月未督导该属地"))
    return Compliance(month=start, industry=industry, consultations=consultations, comprehensive=comprehensive, special=special)
