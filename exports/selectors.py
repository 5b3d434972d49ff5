"""Selectors: build the plain data of ``exports.data`` from the models.

Exporters never query; everything they print comes from here. The counts of 二、基本情况 use
the same definitions as the assessment (``workflows.assessment.selectors``), so a report and a
score never disagree.
"""

from __future__ import annotations

import datetime
import html
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser

from django.db import connections, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cms.directory.models import Department, Jurisdiction, Sector, Target, TargetCategory
from workflows.assessment.selectors import (
    Period,
    department_hazards_found,
    department_inspections,
    department_report_months,
    department_sector_ids,
    finder_department,
    found_in,
    local_date,
    optional_model,
)
from workflows.hazards.models import Hazard, HazardLevel, HazardState

from .data import (
    Baseline,
    BasicFacts,
    CategoryCount,
    DepartmentMonth,
    DistrictReportData,
    FourListRow,
    HistoryRow,
    LedgerRow,
    MonthlyReportData,
    OfficialDocumentData,
)

OFFICE_NAME = "荔城区安委会办公室"


# ---------------------------------------------------------------- hazards as rows

# The columns a row of the 四个清单 or the ledger shows, read as plain values in one query: a
# model instance per hazard with eight related rows joined in full was 250 µs a row, too slow
# for a month of a city (21,000 hazards; bench/README.md). ``tests/exports/test_rows.py`` holds
# these rows equal to the same figures computed from the model instances.
_ROW_VALUES = (
    "code", "description", "level", "is_prominent", "state", "source", "rectification_measures", "deadline",
    "responsible_kind", "responsible_person", "found_at", "submitted_at", "closed_at", "is_supervised",
    "target__name", "sector__name", "jurisdiction__name", "village__name", "responsible_department__name",
    "responsible_jurisdiction__name", "inspection__group_id", "inspection__group__lead_department__name",
    "found_by__profile__department__name",
)


def _labels(field: str) -> dict:
    return dict(Hazard._meta.get_field(field).flatchoices)


@contextmanager
def _planned_for_every_row(alias: str):
    """On PostgreSQL ``iterator()`` reads through a server-side cursor, which the planner plans
    for the first 10 % of the rows (``cursor_tuple_fraction``) and which, outside a transaction,
    is a WITH HOLD cursor copied out at commit. In a transaction with the fraction at 1 it gets
    the plan of a plain query: 533 → 436 ms for a city month (21,437 rows), rows still fetched
    2,000 at a time. The transaction only reads; the setting ends with it."""
    db = connections[alias]
    if db.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias):
        with db.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
        yield


def _row_values(hazards: QuerySet, order: tuple[str, ...], today: datetime.date | None) -> Iterator[dict]:
    today = today or timezone.localdate()
    levels, states, sources = _labels("level"), _labels("state"), _labels("source")
    tz = timezone.get_current_timezone()
    target_kind = Hazard.ResponsibleKind.TARGET
    with _planned_for_every_row(hazards.db):
        for v in hazards.order_by(*order).values(*_ROW_VALUES).iterator(chunk_size=2000):
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
            for key in ("found_at", "submitted_at", "closed_at"):
                v[key] = v[key].astimezone(tz).date() if v[key] else None
            v["is_overdue"] = v["state"] != HazardState.CLOSED and v["deadline"] is not None and v["deadline"] < today
            yield v


def four_list_rows(hazards: QuerySet, *, today: datetime.date | None = None) -> Iterator[FourListRow]:
    for v in _row_values(hazards, ("found_at", "id"), today):
        yield FourListRow(
            target=v["target__name"], inspecting_unit=v["inspecting_unit"], problem=v["description"],
            level=v["level_label"] + ("（突出）" if v["is_prominent"] else ""), measures=v["rectification_measures"],
            deadline=v["deadline"], state=v["state_label"], responsible_unit=v["responsible_unit"],
            responsible_person=v["responsible_person"], code=v["code"], found_on=v["found_at"], sector=v["sector__name"],
            jurisdiction=v["jurisdiction__name"], is_prominent=v["is_prominent"], is_overdue=v["is_overdue"],
        )


