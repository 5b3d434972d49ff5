"""Selectors: build the plain data of ``exports.data`` from the models.

Exporters never query; everything they print comes from here. The counts of 二、基本情况 use
the same definitions as the assessment (``workflows.assessment.selectors``), so a report and a
score never disagree.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser

from django.db.models import Q, QuerySet
from django.utils import timezone

from cms.directory import names
from cms.directory.models import Department, Jurisdiction
from workflows.hazards.models import Hazard, HazardLevel, HazardState, Order, OrderKind
from workflows.inspections.models import InspectionFeedback
from workflows.periods import Period, local_date
from workflows.reporting import figures
from workflows.reporting.models import MonthlyReport
from workflows.reporting.selectors import report_content, report_is_frozen

from .data import (
    DepartmentMonth,
    DistrictReportData,
    DocBlock,
    FourListRow,
    HistoryRow,
    LedgerRow,
    MonthlyReportData,
    OfficialDocumentData,
)

OFFICE_NAME = "荔城区人民政府安全生产委员会办公室"  # the full name (as the 通报 and the notice sign)


# ---------------------------------------------------------------- hazards as rows

def four_list_rows(hazards: QuerySet, *, today: datetime.date | None = None) -> Iterator[FourListRow]:
    for row in figures.four_list_rows(hazards, today=today):
        yield FourListRow(**row)


def ledger_rows(hazards: QuerySet, *, today: datetime.date | None = None) -> Iterator[LedgerRow]:
    for v in figures.hazard_values(hazards, ("-found_at", "-id"), today):
        yield LedgerRow(
            code=v["code"], found_on=v["found_at"], sector=v["sector__name"], jurisdiction=v["jurisdiction__name"],
            village=v["village__name"] or "", target=v["target__name"], problem=v["description"], level=v["level_label"],
            is_prominent=v["is_prominent"], state=v["state_label"], is_overdue=v["is_overdue"], is_supervised=v["is_supervised"],
            source=v["source_label"], inspecting_unit=v["inspecting_unit"], responsible_unit=v["responsible_unit"],
            responsible_person=v["responsible_person"], measures=v["rectification_measures"], deadline=v["deadline"],
            submitted_on=v["submitted_at"], closed_on=v["closed_at"],
        )


# ---------------------------------------------------------------- 月度督导检查情况


def _unit_and_record(*, department: Department | None = None, group=None, year: int, month: int):
    unit = department if department is not None else group
    key = {"department": department} if department is not None else {"group": group}
    record = MonthlyReport.objects.filter(month=datetime.date(year, month, 1), **key).first()
    return unit, record


def monthly_report_data(department: Department | None = None, year: int | None = None, month: int | None = None, *,
                        group=None, today: datetime.date | None = None) -> MonthlyReportData:
    """附件2 of a department or a special group: its report as sent once 报送 (frozen), else the live
    figures marked as a draft."""
    today = today or timezone.localdate()
    unit, record = _unit_and_record(department=department, group=group, year=year, month=month)
    content = report_content(record, today=today) if record is not None else figures.unit_month(unit, datetime.date(year, month, 1), today=today)
    sent = record is not None and report_is_frozen(record)
    return MonthlyReportData(
        year=year, month=month, unit_name=content.unit_name,
        report_date=local_date(record.submitted_at) if sent else today,
        baseline=content.baseline, facts=content.facts,
        highlights=record.highlights if record is not None else "", problems=record.problems if record is not None else "",
        next_steps=record.next_steps if record is not None else "",
        rows=[FourListRow(**row) for row in content.rows], is_draft=not sent,
    )


def district_report_data(year: int, month: int, *, today: datetime.date | None = None) -> DistrictReportData:
    today = today or timezone.localdate()
    period = Period.month(year, month)
    begin, stop = period.bounds()
    district = figures.district_month(period, today=today)
    records = {r.department_id: r for r in MonthlyReport.objects.filter(month=period.start, department__isnull=False)}
    departments = []
    for line in district.units:
        record = records.get(line.department_id)
        departments.append(DepartmentMonth(
            facts=line.facts, report_status=record.timeliness if record else "",
            highlights=record.highlights if record else "", problems=record.problems if record else "",
            next_steps=record.next_steps if record else ""))
    orders_summary = ""
    kinds = Counter(Order.objects.filter(issued_at__gte=begin, issued_at__lt=stop).values_list("kind", flat=True))
    labels = dict(OrderKind.choices)
    if kinds:
        orders_summary = (f"本月区安办发出“三单”{sum(kinds.values())}件，其中"
                          + "、".join(f"{labels.get(k, k)}{n}件" for k, n in sorted(kinds.items())) + "，跟踪督促整改落实。")
    suggestions = []
    if district.idle_units:
        suggestions.append(f"督促{'、'.join(district.idle_units)}按照“管行业必须管安全”要求，每月对主管行业领域开展督导检查。")
    late = [d.facts.department_name for d in departments if d.report_status in ("逾期未报", "逾期报送")]
    if late:
        suggestions.append(f"{'、'.join(late)}月报未按时报送，建议予以通报；对不重视、不负责的，报送区督查、效能等部门。")
    if district.overdue:
        suggestions.append(f"对逾期未整改的{district.overdue}项隐患发出提醒单，逾期仍未整改的重大隐患挂牌督办。")
    if district.sector_breakdown:
        top = sorted(district.sector_breakdown, key=lambda x: -x[1])[:2]
        suggestions.append(f"下月综合督导检查建议聚焦{'、'.join(n for n, _, _ in top)}等隐患较多的行业领域。")
    group_reports = [(r.group.name, r.problems or "", r.next_steps or "")
                     for r in MonthlyReport.objects.filter(month=period.start, group__isnull=False).select_related("group")]
    return DistrictReportData(
        group_reports=group_reports, year=year, month=month, unit_name=figures.OFFICE_FULL_NAME, report_date=today,
        departments=departments, sector_breakdown=district.sector_breakdown, overdue_count=district.overdue,
        open_major_count=district.open_major, closed_count=district.closed_in_month, orders_summary=orders_summary,
        suggestions=suggestions, rows=four_list_rows(figures.district_hazards(period), today=today), figures=district)


# ---------------------------------------------------------------- official documents


ORDER_TITLES = {"assignment": "安全生产工作交办单", "reminder": "安全生产工作提醒单", "supervision": "安全生产隐患督办单"}


def office_template():
    """The office's 公文版式 (版头 name, 发文机关全称, 抄送, 印发机关), edited in the admin settings."""
    from notices.models import OfficeDocumentSettings

    return OfficeDocumentSettings.load()


