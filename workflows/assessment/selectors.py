"""年度目标责任考核, computed from the records (五（五）: 将督导检查完成情况纳入年度目标责任考核).

Each indicator is one rule, stated from the notice, read from the one set of definitions in
``workflows.reporting.figures`` (the same figures the monthly reports and the dashboard show):

- 月度督导检查 (三（三）: 每月对主管行业领域开展安全生产督导检查): months in which a group the
  department leads inspected at least once ÷ the months assessed (the compliance page's definition too);
- 月报按时报送 (五（四）: 每月5日报送): each month's report 按时报送 / 逾期报送 / 逾期未报 once due;
- 隐患排查 (四（二）: 督导检查发现的问题隐患): the hazards of the department's own months (its reports' 四个清单)
  against the yearly target;
- 按期整改 (五（三）: 交办、整改、销号全过程闭环管理): of the hazards the department answers for (its
  sectors — 管行业必须管安全 — or assigned to it), those whose outcome is known — 销号, or past the
  deadline, except one submitted in time that awaits the office's 复核 — and of these, the ones 销号
  whose rectification was submitted by the deadline. No hazard is ever both 按期 and 逾期;
- 逾期未整改: the same hazards, open past their deadline (the one definition of 逾期);
- 重大隐患销号 (挂牌督办): of the same hazards, 重大 ones 销号 ÷ 重大 ones;
- 三单按期回复 (四（四）: 三单): orders issued to the department answered by their due date.

The items are data (``ITEMS``); ``score`` turns each item's figures into points one way. Each figure
comes with the records behind it (``evidence``), so the admin lists what a point was earned or lost on.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils import timezone

from cms.directory.models import Department
from workflows.hazards.models import Hazard, HazardLevel, HazardState, Order
from workflows.inspections.models import Inspection
from workflows.periods import Period, local_date
from workflows.reporting import figures
from workflows.reporting.models import MonthlyReport, ReportingSettings

from .models import AssessmentScheme

CENT = Decimal("0.01")


# ---------------------------------------------------------------- the records behind the figures


def department_inspections(department_id: int, period: Period) -> QuerySet[Inspection]:
    return Inspection.objects.filter(group__lead_department_id=department_id,
                                     inspected_on__gte=period.start, inspected_on__lte=period.end)


def department_hazards_found(department_id: int, period: Period) -> QuerySet[Hazard]:
    """The hazards of the department's own months: ``figures.unit_hazards``."""
    return Hazard.objects.filter(figures.found_in(period) & figures.hazards_found_q(department_id))


def department_hazards(department_id: int, period: Period) -> QuerySet[Hazard]:
    """Hazards the department answers for (its sectors, or assigned to it), found in the period."""
    sectors = figures.department_sector_ids(department_id)
    return Hazard.objects.filter((Q(sector_id__in=sectors) | Q(responsible_department_id=department_id)) & figures.found_in(period))


def _is_overdue(hazard: Hazard, today: datetime.date) -> bool:
    return hazard.state != HazardState.CLOSED and hazard.deadline is not None and hazard.deadline < today


def _rectification_split(hazards: Iterable[Hazard], today: datetime.date) -> tuple[list[Hazard], list[Hazard]]:
    """(decided, on_time). On time: 销号 with the rectification submitted by the deadline (即行即改, which
    has no deadline, is rectified on the spot). Decided: 销号, or past the deadline — except a
    rectification submitted in time that awaits the office's 复核, whose outcome is not known yet (it is
    neither credited nor failed, so no hazard is both 按期 and 逾期 in the same assessment)."""
    decided, on_time = [], []
    for hazard in hazards:
        submitted = local_date(hazard.submitted_at)
        if hazard.state == HazardState.CLOSED:
            decided.append(hazard)
            submitted = submitted or local_date(hazard.closed_at)
            if hazard.deadline is None or (submitted is not None and submitted <= hazard.deadline):
                on_time.append(hazard)
        elif _is_overdue(hazard, today):
            awaiting_in_time = hazard.state == HazardState.SUBMITTED and submitted is not None and submitted <= hazard.deadline
            if not awaiting_in_time:
                decided.append(hazard)
    return decided, on_time


def report_due_date(month: datetime.date) -> datetime.date:
    return ReportingSettings.load().due_date(month)


@dataclass(frozen=True)
class ReportMonth:
    month: datetime.date
    status: str  # MonthlyReport.timeliness: 按时报送 / 逾期报送 / 逾期未报 / 未到期
    deadline: datetime.date
    submitted_on: datetime.date | None
    report_id: int | None


def department_report_months(department_id: int, period: Period, today: datetime.date) -> list[ReportMonth]:
    reports = {r.month.replace(day=1): r for r in MonthlyReport.objects.filter(
        department_id=department_id, month__gte=period.months[0], month__lte=period.end)}
    rows = []
    for month in period.months:
        report = reports.get(month)
        deadline = report.deadline if report is not None else report_due_date(month)
        submitted = local_date(report.first_submitted_at) if report is not None else None
        rows.append(ReportMonth(month, MonthlyReport.timeliness_of(first_submitted_on=submitted, deadline=deadline, today=today),
                                deadline, submitted, report.pk if report else None))
    return rows