def ledger_rows(hazards: QuerySet, *, today: datetime.date | None = None) -> Iterator[LedgerRow]:
    for v in _row_values(hazards, ("-found_at", "-id"), today):
        yield LedgerRow(
            code=v["code"], found_on=v["found_at"], sector=v["sector__name"], jurisdiction=v["jurisdiction__name"],
            village=v["village__name"] or "", target=v["target__name"], problem=v["description"], level=v["level_label"],
            is_prominent=v["is_prominent"], state=v["state_label"], is_overdue=v["is_overdue"], is_supervised=v["is_supervised"],
            source=v["source_label"], inspecting_unit=v["inspecting_unit"], responsible_unit=v["responsible_unit"],
            responsible_person=v["responsible_person"], measures=v["rectification_measures"], deadline=v["deadline"],
            submitted_on=v["submitted_at"], closed_on=v["closed_at"],
        )


def _bool(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    return value.lower() in ("1", "true", "yes", "on", "是")


def filter_hazards(queryset: QuerySet, params) -> QuerySet:
    """The ledger's filters — the same names as the hazard admin and API filters."""
    def ids(name: str) -> list[int]:
        values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
        out = []
        for value in values:
            for part in str(value or "").split(","):
                part = part.strip()
                if part.isdigit():
                    # a longer number cannot be an id (and would overflow SQLite): it matches nothing
                    out.append(int(part) if len(part) <= 18 else -1)
        return out

    for name, field in (("state", "state"), ("level", "level"), ("source", "source")):
        values = [v for v in (params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]) if v]
        if values:
            queryset = queryset.filter(**{f"{field}__in": values})
    for name, field in (("sector", "sector_id"), ("jurisdiction", "jurisdiction_id"), ("village", "village_id"),
                        ("target", "target_id"), ("responsible_department", "responsible_department_id"),
                        ("responsible_jurisdiction", "responsible_jurisdiction_id"), ("inspection", "inspection_id")):
        values = ids(name)
        if values:
            queryset = queryset.filter(**{f"{field}__in": values})
    for name, field in (("is_prominent", "is_prominent"), ("is_supervised", "is_supervised")):
        flag = _bool(params.get(name))
        if flag is not None:
            queryset = queryset.filter(**{field: flag})
    overdue = _bool(params.get("overdue"))
    if overdue is True:
        queryset = queryset.overdue()
    elif overdue is False:
        queryset = queryset.exclude(pk__in=Hazard.objects.overdue().values("pk"))
    found_from, found_to = parse_date(params.get("found_from") or params.get("from")), parse_date(params.get("found_to") or params.get("to"))
    if found_from or found_to:
        period = Period(found_from or datetime.date(2000, 1, 1), found_to or datetime.date(2100, 12, 31))
        begin, stop = period.bounds()
        queryset = queryset.filter(found_at__gte=begin, found_at__lt=stop)
    term = (params.get("search") or params.get("q") or "").replace("\x00", "").strip()[:100]
    if term:
        queryset = queryset.filter(Q(code__icontains=term) | Q(description__icontains=term) | Q(target__name__icontains=term))
    return queryset


def parse_date(value) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------- 月度督导检查情况