def department_full_name(department) -> str:
    """区应急管理局 → 荔城区应急管理局; the office → its full name from the settings."""
    if department is None:
        return ""
    if department.kind == Department.Kind.OFFICE:
        return office_template().issuing_office
    return names.department_full_name(department)


def jurisdiction_full_name(jurisdiction) -> str:
    """拱辰街道 → 拱辰街道办事处, 北高镇 → 北高镇人民政府, 黄石工业园区 → 黄石工业园区管委会."""
    return names.jurisdiction_full_name(jurisdiction)


def _snapshot_row(item: dict) -> FourListRow:
    deadline = item.get("deadline")
    return FourListRow(
        target=item.get("target", ""), inspecting_unit="", problem=item.get("problem", ""), level=item.get("level", ""),
        measures=item.get("measures", ""), deadline=datetime.date.fromisoformat(deadline) if deadline else None,
        state=item.get("state", ""), responsible_unit=item.get("responsible_unit", ""),
        responsible_person=item.get("responsible_person", ""), code=item.get("code", ""), sector=item.get("sector", ""),
        jurisdiction=item.get("jurisdiction", ""), is_prominent=bool(item.get("is_prominent")),
        is_overdue=bool(item.get("is_overdue")))


_DUE_CLAUSE = re.compile(r"请于\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*前|请于\s*\d{4}-\d{1,2}-\d{1,2}\s*前")