def department_orders(department_id: int, period: Period) -> QuerySet[Order]:
    begin, stop = period.bounds()
    return Order.objects.filter(recipient_department_id=department_id, issued_at__gte=begin, issued_at__lt=stop)


def _orders_split(orders: Iterable[Order], today: datetime.date) -> tuple[list, list]:
    due, on_time = [], []
    for order in orders:
        answered = local_date(order.answered_at)
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


@dataclass(frozen=True)
class Figures:
    """What one item counted for one department: ``numerator`` of ``denominator`` (a ratio item), or
    ``numerator`` occurrences (a deduction item), with the text shown beside it."""

    numerator: int | Decimal
    denominator: int | Decimal
    figure: str
    note: str = ""  # the rule as applied, when the plain ratio text does not say it


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    weight_field: str
    kind: str  # "ratio": weight × min(1, n/d), full marks when d = 0; "deduction": weight − n × penalty
    rule: str  # the ratio or deduction, in words
    count: Callable[[Context], Figures]


@dataclass
class Context:
    """One department's records over the period, read once and shared by the items."""

    department: Department
    period: Period
    scheme: AssessmentScheme
    today: datetime.date
    _answerable: list[Hazard] | None = field(default=None, repr=False)

    @property
    def answerable(self) -> list[Hazard]:
        if self._answerable is None:
            self._answerable = list(department_hazards(self.department.pk, self.period))
        return self._answerable


def _inspection_months(ctx: Context) -> Figures:
    months = figures.inspected_months(ctx.department.pk, ctx.period)
    n = len(ctx.period.months)
    return Figures(len(months), n, f"{len(months)}/{n} 个月")


def _reports(ctx: Context) -> Figures:
    months = department_report_months(ctx.department.pk, ctx.period, ctx.today)
    on_time = sum(1 for r in months if r.status == "按时报送")
    late = sum(1 for r in months if r.status == "逾期报送")
    missing = sum(1 for r in months if r.status == "逾期未报")
    due = on_time + late + missing
    credit = ctx.scheme.late_report_credit
    earned = Decimal(on_time) + Decimal(late) * Decimal(credit) / Decimal(100)
    return Figures(earned, due, f"按时{on_time}、逾期{late}、未报{missing}（应报{due}）",
                   f"（{on_time} + {late} × {credit}%）÷ {due}" if due else "")


def _hazards_found(ctx: Context) -> Figures:
    found = department_hazards_found(ctx.department.pk, ctx.period).count()
    target = (Decimal(ctx.scheme.hazards_found_target) * Decimal(len(ctx.period.months)) / Decimal(12)).quantize(CENT, ROUND_HALF_UP)
    return Figures(found, target, f"{found} 项（目标{target.normalize():f}项）", f"{found}/{target.normalize():f}（超过目标按1计）")


def _rectified_on_time(ctx: Context) -> Figures:
    decided, on_time = _rectification_split(ctx.answerable, ctx.today)
    return Figures(len(on_time), len(decided), f"{len(on_time)}/{len(decided)} 项")


def _overdue(ctx: Context) -> Figures:
    overdue = sum(1 for h in ctx.answerable if _is_overdue(h, ctx.today))
    return Figures(overdue, 0, f"{overdue} 项")


def _major_closed(ctx: Context) -> Figures:
    majors = [h for h in ctx.answerable if h.level == HazardLevel.MAJOR]
    closed = [h for h in majors if h.state == HazardState.CLOSED]
    return Figures(len(closed), len(majors), f"{len(closed)}/{len(majors)} 项")


def _orders_on_time(ctx: Context) -> Figures:
    due, on_time = _orders_split(department_orders(ctx.department.pk, ctx.period), ctx.today)
    return Figures(len(on_time), len(due), f"{len(on_time)}/{len(due)} 件")