def baseline(department: Department) -> Baseline:
    sector_ids = department_sector_ids(department.pk)
    sectors = tuple(Sector.objects.filter(pk__in=sector_ids).order_by("sort_order", "id").values_list("name", flat=True))
    targets = Target.objects.filter(pk__in=Target.objects.filter(is_active=True, sectors__in=sector_ids).values("pk"))
    total = targets.count()
    target_pks = targets.values("pk")
    through = Target.categories.through.objects.filter(target_id__in=target_pks)
    per_category = Counter(dict(through.values("targetcategory_id").annotate(n=Count("target_id", distinct=True))
                                .values_list("targetcategory_id", "n")))
    categories = []
    for top in TargetCategory.objects.filter(parent__isnull=True).order_by("sort_order", "id"):
        children = tuple((c.name, per_category.get(c.pk, 0)) for c in top.children.order_by("sort_order", "id"))
        # A target tagged with a sub-category belongs to its parent too.
        in_top = through.filter(Q(targetcategory=top) | Q(targetcategory__parent=top)).values("target_id").distinct().count()
        if in_top:
            categories.append(CategoryCount(top.name, in_top, children))
    categorised = through.values("target_id").distinct().count()
    by_jurisdiction = tuple(
        (name, n) for name, n in Jurisdiction.objects.annotate(n=Count("targets", filter=Q(targets__in=target_pks), distinct=True))
        .order_by("sort_order", "id").values_list("name", "n") if n)
    return Baseline(sectors, total, tuple(categories), total - categorised, by_jurisdiction)


_LEVEL_COUNTS = {
    "total": Count("found_at"), "major": Count("found_at", filter=Q(level=HazardLevel.MAJOR)),
    "general": Count("found_at", filter=Q(level=HazardLevel.GENERAL)), "prominent": Count("found_at", filter=Q(is_prominent=True)),
}


def hazard_levels_found(period: Period) -> dict[int, dict[str, int]]:
    """``{department id: {"total", "major", "general", "prominent"}}`` of the hazards each department
    found in ``period``, for every department in one grouped query (the district roll-up needs all
    23; one aggregate each was 21 ms × 23 at city scale)."""
    rows = (Hazard.objects.filter(found_in(period)).annotate(finder=finder_department()).values("finder")
            .annotate(**_LEVEL_COUNTS).order_by())
    return {row.pop("finder"): row for row in rows if row["finder"] is not None}


def basic_facts(department: Department, period: Period, *, levels: dict[str, int] | None = None) -> BasicFacts:
    """二、基本情况 of one department's month; ``levels`` is its entry of ``hazard_levels_found``
    when the caller has it for every department."""
    inspections = department_inspections(department.pk, period)
    dates = list(inspections.values_list("inspected_on", flat=True))
    target_ids = set(inspections.values_list("target_id", flat=True))
    jurisdictions = tuple(Jurisdiction.objects.filter(targets__in=target_ids).distinct().order_by("sort_order", "id")
                          .values_list("name", flat=True))
    villages = Target.objects.filter(pk__in=target_ids, village__isnull=False).values("village_id").distinct().count()
    # counted by the database in one query (it was every row's level fetched, then a second count)
    if levels is None:
        levels = department_hazards_found(department.pk, period).aggregate(**_LEVEL_COUNTS)
    sectors = tuple(Sector.objects.filter(lead_departments=department).order_by("sort_order", "id").values_list("name", flat=True))
    return BasicFacts(
        department_name=department.name, sector_names=sectors,
        start=min(dates) if dates else None, end=max(dates) if dates else None,
        group_count=inspections.values("group_id").distinct().count(),
        jurisdiction_names=jurisdictions, village_count=villages, target_count=len(target_ids),
        hazard_total=levels["total"], major_count=levels["major"],
        general_count=levels["general"], prominent_count=levels["prominent"],
        inspection_count=len(dates),
    )


def monthly_report_record(department: Department, year: int, month: int):
    model = optional_model("reporting.MonthlyReport")
    if model is None:
        return None
    return model.objects.filter(department=department, month=datetime.date(year, month, 1)).first()


