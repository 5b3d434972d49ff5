"""Services of 会商研判 and 月度督导检查情况: the only code that writes a report's state.

Each takes the acting user and a reason, locks the row, checks the transition and guards, and
writes the row and its history in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.directory.models import Department, Sector
from cms.errors import InvalidInput, NotAllowed, NotFound, StateConflict
from cms.inputs import checked_reason
from cms.records import validation_fields
from cms.roles import is_office
from cms.scope import can_write, in_scope
from workflows.hazards.models import OrderKind
from workflows.hazards.services import order_issue

from .figures import rows_json, unit_month
from .models import Consultation, ConsultationMeasure, MonthlyReport, ReportState
from .selectors import first_of_month, previous_month, report_deadline, report_unit, reporting_departments, reporting_groups

MIN_SECTORS, MAX_SECTORS = 1, 2
REMINDER_DAYS = 3


def _stamp(obj, actor, reason: str) -> None:
    obj._change_reason = checked_reason(reason)
    if actor is not None:
        obj._history_user = actor


# ---------------------------------------------------------------- 会商研判

@dataclass
class MeasureInput:
    content: str
    responsible_department: Department | None = None
    responsible_jurisdiction: object | None = None
    deadline: datetime.date | None = None
    id: int | None = None


def validate_sector_count(sectors: Sequence[Sector]) -> None:
    if not MIN_SECTORS <= len(sectors) <= MAX_SECTORS:
        raise InvalidInput(fields={"sectors": f"每次会商研判选择 {MIN_SECTORS}–{MAX_SECTORS} 个行业领域（已选 {len(sectors)} 个）"})


@dataclass
class ConsultationInput:
    held_on: datetime.date
    title: str
    situation_analysis: str
    risks: str
    sectors: Sequence[Sector]
    lead_departments: Sequence[Department]
    participating_departments: Sequence[Department] = ()
    notes: str = ""
    measures: Sequence[MeasureInput] | None = None
    extra: dict = field(default_factory=dict)


def consultation_save(*, actor, reason: str, data: ConsultationInput, consultation: Consultation | None = None) -> Consultation:
    """Record (or correct) a consultation with its sectors, departments and measures.

    Measures already issued as orders keep their content; others are replaced by ``data.measures``.
    """
    if actor is not None and not can_write(actor, consultation or Consultation):
        raise NotAllowed("只有区安办可以记录会商研判")
    validate_sector_count(list(data.sectors))
    if not data.lead_departments:
        raise InvalidInput(fields={"lead_departments": "请选择牵头部门"})
    with transaction.atomic():
        if consultation is not None:
            consultation = Consultation.objects.select_for_update().order_by().get(pk=consultation.pk)
        else:
            consultation = Consultation(created_by=actor)
        for name in ("held_on", "title", "situation_analysis", "risks", "notes"):
            setattr(consultation, name, getattr(data, name))
        try:
            consultation.full_clean(exclude=["sectors", "lead_departments", "participating_departments"])
        except ValidationError as exc:
            raise InvalidInput(fields=validation_fields(exc)) from exc
        _stamp(consultation, actor, reason or "记录会商研判")
        consultation.save()
        consultation.sectors.set(data.sectors)
        consultation.lead_departments.set(data.lead_departments)
        consultation.participating_departments.set(data.participating_departments)
        if data.measures is not None:
            _replace_measures(actor=actor, reason=reason, consultation=consultation, measures=data.measures)
    return consultation


def _write_measure(*, actor, reason: str, measure: ConsultationMeasure, item: MeasureInput, key: str) -> ConsultationMeasure:
    measure.content = (item.content or "").replace("\x00", "").strip()
    measure.responsible_department = item.responsible_department
    measure.responsible_jurisdiction = item.responsible_jurisdiction
    measure.deadline = item.deadline
    try:
        measure.full_clean(exclude=["consultation"])
    except ValidationError as exc:
        raise InvalidInput(fields={key: [m for v in validation_fields(exc).values() for m in v]}) from exc
    _stamp(measure, actor, reason)
    measure.save()
    return measure


def _replace_measures(*, actor, reason: str, consultation: Consultation, measures: Iterable[MeasureInput]) -> None:
    existing = {m.pk: m for m in consultation.measures.all()}
    kept: set[int] = set()
    for order, item in enumerate(measures):
        measure = existing.get(item.id) if item.id else None
        if measure is not None and measure.status != ConsultationMeasure.Status.PLANNED:
            kept.add(measure.pk)
            continue
        measure = measure or ConsultationMeasure(consultation=consultation)
        measure.sort_order = order
        _write_measure(actor=actor, reason=reason or "会商措施", measure=measure, item=item, key=f"measures[{order}]")
        kept.add(measure.pk)
    for pk, measure in existing.items():
        if pk not in kept:
            if measure.status != ConsultationMeasure.Status.PLANNED:
                continue
            _stamp(measure, actor, reason or "删除会商措施")
            measure.delete()


def consultation_delete(*, actor, reason: str, consultation: Consultation) -> None:
    """Delete a consultation recorded by mistake, with its measures; refused once a measure was issued."""
    if actor is not None and not can_write(actor, consultation):
        raise NotAllowed("只有区安办可以删除会商研判")
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().order_by().filter(pk=consultation.pk).first()
        if locked is None:
            raise NotFound()
        issued = locked.measures.exclude(status=ConsultationMeasure.Status.PLANNED).count()
        if issued:
            raise StateConflict(f"该会商研判已有{issued}项措施交办，不能删除")
        for measure in locked.measures.all():
            _stamp(measure, actor, reason or "删除会商研判")
            measure.delete()
        _stamp(locked, actor, reason or "删除会商研判")
        locked.delete()


def _lock_planned_measure(measure: ConsultationMeasure, verb: str) -> ConsultationMeasure:
    locked = ConsultationMeasure.objects.select_for_update().order_by().filter(pk=measure.pk).first()
    if locked is None:
        raise NotFound()
    if locked.status != ConsultationMeasure.Status.PLANNED:
        raise StateConflict(f"该措施{locked.get_status_display()}，不能{verb}")
    return locked


def measure_save(*, actor, reason: str, consultation: Consultation, data: MeasureInput,
                 measure: ConsultationMeasure | None = None) -> ConsultationMeasure:
    """Add a measure to a consultation, or correct one not yet issued (an issued one is an order: kept as sent)."""
    if actor is not None and not can_write(actor, ConsultationMeasure):
        raise NotAllowed("只有区安办可以记录会商措施")
    if consultation is None:
        raise InvalidInput(fields={"consultation": "请选择会商研判"})
    with transaction.atomic():
        if measure is not None and measure.pk is not None:
            row = _lock_planned_measure(measure, "修改")
            if row.consultation_id != consultation.pk:
                raise InvalidInput(fields={"consultation": "措施不能移到另一次会商研判"})
        else:
            row = ConsultationMeasure(consultation=consultation, sort_order=consultation.measures.count())
        return _write_measure(actor=actor, reason=reason or "会商措施", measure=row, item=data, key="content")


def measure_delete(*, actor, reason: str, measure: ConsultationMeasure) -> None:
    """Delete a measure not yet issued; an issued one is a 工作交办单 and is kept."""
    if actor is not None and not can_write(actor, ConsultationMeasure):
        raise NotAllowed("只有区安办可以删除会商措施")
    with transaction.atomic():
        row = _lock_planned_measure(measure, "删除")
        _stamp(row, actor, reason or "删除会商措施")
        row.delete()


def measure_issue(*, actor, reason: str, measure: ConsultationMeasure, deadline: datetime.date | None = None) -> ConsultationMeasure:
    """交办: the measure becomes a 工作交办单 to its responsible unit (through the 三单 service when present)."""
    if not is_office(actor):
        raise NotAllowed("只有区安办可以交办会商措施")
    with transaction.atomic():
        locked = ConsultationMeasure.objects.select_for_update().order_by().filter(pk=measure.pk).first()
        if locked is None:
            raise NotFound()
        if locked.status != ConsultationMeasure.Status.PLANNED:
            raise StateConflict(f"该措施已{locked.get_status_display()}，不能重复交办")
        if locked.responsible_unit is None:
            # the measure as stored has no one to hand it to: its state, not this request, is wrong
            raise StateConflict("交办前请指定责任单位或责任属地", fields={"responsible_department": "交办前请指定责任单位或责任属地"})
        deadline = deadline or locked.deadline
        if deadline is None:
            raise InvalidInput(fields={"deadline": "交办前请填写完成时限"})
        locked.order = order_issue(
            actor=actor, reason=reason or "会商研判措施交办", kind=OrderKind.ASSIGNMENT,
            content=f"{locked.consultation.held_on:%Y年%m月%d日}会商研判（{locked.consultation.title}）确定的措施：{locked.content}",
            due_date=deadline, recipient_department=locked.responsible_department,
            recipient_jurisdiction=locked.responsible_jurisdiction,
        )
        locked.status = ConsultationMeasure.Status.ISSUED
        locked.deadline = deadline
        locked.issued_at = timezone.now()
        _stamp(locked, actor, reason or "交办会商措施")
        locked.save()
    return locked


def measure_complete(*, actor, reason: str, measure: ConsultationMeasure) -> ConsultationMeasure:
    if not is_office(actor):
        raise NotAllowed("只有区安办可以确认措施落实")
    with transaction.atomic():
        locked = ConsultationMeasure.objects.select_for_update().order_by().get(pk=measure.pk)
        if locked.status != ConsultationMeasure.Status.ISSUED:
            raise StateConflict("只有已交办的措施可以确认落实")
        locked.status = ConsultationMeasure.Status.DONE
        _stamp(locked, actor, reason or "措施已落实")
        locked.save()
    return locked


# ---------------------------------------------------------------- 月度督导检查情况

@dataclass
class OpenResult:
    month: datetime.date
    created: list[MonthlyReport] = field(default_factory=list)
    existing: int = 0


def reports_open(*, actor=None, reason: str = "", month: datetime.date | None = None) -> OpenResult:
    """On the 1st: open a draft for every department and special group that owes last month's report,
    prefilled from the data. Idempotent: reports already opened are left alone."""
    month = first_of_month(month or previous_month())
    result = OpenResult(month=month)
    deadline = report_deadline(month)
    authors = [{"department": d} for d in reporting_departments()] + [{"group": g} for g in reporting_groups()]
    for author in authors:
        if MonthlyReport.objects.filter(month=month, **author).exists():
            result.existing += 1
            continue
        content = unit_month(next(iter(author.values())), month)
        report = MonthlyReport(month=month, deadline=deadline, snapshot=content.as_json(), four_lists=rows_json(content.rows), **author)
        _stamp(report, actor, reason or f"生成{month:%Y年%m月}月报草稿")
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # opened concurrently by another run
            result.existing += 1
            continue
        result.created.append(report)
    return result


def _lock_report(report: MonthlyReport) -> MonthlyReport:
    locked = MonthlyReport.objects.select_for_update().order_by().filter(pk=report.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _may_author(actor, report: MonthlyReport) -> bool:
    return is_office(actor) or (can_write(actor, report) and in_scope(actor, report))


# What a user may do with a report now: asked by the admin before showing a button, so the
# state rules stay here beside the services that enforce them.

def can_edit_report(actor, report: MonthlyReport) -> bool:
    """填写正文 / 按最新数据更新 / 报送 (the same guard as ``report_save_draft`` and ``report_submit``)."""
    return report.state in (ReportState.DRAFT, ReportState.RETURNED) and _may_author(actor, report)


def can_submit_report(actor, report: MonthlyReport) -> bool:
    return can_edit_report(actor, report)


def can_review_report(actor, report: MonthlyReport) -> bool:
    """采纳 / 退回."""
    return report.state == ReportState.SUBMITTED and is_office(actor)


def can_remind_report(actor, report: MonthlyReport) -> bool:
    """催报: never submitted, past the deadline, not reminded within a day (``report_remind``)."""
    return (is_office(actor) and report.first_submitted_at is None and timezone.localdate() > report.deadline
            and (report.reminded_at is None or timezone.now() - report.reminded_at >= datetime.timedelta(days=1)))


def report_save_draft(*, actor, reason: str, report: MonthlyReport, highlights: str | None = None,
                      problems: str | None = None, next_steps: str | None = None) -> MonthlyReport:
    """The author edits the prose parts (特色亮点, 主要问题及风险研判, 下一步工作打算)."""
    if not _may_author(actor, report):
        raise NotAllowed("您无权编辑该月报")
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state not in (ReportState.DRAFT, ReportState.RETURNED):
            raise StateConflict(f"月报{locked.get_state_display()}，不能再编辑")
        for name, value in (("highlights", highlights), ("problems", problems), ("next_steps", next_steps)):
            if value is not None:
                setattr(locked, name, value.replace("\x00", "").strip())
        _stamp(locked, actor, reason or "编辑月报")
        locked.save()
    return locked


def report_refresh_data(*, actor, reason: str, report: MonthlyReport) -> MonthlyReport:
    """Re-read the counts and the 四个清单 from the data (before submitting)."""
    if not _may_author(actor, report):
        raise NotAllowed("您无权编辑该月报")
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state not in (ReportState.DRAFT, ReportState.RETURNED):
            raise StateConflict(f"月报{locked.get_state_display()}，不能再更新数据")
        _freeze(locked)
        _stamp(locked, actor, reason or "按最新数据更新月报")
        locked.save()
    return locked


def _freeze(report: MonthlyReport) -> None:
    """Write the unit's month as the data has it now into the report: what it states from now on
    (a draft shows live data anyway; on 报送 this is what was sent)."""
    content = unit_month(report_unit(report), report.month)
    report.snapshot, report.four_lists = content.as_json(), rows_json(content.rows)


def report_submit(*, actor, reason: str, report: MonthlyReport, at: datetime.datetime | None = None) -> MonthlyReport:
    """报送 to 区安办. The first submission decides on-time or late."""
    if not _may_author(actor, report):
        raise NotAllowed("您无权报送该月报")
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state not in (ReportState.DRAFT, ReportState.RETURNED):
            raise StateConflict(f"月报{locked.get_state_display()}，不能重复报送")
        missing = [label for name, label in (("highlights", "特色亮点"), ("problems", "主要问题及风险研判"),
                                             ("next_steps", "下一步工作打算")) if not getattr(locked, name).strip()]
        if missing:
            raise InvalidInput("报送前请填写：" + "、".join(missing),
                               fields={name: "请填写" for name in ("highlights", "problems", "next_steps") if not getattr(locked, name).strip()})
        now = at or timezone.now()
        _freeze(locked)  # the figures, 四个清单 and text as sent: the Word file prints these from now on
        locked.state = ReportState.SUBMITTED
        locked.submitted_at = now
        locked.submitted_by = actor
        if locked.first_submitted_at is None:
            locked.first_submitted_at = now
        _stamp(locked, actor, reason or "报送月报")
        locked.save()
    return locked


def report_accept(*, actor, reason: str, report: MonthlyReport, comment: str = "") -> MonthlyReport:
    if not is_office(actor):
        raise NotAllowed("只有区安办可以采纳月报")
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state != ReportState.SUBMITTED:
            raise StateConflict(f"月报{locked.get_state_display()}，只有已报送的月报可以采纳")
        locked.state = ReportState.ACCEPTED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.review_comment = (comment or "").strip()
        _stamp(locked, actor, reason or "采纳月报")
        locked.save()
    return locked


def report_return(*, actor, reason: str, report: MonthlyReport, comment: str) -> MonthlyReport:
    """退回 with comments; the author edits and submits again."""
    if not is_office(actor):
        raise NotAllowed("只有区安办可以退回月报")
    comment = (comment or "").replace("\x00", "").strip()
    if not comment:
        raise InvalidInput(fields={"comment": "退回时请填写修改意见"})
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.state != ReportState.SUBMITTED:
            raise StateConflict(f"月报{locked.get_state_display()}，只有已报送的月报可以退回")
        locked.state = ReportState.RETURNED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.review_comment = comment
        _stamp(locked, actor, f"退回月报：{comment}" if not reason else reason)
        locked.save()
    return locked


def report_remind(*, actor, reason: str, report: MonthlyReport) -> MonthlyReport:
    """催报: a missing report earns a 提醒单 (through the 三单 service when present)."""
    if actor is not None and not is_office(actor):
        raise NotAllowed("只有区安办可以催报")
    with transaction.atomic():
        locked = _lock_report(report)
        if locked.first_submitted_at is not None:
            raise StateConflict("该月报已报送，无需催报")
        if timezone.localdate() <= locked.deadline:
            raise StateConflict("尚未到报送期限，不能催报")
        if locked.reminded_at is not None and timezone.now() - locked.reminded_at < datetime.timedelta(days=1):
            raise StateConflict("今天已催报过该月报")
        locked.reminder_order = order_issue(
            actor=actor, reason=reason or "月报逾期未报", kind=OrderKind.REMINDER,
            content=f"请于{REMINDER_DAYS}日内报送{locked}（报送期限{locked.deadline:%Y年%m月%d日}，已逾期）。",
            due_date=timezone.localdate() + datetime.timedelta(days=REMINDER_DAYS),
            recipient_department=Department.objects.get(pk=locked.author_department_id),
        )
        locked.reminded_at = timezone.now()
        _stamp(locked, actor, reason or "逾期未报，发出提醒")
        locked.save()
    return locked


def reports_remind_missing(*, actor, reason: str = "", today: datetime.date | None = None) -> list[MonthlyReport]:
    from .selectors import missing_reports

    return [report_remind(actor=actor, reason=reason, report=r) for r in missing_reports(today=today) if r.reminded_at is None]