def _order_matter(content: str, rows: tuple[FourListRow, ...]) -> str:
    """The order's 事项 when it adds to what the document says: a 事项 that names the listed
    hazards by their codes (the text the loop writes when it issues an order) restates the table
    and the due date, so it is not printed; otherwise it is, without a second due date."""
    text = (content or "").strip()
    if any(row.code and row.code in text for row in rows):
        return ""
    text = _DUE_CLAUSE.sub("", text).strip(" ：:；;，,、")
    return text if len(re.sub(r"[^\u4e00-\u9fff]", "", text)) >= 4 else ""


def _order_lead(kind: str, recipient_kind: str, recipient: str, rows: tuple[FourListRow, ...]) -> str:
    """The opening sentence, per order kind and addressee: a unit is told about its own hazards
    ("你单位存在"), a department about the enterprises of its sector, a town about its area."""
    # "你单位存在" only when the recipient is where the hazards are; a department or a town is told
    # about the enterprises of its sector or area
    own = bool(rows) and all(r.target == recipient for r in rows)
    targets = "、".join(dict.fromkeys(r.target for r in rows if r.target))
    count = f"{len(rows)}项" if rows else ""
    if own or not rows:
        subject = "你单位存在以下安全生产隐患问题"
    elif recipient_kind == "jurisdiction":
        subject = f"你辖区内的{targets}存在以下安全生产隐患问题{count}"
    else:
        subject = f"你单位主管行业领域的{targets}存在以下安全生产隐患问题{count}"
    urge = "请抓紧整改" if own else "请督促责任单位抓紧整改"
    if kind == "assignment":
        return f"经督导检查，{subject}，现予交办，{urge}，确保按期整改到位。"
    if kind == "reminder":
        return f"经跟踪核查，{subject}，整改时限已到或即将届满，现予提醒，{urge}，逾期未整改的将予以挂牌督办。"
    if kind == "supervision":
        return (f"经督导检查，{subject}，危险性大、治理难度高，现予挂牌督办。{urge}，严格按照整改方案落实整改，"
                "整改完成后报区安办复核销号。")
    return f"{subject}。"


def order_document(order) -> OfficialDocumentData:
    """A 三单 as it was issued: the hazards, their state and deadline at issue (``Order.snapshot``),
    whatever happened since; the full names of sender and recipient; the due date said once."""
    kind = getattr(order, "kind", "")
    kind_label = order.get_kind_display() if hasattr(order, "get_kind_display") else "三单"
    snapshot = getattr(order, "snapshot", None) or {}
    issued_on = local_date(order.issued_at) or timezone.localdate()
    if snapshot:
        rows = tuple(_snapshot_row(item) for item in snapshot.get("hazards", []))
    else:  # not issued through order_issue (never in practice since the snapshot exists): today's state
        rows = tuple(four_list_rows(order.hazards.all(), today=issued_on))
    if "issuer_full_name" in snapshot:  # the names and date it was sent with (order_issue, migration 0012)
        issuer, recipient = snapshot["issuer_full_name"], snapshot["recipient_full_name"]
        recipient_kind, short_recipient = snapshot["recipient_kind"], snapshot["recipient"]
        issued_on = datetime.date.fromisoformat(snapshot["issued_on"])
    else:  # an order saved without a snapshot: the names as they are now
        issuer = department_full_name(order.issuing_department) if getattr(order, "issuing_department_id", None) \
            else office_template().issuing_office
        if order.recipient_department_id:
            recipient, recipient_kind = department_full_name(order.recipient_department), "department"
        else:
            recipient, recipient_kind = jurisdiction_full_name(order.recipient_jurisdiction), "jurisdiction"
        short_recipient = getattr(order, "recipient_name", "")
    lead = _order_lead(kind, recipient_kind, short_recipient, rows)
    matter = _order_matter(order.content, rows)
    body = lead + ("\n" + matter if matter else "")
    return OfficialDocumentData(
        kind=kind_label, doc_number=order.number, title=ORDER_TITLES.get(kind, kind_label),
        addressee=recipient, body=body, issuer=issuer, issued_on=issued_on,
        rows=rows, reply_due=order.due_date, reply=getattr(order, "reply", "") or "",
        rows_state_note=f"（隐患状态为{issued_on.year}年{issued_on.month}月{issued_on.day}日发文时的状态）" if rows else "",
        layout=snapshot.get("layout", 1) if snapshot else 0)  # sent before layouts were kept: the first one