ITEMS: tuple[Item, ...] = (
    Item("inspection_months", "月度督导检查", "weight_inspection_months", "ratio", "开展督导检查的月份 ÷ 考核月份", _inspection_months),
    Item("reports", "月报按时报送", "weight_reports", "ratio", "按时月报 + 逾期月报 × 逾期得分比例，÷ 应报月数", _reports),
    Item("hazards_found", "隐患排查", "weight_hazards_found", "ratio", "发现隐患 ÷ 目标数", _hazards_found),
    Item("rectified_on_time", "按期整改", "weight_rectified_on_time", "ratio", "按期整改销号 ÷ 已销号或已过整改时限（按期提交、待复核的暂不计）", _rectified_on_time),
    Item("overdue", "逾期未整改", "weight_overdue", "deduction", "每项逾期扣分，扣完为止", _overdue),
    Item("major_closed", "重大隐患销号", "weight_major_closed", "ratio", "已销号 ÷ 重大隐患", _major_closed),
    Item("orders_on_time", "三单按期回复", "weight_orders_on_time", "ratio", "按期回复 ÷ 已到期或已回复", _orders_on_time),
)
INDICATORS = tuple((item.key, item.label) for item in ITEMS)
# 口径 of each item, in the notice's words (shown beside the figure in the admin)
DEFINITIONS = {
    "inspection_months": "三（三）每月对主管行业领域开展督导检查：当月本单位牵头的督导检查组至少有一次督导检查，即计该月",
    "reports": "五（四）每月5日前报送上月情况：按首次报送日期与报送期限比较",
    "hazards_found": "四（二）督导检查发现的问题隐患：即本单位各月月报“四个清单”中的隐患（按发现日期）",
    "rectified_on_time": "五（三）交办、整改、销号闭环：本单位主管行业领域或交办给本单位的隐患，销号且整改在时限内提交的为按期",
    "overdue": "未销号且已过整改时限的隐患，每项扣分",
    "major_closed": "五（三）重大隐患挂牌督办：本单位主管行业领域或交办给本单位的重大隐患中已销号的",
    "orders_on_time": "四（四）三单：发给本单位的交办单、提醒单、督办单在办理时限内回复的",
}
INDICATOR_LABELS = dict(INDICATORS)
_NOTHING_DUE = {"reports": "无应报月报", "rectified_on_time": "无到期隐患", "major_closed": "无重大隐患", "orders_on_time": "无到期三单"}


def score(item: Item, counted: Figures, scheme: AssessmentScheme) -> tuple[Decimal, str]:
    """The points of one item and how they were earned, the one way every item is scored."""
    weight = getattr(scheme, item.weight_field)
    if item.kind == "deduction":
        points = max(Decimal(0), weight - Decimal(counted.numerator) * scheme.overdue_penalty).quantize(CENT, ROUND_HALF_UP)
        return points, f"{weight}分 − {counted.numerator} × {scheme.overdue_penalty}分（{item.rule}）"
    if not counted.denominator:
        return weight.quantize(CENT, ROUND_HALF_UP), f"{_NOTHING_DUE.get(item.key, '无考核对象')}，得满分{weight}分"
    ratio = counted.note or f"{counted.numerator}/{counted.denominator}"
    return _ratio_points(weight, counted.numerator, counted.denominator), f"{weight}分 × {ratio}（{item.rule}）"


def assess_department(department: Department, period: Period, scheme: AssessmentScheme, *,
                      today: datetime.date, evidence_url=None) -> DepartmentAssessment:
    ctx = Context(department, period, scheme, today)
    row = DepartmentAssessment(department.pk, department.name)
    for item in ITEMS:
        counted = item.count(ctx)
        points, rule = score(item, counted, scheme)
        row.indicators.append(Indicator(
            item.key, item.label, getattr(scheme, item.weight_field), points, counted.figure,
            int(counted.numerator), int(counted.denominator), rule,
            evidence_url(department.pk, period, item.key) if evidence_url else ""))
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
                            _report(r.report_id))
                for r in department_report_months(department.pk, period, today)]
    if key == "hazards_found":
        return [_hazard_row(h, today) for h in department_hazards_found(department.pk, period).select_related("target").order_by("found_at", "id")]
    hazards = list(department_hazards(department.pk, period).select_related("target").order_by("found_at", "id"))
    if key == "rectified_on_time":
        decided, on_time = _rectification_split(hazards, today)
        ids = {h.pk for h in on_time}
        return [EvidenceRow(h.code, h.description[:60], "按期" if h.pk in ids else "未按期", h) for h in decided]
    if key == "overdue":
        return [_hazard_row(h, today) for h in hazards if _is_overdue(h, today)]
    if key == "major_closed":
        return [_hazard_row(h, today) for h in hazards if h.level == HazardLevel.MAJOR]
    if key == "orders_on_time":
        due, on_time = _orders_split(department_orders(department.pk, period).order_by("issued_at"), today)
        ids = {o.pk for o in on_time}
        return [EvidenceRow(str(o), f"办理时限 {o.due_date:%Y-%m-%d}", "按期回复" if o.pk in ids else "未按期回复", o) for o in due]
    return []


def _hazard_row(hazard: Hazard, today: datetime.date) -> EvidenceRow:
    status = hazard.get_state_display()
    if _is_overdue(hazard, today):
        status += "（逾期）"
    return EvidenceRow(hazard.code, f"{hazard.target.name}：{hazard.description[:60]}", status, hazard)


def _report(pk: int | None):
    return MonthlyReport.objects.filter(pk=pk).first() if pk is not None else None


def evidence_query(department_id: int, period: Period, key: str) -> str:
    return urlencode({"department": department_id, "from": period.start.isoformat(), "to": period.end.isoformat(), "indicator": key})
