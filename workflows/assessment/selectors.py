"""年度目标责任考核, computed from the records (五（五）: 将督导检查完成情况纳入年度目标责任考核).

Per department, over a year or any range of whole days:

- 月度督导检查: months in which a group the department leads inspected at least once;
- 月报: each month's report (``reporting.MonthlyReport``) on time, late, or missing once due;
- 隐患排查: hazards found by the department's inspections (or registered by its people);
- 按期整改, 逾期, 重大隐患销号: hazards the department answers for (its sectors — 管行业必须管安全
  — or assigned to it) that were found in the period;
- 三单按期回复: orders (``hazards.Order``) issued to the department in the period.

Each figure comes with the queryset behind it (``evidence``), so the admin can list exactly
the records a point was earned or lost on.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Case, F, Q, QuerySet, When
from django.utils import timezone

from cms.directory.models import Department, Sector
from workflows.hazards.models import Hazard, HazardLevel, HazardState
from workflows.inspections.models import Inspection

from .models import AssessmentScheme

CENT = Decimal("0.01")


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = datetime.date(year, month, 1)
        following = (start + datetime.timedelta(days=32)).replace(day=1)
        return cls(start, following - datetime.timedelta(days=1))

    @property
    def months(self) -> list[datetime.date]:
        """First days of the months the period touches."""
        months, current = [], self.start.replace(day=1)
        while current <= self.end:
            months.append(current)
            current = (current + datetime.timedelta(days=32)).replace(day=1)
        return months

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware [start, end+1) in local time, for datetime fields."""
        tz = timezone.get_current_timezone()
        begin = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        stop = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return begin, stop

    @property
    def label(self) -> str:
        if self.start == datetime.date(self.start.year, 1, 1) and self.end == datetime.date(self.start.year, 12, 31):
            return f"{self.start.year}年度"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


def local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value else None


def optional_model(label: str):
    """A model another issue builds (``reporting.MonthlyReport``, ``hazards.Order``), or None."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


# ---------------------------------------------------------------- the records behind the figures


def department_sector_ids(department_id: int) -> list[int]:
    return list(Sector.objects.filter(lead_departments=department_id).values_list("id", flat=True))


def department_inspections(department_id: int, period: Period) -> QuerySet:
    return Inspection.objects.filter(group__lead_department_id=department_id,
                                     inspected_on__gte=period.start, inspected_on__lte=period.end)


def hazards_found_q(department_id: int) -> Q:
    """Found by the department: in an inspection of a group it leads, or registered by its people."""
    return (Q(inspection__group__lead_department_id=department_id)
            | Q(inspection__isnull=True, found_by__profile__department_id=department_id))


def finder_department():
    """The department that found a hazard, as one expression: ``hazards_found_q(d)`` holds exactly
    when this equals ``d`` (the lead department of the inspecting group, or, for a hazard not
    found in an inspection, the department of the person who registered it). Lets every
    department's count come from one grouped query."""
    return Case(When(inspection__isnull=False, then=F("inspection__group__lead_department_id")),
                default=F("found_by__profile__department_id"))


def found_in(period: Period) -> Q:
    begin, stop = period.bounds()
    return Q(found_at__gte=begin, found_at__lt=stop)


def department_hazards_found(department_id: int, period: Period) -> QuerySet:
    return Hazard.objects.filter(hazards_found_q(department_id) & found_in(period))


def department_hazards(department_id: int, period: Period) -> QuerySet:
    """Hazards the department answers for (its sectors, or assigned to it), found in the period."""
    sectors = department_sector_ids(department_id)
    return Hazard.objects.filter((Q(sector_id__in=sectors) | Q(responsible_department_id=department_id)) & found_in(period))


def _rectification_split(hazards: Iterable[Hazard], today: datetime.date) -> tuple[list[Hazard], list[Hazard]]:
    """(due, on_time): due once its deadline has passed or it was rectified; on time when the
    rectification was submitted by the deadline (即行即改 without a deadline counts as on time)."""
    due, on_time = [], []
    for hazard in hazards:
        submitted = local_date(hazard.submitted_at) or (local_date(hazard.closed_at) if hazard.state == HazardState.CLOSED else None)
        if submitted is None and (hazard.deadline is None or hazard.deadline >= today):
            continue
        due.append(hazard)
        if submitted is not None and (hazard.deadline is None or submitted <= hazard.deadline):
            on_time.append(hazard)
    return due, on_time