def monthly_report_data(department: Department, year: int, month: int, *, today: datetime.date | None = None) -> MonthlyReportData:
    today = today or timezone.localdate()
    period = Period.month(year, month)
    record = monthly_report_record(department, year, month)
    submitted = getattr(record, "submitted_at", None) if record is not None else None
    return MonthlyReportData(
        year=year, month=month, unit_name=department.name, report_date=local_date(submitted) or today,
        baseline=baseline(department), facts=basic_facts(department, period),
        highlights=getattr(record, "highlights", "") or "", problems=getattr(record, "problems", "") or "",
        next_steps=getattr(record, "next_steps", "") or "",
        rows=four_list_rows(department_hazards_found(department.pk, period), today=today),
    )


def district_report_data(year: int, month: int, *, today: datetime.date | None = None) -> DistrictReportData:
    today = today or timezone.localdate()
    period = Period.month(year, month)
    begin, stop = period.bounds()
    departments = []
    found = hazard_levels_found(period)
    none_found = dict.fromkeys(_LEVEL_COUNTS, 0)
    for department in Department.objects.filter(kind=Department.Kind.DEPARTMENT, is_active=True).order_by("sort_order", "id"):
        record = monthly_report_record(department, year, month)
        status = department_report_months(department.pk, period, today)[0].status
        departments.append(DepartmentMonth(
            facts=basic_facts(department, period, levels=found.get(department.pk, none_found)), report_status=status,
            highlights=getattr(record, "highlights", "") or "", problems=getattr(record, "problems", "") or "",
            next_steps=getattr(record, "next_steps", "") or ""))
    month_hazards = Hazard.objects.filter(found_at__gte=begin, found_at__lt=stop)
    breakdown = [(name, n, m) for name, n, m in Sector.objects.annotate(
        n=Count("hazards", filter=Q(hazards__in=month_hazards)),
        m=Count("hazards", filter=Q(hazards__in=month_hazards, hazards__level=HazardLevel.MAJOR)),
    ).order_by("sort_order", "id").values_list("name", "n", "m") if n]
    overdue = Hazard.objects.overdue(today).count()
    open_major = Hazard.objects.open().filter(level=HazardLevel.MAJOR).count()
    closed = Hazard.objects.filter(closed_at__gte=begin, closed_at__lt=stop).count()
    orders_summary = ""
    order_model = optional_model("hazards.Order")
    if order_model is not None:
        kinds = Counter(order_model.objects.filter(issued_at__gte=begin, issued_at__lt=stop).values_list("kind", flat=True))
        labels = dict(order_model._meta.get_field("kind").choices)
        if kinds:
            orders_summary = (f"本月区安办发出“三单”{sum(kinds.values())}件，其中"
                              + "、".join(f"{labels.get(k, k)}{n}件" for k, n in sorted(kinds.items())) + "，跟踪督促整改落实。")
    suggestions = []
    idle = [d.facts.department_name for d in departments if not d.facts.inspection_count]
    if idle:
        suggestions.append(f"督促{'、'.join(idle)}按照“管行业必须管安全”要求，每月对主管行业领域开展督导检查。")
    late = [d.facts.department_name for d in departments if d.report_status in ("未报送", "逾期报送")]
    if late:
        suggestions.append(f"{'、'.join(late)}月报未按时报送，建议予以通报；对不重视、不负责的，报送区督查、效能等部门。")
    if overdue:
        suggestions.append(f"对逾期未整改的{overdue}项隐患发出提醒单，逾期仍未整改的重大隐患挂牌督办。")
    if breakdown:
        top = sorted(breakdown, key=lambda x: -x[1])[:2]
        suggestions.append(f"下月综合督导检查建议聚焦{'、'.join(n for n, _, _ in top)}等隐患较多的行业领域。")
    group_reports = []
    report_model = optional_model("reporting.MonthlyReport")
    if report_model is not None:
        for report in report_model.objects.filter(month=period.start, group__isnull=False).select_related("group"):
            group_reports.append((report.group.name, report.problems or "", report.next_steps or ""))
    return DistrictReportData(
        group_reports=group_reports, year=year, month=month, unit_name=OFFICE_NAME, report_date=today, departments=departments,
        sector_breakdown=breakdown, overdue_count=overdue, open_major_count=open_major, closed_count=closed,
        orders_summary=orders_summary, suggestions=suggestions, rows=four_list_rows(month_hazards, today=today))