def rows_as_of(hazards: QuerySet, day: datetime.date) -> tuple[FourListRow, ...]:
    """The hazards as their history says they were at the end of ``day`` (a letter or a notice
    states them as at its date, not as at the day it is printed)."""
    tz = timezone.get_current_timezone()
    moment = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    states, levels = dict(HazardState.choices), dict(HazardLevel.choices)
    rows = []
    for hazard in hazards.select_related("target", "sector", "jurisdiction", "responsible_department",
                                         "responsible_jurisdiction").order_by("found_at", "id"):
        then = (hazard.history.filter(history_date__lt=moment).order_by("-history_date", "-history_id").first()
                # typed in after the date (an inspection recorded late): as it was registered
                or hazard.history.order_by("history_date", "history_id").first() or hazard)
        if then.responsible_kind == Hazard.ResponsibleKind.TARGET:
            unit = hazard.target.name
        else:
            unit = (Department.objects.filter(pk=then.responsible_department_id).values_list("name", flat=True).first()
                    or Jurisdiction.objects.filter(pk=then.responsible_jurisdiction_id).values_list("name", flat=True).first() or "")
        rows.append(FourListRow(
            target=hazard.target.name, inspecting_unit="", problem=then.description,
            level=levels.get(then.level, then.level) + ("（突出）" if then.is_prominent else ""),
            measures=then.rectification_measures, deadline=then.deadline, state=states.get(then.state, then.state),
            responsible_unit=unit, responsible_person=then.responsible_person, code=then.code,
            found_on=local_date(then.found_at), sector=hazard.sector.name, jurisdiction=hazard.jurisdiction.name,
            is_prominent=then.is_prominent,
            is_overdue=then.state != HazardState.CLOSED and then.deadline is not None and then.deadline < day))
    return tuple(rows)


def _method_phrase(label: str) -> str:
    """以“四不两直”方式 — the notice's own term keeps its quotation marks; the others read plain."""
    return f"以“{label}”方式" if label == "四不两直" else f"以{label}方式"


def inspection_feedback(inspection) -> OfficialDocumentData:
    """督导检查反馈意见 to the inspected unit (五（三）: 第一时间向被督导检查的单位反馈意见): the
    feedback record's problems and suggestions when the group wrote one, and the hazards found,
    in the state they were in on the letter's date."""
    group = inspection.group
    feedback = _feedback_record(inspection)
    # a letter recorded as delivered keeps the names it was sent with (its snapshot); before
    # that, the names as they are now
    sent = (feedback.snapshot if feedback is not None else None) or {}
    group_name, method = sent.get("group_name", group.name), sent.get("method", inspection.get_method_display())
    issuer = sent.get("issuer_full_name") or department_full_name(group.lead_department)
    day = inspection.inspected_on
    letter_day = (feedback.delivered_on if feedback is not None else None) or day
    rows = rows_as_of(Hazard.objects.filter(inspection=inspection), letter_day)
    if "addressee" in sent:  # every hazard of the visit is at the visited unit, named as the letter names it
        rows = tuple(dataclasses.replace(row, target=sent["addressee"]) for row in rows)
    majors = sum(1 for r in rows if r.level.startswith("重大"))
    body = [f"{day.year}年{day.month}月{day.day}日，{group_name}{_method_phrase(method)}对你单位开展安全生产督导检查。"]
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
    reply_due = (feedback.rectification_deadline if feedback is not None else None) or (max(deadlines) if deadlines else None)
    return OfficialDocumentData(
        kind="督导检查反馈意见", doc_number="", title="安全生产督导检查反馈意见",
        addressee=sent.get("addressee", inspection.target.name), body="\n".join(body),
        issuer=issuer, issued_on=letter_day, rows=rows, reply_due=reply_due,
        rows_state_note=f"（隐患状态截至{letter_day.year}年{letter_day.month}月{letter_day.day}日）" if rows else "",
        layout=sent.get("layout", 0))