def report_due_date(month: datetime.date) -> datetime.date:
    settings_model = optional_model("reporting.ReportingSettings")
    if settings_model is not None and hasattr(settings_model, "load"):
        try:
            return settings_model.load().due_date(month)
        except Exception:  # noqa: BLE001 — settings row or site missing: fall back to the notice's 5th
            pass
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return following.replace(day=5)


@dataclass(frozen=True)
class ReportMonth:
    month: datetime.date
    status: str  # 按时报送 / 逾期报送 / 未报送 / 未到期
    deadline: datetime.date
    submitted_on: datetime.date | None
    report_id: int | None


def department_report_months(department_id: int, period: Period, today: datetime.date) -> list[ReportMonth]:
    model = optional_model("reporting.MonthlyReport")
    reports = {}
    if model is not None:
        for report in model.objects.filter(department_id=department_id, month__gte=period.months[0], month__lte=period.end):
            reports[report.month.replace(day=1)] = report
    rows = []
    for month in period.months:
        report = reports.get(month)
        deadline = getattr(report, "deadline", None) or report_due_date(month)
        submitted = local_date(getattr(report, "first_submitted_at", None) or getattr(report, "submitted_at", None)) if report else None
        if submitted is not None:
            status = "按时报送" if submitted <= deadline else "逾期报送"
        elif today > deadline:
            status = "未报送"
        else:
            status = "未到期"
        rows.append(ReportMonth(month, status, deadline, submitted, report.pk if report else None))
    return rows


def department_orders(department_id: int, period: Period) -> QuerySet | None:
    model = optional_model("hazards.Order")
    if model is None:
        return None
    begin, stop = period.bounds()
    return model.objects.filter(recipient_department_id=department_id, issued_at__gte=begin, issued_at__lt=stop)


def _orders_split(orders: Iterable, today: datetime.date) -> tuple[list, list]:
    due, on_time = [], []
    for order in orders:
        answered = local_date(getattr(order, "answered_at", None))
        if answered is None and order.due_date >= today:
            continue
        due.append(order)
        if answered is not None and answered <= order.due_date:
            on_time.append(order)
    return due, on_time


# ---------------------------------------------------------------- scores


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    weight: Decimal
    points: Decimal
    figure: str  # e.g. "10/12 个月"
    numerator: int
    denominator: int
    rule: str  # how the points were earned
    evidence_url: str = ""


@dataclass
class DepartmentAssessment:
    department_id: int
    department_name: str
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((i.points for i in self.indicators), Decimal(0)).quantize(CENT)

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


@dataclass
class AssessmentResult:
    period: Period
    scheme: AssessmentScheme
    scheme_configured: bool
    departments: list[DepartmentAssessment]

    @property
    def pass_line(self) -> Decimal:
        return self.scheme.pass_line

    @property
    def full_marks(self) -> Decimal:
        return self.scheme.full_marks

    def passed(self, row: DepartmentAssessment) -> bool:
        return row.total >= self.pass_line

    @property
    def referrals(self) -> list[DepartmentAssessment]:
        """低于合格线、报送督查、效能的单位 (五（五）)."""
        return [row for row in self.departments if not self.passed(row)]


def scheme_for(year: int) -> tuple[AssessmentScheme, bool]:
    scheme = AssessmentScheme.objects.filter(year=year).first()
    if scheme is not None:
        return scheme, True
    return AssessmentScheme(year=year), False


def _ratio_points(weight: Decimal, numerator: int | Decimal, denominator: int | Decimal) -> Decimal:
    if not denominator:
        return weight.quantize(CENT, ROUND_HALF_UP)
    ratio = min(Decimal(numerator) / Decimal(denominator), Decimal(1))
    return (weight * ratio).quantize(CENT, ROUND_HALF_UP)


INDICATORS = (
    ("inspection_months", "月度督导检查"),
    ("reports", "月报按时报送"),
    ("hazards_found", "隐患排查"),
    ("rectified_on_time", "按期整改"),
    ("overdue", "逾期未整改"),
    ("major_closed", "重大隐患销号"),
    ("orders_on_time", "三单按期回复"),
)
INDICATOR_LABELS = dict(INDICATORS)