# ---------------------------------------------------------------- official documents


ORDER_TITLES = {"assignment": "安全生产工作交办单", "reminder": "安全生产工作提醒单", "supervision": "安全生产隐患督办单"}
ORDER_LEADS = {
    "assignment": "经督导检查，发现你单位存在以下安全生产问题隐患，现予交办，请按要求组织整改。",
    "reminder": "下列隐患问题的整改时限已到或即将到期，现予提醒，请抓紧整改落实。",
    "supervision": "下列隐患问题危险性大、治理难度高，现予挂牌督办，请按整改方案落实整改，整改完成后报区安办复核销号。",
}


def order_document(order) -> OfficialDocumentData:
    kind = getattr(order, "kind", "")
    kind_label = order.get_kind_display() if hasattr(order, "get_kind_display") else "三单"
    issuer = order.issuing_department.name if getattr(order, "issuing_department_id", None) else OFFICE_NAME
    content = (order.content or "").strip()
    body = ORDER_LEADS.get(kind, "") + ("\n" + content if content else "")
    return OfficialDocumentData(
        kind=kind_label, doc_number=order.number, title=ORDER_TITLES.get(kind, kind_label),
        addressee=getattr(order, "recipient_name", ""), body=body, issuer=issuer,
        issued_on=local_date(order.issued_at) or timezone.localdate(),
        rows=tuple(four_list_rows(order.hazards.all())), reply_due=order.due_date,
        reply=getattr(order, "reply", "") or "")


def inspection_feedback(inspection) -> OfficialDocumentData:
    """督导检查反馈意见 to the inspected unit (五（三）: 第一时间向被督导检查的单位反馈意见): the
    feedback record's problems and suggestions when the group wrote one, and the hazards found."""
    group = inspection.group
    hazards = Hazard.objects.filter(inspection=inspection)
    rows = tuple(four_list_rows(hazards))
    majors = sum(1 for r in rows if r.level.startswith("重大"))
    feedback = _feedback_record(inspection)
    day = inspection.inspected_on
    body = [f"{day.year}年{day.month}月{day.day}日，{group.name}以{inspection.get_method_display()}方式对你单位开展安全生产督导检查。"]
    body.append(f"本次督导检查发现隐患问题{len(rows)}项，其中重大隐患问题{majors}项、一般隐患问题{len(rows) - majors}项。" if rows
                else "本次督导检查未发现隐患问题，请继续落实安全生产主体责任，强化风险排查和隐患自查自改。")
    if feedback is not None and feedback.problems.strip():
        body += ["一、存在问题", feedback.problems.strip()]
    if feedback is not None and feedback.suggestions.strip():
        body += ["二、意见建议", feedback.suggestions.strip()]
    if rows:
        body.append("能立即整改的，要即行即改；一时无法整改到位的，要制定整改方案，明确任务、时间和责任人，按期整改到位；"
                    "重大隐患将予以挂牌督办。")
    if feedback is not None and feedback.deadline_note.strip():
        body.append(feedback.deadline_note.strip())
    deadlines = [r.deadline for r in rows if r.deadline]
    reply_due = getattr(feedback, "rectification_deadline", None) or (max(deadlines) if deadlines else None)
    return OfficialDocumentData(
        kind="督导检查反馈意见", doc_number="", title="安全生产督导检查反馈意见",
        addressee=inspection.target.name, body="\n".join(body),
        issuer=group.lead_department.name, issued_on=getattr(feedback, "delivered_on", None) or day, rows=rows, reply_due=reply_due)


def _feedback_record(inspection):
    model = optional_model("inspections.InspectionFeedback")
    if model is None:
        return None
    return model.objects.filter(inspection=inspection).first()