def _feedback_record(inspection) -> InspectionFeedback | None:
    return InspectionFeedback.objects.filter(inspection=inspection).first()


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


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if hasattr(value, "source"):  # rich text
        return " ".join(html_lines(value.source))
    return str(value)


NOTICE_HAZARD_HEADER = ("序号", "属地", "排查对象", "隐患问题", "隐患等级", "整改时限", "状态")


def _hazard_table(rows: tuple[FourListRow, ...]) -> DocBlock:
    return DocBlock("table", header=NOTICE_HAZARD_HEADER, rows=tuple(
        (str(n), r.jurisdiction, r.target, r.problem, r.level, cn_date(r.deadline) if r.deadline else "未定",
         r.state + ("（逾期）" if r.is_overdue else "")) for n, r in enumerate(rows, start=1)))


def cn_date(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def notice_blocks(stream, *, as_of: datetime.date | None) -> tuple[DocBlock, ...]:
    """A 通报's body as the Word document lays it out: headings, paragraphs, and every table
    block — the figures and the named hazards — as a real table. ``as_of``: the hazards as they
    were on the notice's date (a published notice); ``None``: as they are now (a draft)."""
    blocks: list[DocBlock] = []
    for child in stream or []:
        kind, value = child.block_type, child.value
        if kind == "heading":
            blocks.append(DocBlock("heading", str(value)))
        elif kind == "paragraph":
            blocks += [DocBlock("paragraph", line) for line in html_lines(getattr(value, "source", str(value)))]
        elif kind == "table":
            header = tuple(str(c.get("heading", "")) for c in value.columns)
            rows = tuple(tuple(_cell_text(v) for v in row.get("values", [])) for row in value.row_data)
            if getattr(value, "caption", ""):
                blocks.append(DocBlock("caption", str(value.caption)))
            blocks.append(DocBlock("table", header=header, rows=rows))
        elif kind == "hazards":
            ids = [h.pk for h in value.get("hazards", []) if h is not None]
            if value.get("heading"):
                blocks.append(DocBlock("caption", value["heading"]))
            hazards = Hazard.objects.filter(pk__in=ids)
            rows = rows_as_of(hazards, as_of) if as_of else tuple(four_list_rows(hazards))
            blocks.append(_hazard_table(rows))
        elif kind == "units":
            names = [d.name for d in value.get("departments", []) if d is not None] + \
                    [j.name for j in value.get("jurisdictions", []) if j is not None]
            heading = value.get("heading") or "涉及单位"
            if names:
                blocks.append(DocBlock("paragraph", f"{heading}：{'、'.join(names)}。"))
            if (value.get("note") or "").strip():
                blocks.append(DocBlock("paragraph", value["note"].strip()))
        else:  # a block type added later: its indexed text, so nothing is lost
            blocks += [DocBlock("paragraph", str(t)) for t in child.block.get_searchable_content(value)]
    return tuple(blocks)


def notice_document(page) -> OfficialDocumentData:
    """A 通报 as a 公文: 版头 and 版记 from the office's settings; a draft (not yet published) is
    marked as one and shows the hazards as they are now, a published one as at its date."""
    template = office_template()
    attachments = tuple(a.display_title for a in page.attachments.all()) if hasattr(page, "attachments") else ()
    addressee = getattr(page, "addressee_text", "") or "、".join(
        [d.name for d in page.addressee_departments.all()] + [j.name for j in page.addressee_jurisdictions.all()])
    is_draft = not getattr(page, "live", True)
    issued_on = getattr(page, "issued_on", None) or timezone.localdate()
    body = getattr(page, "body", None)
    return OfficialDocumentData(
        kind="通报", doc_number=(getattr(page, "document_number", "") or "").strip(), title=page.title, addressee=addressee,
        body=stream_text(body), issuer=getattr(page, "issuing_office", "") or template.issuing_office,
        issued_on=issued_on, attachments=attachments, is_draft=is_draft,
        blocks=notice_blocks(body, as_of=None if is_draft else issued_on),
        header_name=template.header_name, printing_office=template.printing_office, copy_to=template.copy_to)


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
        qs = qs.filter(Q(responsible_department_id=department_id) | Q(sector_id__in=figures.department_sector_ids(department_id)))
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