def assess_department(department: Department, period: Period, scheme: AssessmentScheme, *,
                      today: datetime.date, evidence_url=None) -> DepartmentAssessment:
    def url(key: str) -> str:
        return evidence_url(department.pk, period, key) if evidence_url else ""

    row = DepartmentAssessment(department.pk, department.name)
    months = period.months
    n_months = len(months)

    inspected = {d.replace(day=1) for d in department_inspections(department.pk, period).values_list("inspected_on", flat=True)}
    w = scheme.weight_inspection_months
    row.indicators.append(Indicator(
        "inspection_months", "月度督导检查", w, _ratio_points(w, len(inspected), n_months),
        f"{len(inspected)}/{n_months} 个月", len(inspected), n_months,
        f"{w}分 × {len(inspected)}/{n_months}（开展督导检查的月份 ÷ 考核月份）", url("inspection_months")))

    report_months = department_report_months(department.pk, period, today)
    on_time = sum(1 for r in report_months if r.status == "按时报送")
    late = sum(1 for r in report_months if r.status == "逾期报送")
    missing = sum(1 for r in report_months if r.status == "未报送")
    due = on_time + late + missing
    credit = Decimal(scheme.late_report_credit) / Decimal(100)
    earned = Decimal(on_time) + Decimal(late) * credit
    w = scheme.weight_reports
    row.indicators.append(Indicator(
        "reports", "月报按时报送", w, _ratio_points(w, earned, due),
        f"按时{on_time}、逾期{late}、未报{missing}（应报{due}）", on_time, due,
        f"{w}分 × （{on_time} + {late} × {scheme.late_report_credit}%）÷ {due}" if due else f"无应报月报，得满分{w}分",
        url("reports")))

    found = department_hazards_found(department.pk, period).count()
    target = (Decimal(scheme.hazards_found_target) * Decimal(n_months) / Decimal(12)).quantize(CENT, ROUND_HALF_UP)
    w = scheme.weight_hazards_found
    row.indicators.append(Indicator(
        "hazards_found", "隐患排查", w, _ratio_points(w, found, target) if target else w.quantize(CENT),
        f"{found} 项（目标{target.normalize():f}项）", found, int(target),
        f"{w}分 × min(1, {found}/{target.normalize():f})（发现隐患 ÷ 目标数）", url("hazards_found")))

    hazards = list(department_hazards(department.pk, period))
    rect_due, rect_on_time = _rectification_split(hazards, today)
    w = scheme.weight_rectified_on_time
    row.indicators.append(Indicator(
        "rectified_on_time", "按期整改", w, _ratio_points(w, len(rect_on_time), len(rect_due)),
        f"{len(rect_on_time)}/{len(rect_due)} 项", len(rect_on_time), len(rect_due),
        f"{w}分 × {len(rect_on_time)}/{len(rect_due)}（按期整改 ÷ 已到时限或已整改）" if rect_due else f"无到期隐患，得满分{w}分",
        url("rectified_on_time")))

    overdue = sum(1 for h in hazards if h.state != HazardState.CLOSED and h.deadline is not None and h.deadline < today)
    w = scheme.weight_overdue
    points = max(Decimal(0), w - Decimal(overdue) * scheme.overdue_penalty).quantize(CENT, ROUND_HALF_UP)
    row.indicators.append(Indicator(
        "overdue", "逾期未整改", w, points, f"{overdue} 项", overdue, 0,
        f"{w}分 − {overdue} × {scheme.overdue_penalty}分（每项逾期扣分，扣完为止）", url("overdue")))

    majors = [h for h in hazards if h.level == HazardLevel.MAJOR]
    majors_closed = [h for h in majors if h.state == HazardState.CLOSED]
    w = scheme.weight_major_closed
    row.indicators.append(Indicator(
        "major_closed", "重大隐患销号", w, _ratio_points(w, len(majors_closed), len(majors)),
        f"{len(majors_closed)}/{len(majors)} 项", len(majors_closed), len(majors),
        f"{w}分 × {len(majors_closed)}/{len(majors)}（已销号 ÷ 重大隐患）" if majors else f"无重大隐患，得满分{w}分",
        url("major_closed")))

    orders = department_orders(department.pk, period)
    order_due, order_on_time = _orders_split(orders if orders is not None else [], today)
    w = scheme.weight_orders_on_time
    row.indicators.append(Indicator(
        "orders_on_time", "三单按期回复", w, _ratio_points(w, len(order_on_time), len(order_due)),
        f"{len(order_on_time)}/{len(order_due)} 件", len(order_on_time), len(order_due),
        f"{w}分 × {len(order_on_time)}/{len(order_due)}（按期回复 ÷ 已到期或已回复）" if order_due else f"无到期三单，得满分{w}分",
        url("orders_on_time")))
    return row