class _TextLines(HTMLParser):
    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "br", "blockquote", "table"}

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.current: list[str] = []

    def _flush(self):
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        self.current.append(data)


def html_lines(markup: str) -> list[str]:
    parser = _TextLines()
    parser.feed(markup)
    parser.close()
    parser._flush()
    return [html.unescape(line) for line in parser.lines]


def stream_text(stream) -> str:
    lines: list[str] = []
    for child in stream or []:
        try:
            lines += html_lines(str(child.render()))
        except Exception:  # noqa: BLE001 — a block without a template: fall back to its indexed text
            lines += [str(t) for t in child.block.get_searchable_content(child.value)]
    return "\n".join(lines)


def notice_document(page) -> OfficialDocumentData:
    attachments = tuple(a.display_title for a in page.attachments.all()) if hasattr(page, "attachments") else ()
    addressee = getattr(page, "addressee_text", "") or "、".join(
        [d.name for d in page.addressee_departments.all()] + [j.name for j in page.addressee_jurisdictions.all()])
    return OfficialDocumentData(
        kind="通报", doc_number=getattr(page, "document_number", ""), title=page.title, addressee=addressee,
        body=stream_text(getattr(page, "body", None)), issuer=getattr(page, "issuing_office", "") or OFFICE_NAME,
        issued_on=getattr(page, "issued_on", None) or timezone.localdate(), attachments=attachments)


# ---------------------------------------------------------------- history


HISTORY_ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}


def hazard_history_queryset(*, start: datetime.date | None, end: datetime.date | None, department_id: int | None,
                            jurisdiction_id: int | None, hazard_id: int | None, visible_hazards: QuerySet | None):
    qs = Hazard.history.all()
    if start or end:
        begin, stop = Period(start or datetime.date(2000, 1, 1), end or datetime.date(2100, 12, 31)).bounds()
        qs = qs.filter(history_date__gte=begin, history_date__lt=stop)
    if hazard_id:
        qs = qs.filter(id=hazard_id)
    if department_id:
        qs = qs.filter(Q(responsible_department_id=department_id) | Q(sector_id__in=department_sector_ids(department_id)))
    if jurisdiction_id:
        qs = qs.filter(Q(jurisdiction_id=jurisdiction_id) | Q(responsible_jurisdiction_id=jurisdiction_id))
    if visible_hazards is not None:
        qs = qs.filter(id__in=visible_hazards.values("pk"))
    return qs.order_by("history_date", "history_id")


def history_rows(history: QuerySet) -> Iterator[HistoryRow]:
    """Rows as tuples, a chunk at a time: no model instances, bounded memory."""
    states, levels = dict(HazardState.choices), dict(HazardLevel.choices)
    users = {}
    departments = dict(Department.objects.values_list("pk", "name"))
    jurisdictions = dict(Jurisdiction.objects.values_list("pk", "name"))
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    fields = ("history_date", "code", "history_type", "state", "level", "history_user_id", "ip_address",
              "history_change_reason", "description", "responsible_department_id", "responsible_jurisdiction_id", "deadline")
    for (date, code, kind, state, level, user_id, ip, reason, description, dept_id, jur_id,
         deadline) in history.values_list(*fields).iterator(chunk_size=2000):
        if user_id and user_id not in users:
            user = user_model.objects.filter(pk=user_id).first()
            users[user_id] = (user.get_full_name() or user.get_username()) if user else str(user_id)
        yield HistoryRow(
            changed_at=timezone.localtime(date), hazard_code=code, action=HISTORY_ACTIONS.get(kind, kind),
            state=states.get(state, state), level=levels.get(level, level), user=users.get(user_id, "系统"),
            ip_address=ip or "", reason=reason or "", description=description,
            responsible_unit=departments.get(dept_id) or jurisdictions.get(jur_id) or "", deadline=deadline)