def assessed_departments(department_ids: Iterable[int] | None = None) -> QuerySet:
    qs = Department.objects.filter(kind=Department.Kind.DEPARTMENT, is_active=True)
    if department_ids is not None:
        qs = qs.filter(pk__in=list(department_ids))
    return qs.order_by("sort_order", "id")


def assess(*, period: Period, department_ids: Iterable[int] | None = None, today: datetime.date | None = None,
           evidence_url=None) -> AssessmentResult:
    today = today or timezone.localdate()
    scheme, configured = scheme_for(period.start.year)
    rows = [assess_department(d, period, scheme, today=today, evidence_url=evidence_url)
            for d in assessed_departments(department_ids)]
    return AssessmentResult(period, scheme, configured, rows)


# ---------------------------------------------------------------- evidence: the records behind one figure


@dataclass(frozen=True)
class EvidenceRow:
    label: str
    detail: str
    status: str
    obj: object | None = None


def evidence(*, department: Department, period: Period, key: str, today: datetime.date | None = None) -> list[EvidenceRow]:
    today = today or timezone.localdate()
    if key == "inspection_months":
        return [EvidenceRow(f"{i.inspected_on:%Y-%m-%d} {i.target.name}", i.group.name, i.get_method_display(), i)
                for i in department_inspections(department.pk, period).select_related("target", "group").order_by("inspected_on", "id")]
    if key == "reports":
        return [EvidenceRow(f"{r.month:%Y年%m月}月报", f"报送期限 {r.deadline:%Y-%m-%d}"
                            + (f"，报送于 {r.submitted_on:%Y-%m-%d}" if r.submitted_on else ""), r.status,
                            _get("reporting.MonthlyReport", r.report_id))
                for r in department_report_months(department.pk, period, today)]
    if key == "hazards_found":
        return [_hazard_row(h, today) for h in department_hazards_found(department.pk, period).select_related("target").order_by("found_at", "id")]
    hazards = list(department_hazards(department.pk, period).select_related("target").order_by("found_at", "id"))
    if key == "rectified_on_time":
        due, on_time = _rectification_split(hazards, today)
        ids = {h.pk for h in on_time}
        return [EvidenceRow(h.code, h.description[:60], "按期" if h.pk in ids else "未按期", h) for h in due]
    if key == "overdue":
        return [_hazard_row(h, today) for h in hazards if h.state != HazardState.CLOSED and h.deadline and h.deadline < today]
    if key == "major_closed":
        return [_hazard_row(h, today) for h in hazards if h.level == HazardLevel.MAJOR]
    if key == "orders_on_time":
        orders = department_orders(department.pk, period)
        due, on_time = _orders_split(orders.order_by("issued_at") if orders is not None else [], today)
        ids = {o.pk for o in on_time}
        return [EvidenceRow(str(o), f"办理时限 {o.due_date:%Y-%m-%d}", "按期回复" if o.pk in ids else "未按期回复", o) for o in due]
    return []


def _hazard_row(hazard: Hazard, today: datetime.date) -> EvidenceRow:
    status = hazard.get_state_display()
    if hazard.state != HazardState.CLOSED and hazard.deadline and hazard.deadline < today:
        status += "（逾期）"
    return EvidenceRow(hazard.code, f"{hazard.target.name}：{hazard.description[:60]}", status, hazard)


def _get(label: str, pk: int | None):
    model = optional_model(label)
    if model is None or pk is None:
        return None
    return model.objects.filter(pk=pk).first()


def evidence_query(department_id: int, period: Period, key: str) -> str:
    return urlencode({"department": department_id, "from": period.start.isoformat(), "to": period.end.isoformat(), "indicator": key})
