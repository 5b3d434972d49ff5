"""Reads for monthly reports and consultations: what a report states (live for a draft, as sent once
报送; the figures themselves are defined in ``figures``), who owes a report, which are missing."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from workflows.periods import Period, first_of_month, previous_month  # noqa: F401 — re-exported for the services

from .figures import UnitMonth, is_frozen, reporting_departments, reporting_groups, unit_month, unit_month_from_json  # noqa: F401
from .models import Consultation, MonthlyReport, ReportingSettings, ReportState


def report_deadline(month: datetime.date) -> datetime.date:
    return ReportingSettings.load().due_date(first_of_month(month))


def report_unit(report: MonthlyReport):
    return report.department or report.group


def report_is_frozen(report: MonthlyReport) -> bool:
    """A submitted or accepted report states what it stated when it was sent (its snapshot)."""
    return report.state in (ReportState.SUBMITTED, ReportState.ACCEPTED) and is_frozen(report.snapshot)


def report_content(report: MonthlyReport, *, today: datetime.date | None = None) -> UnitMonth:
    """What the report states: as sent once 报送 (frozen on submission), else the data as it is now
    (a draft, or a returned report being corrected)."""
    if report_is_frozen(report):
        return unit_month_from_json(report.snapshot, report.four_lists)
    return unit_month(report_unit(report), report.month, today=today)


def missing_reports(*, today: datetime.date | None = None) -> QuerySet[MonthlyReport]:
    """Reports never submitted whose deadline has passed: what the office chases."""
    return (MonthlyReport.objects.missing(today).select_related("department", "group")
            .order_by("month", "department__sort_order", "group__name"))


def report_status_for_month(month: datetime.date) -> dict[str, int]:
    reports = list(MonthlyReport.objects.for_month(month))
    counts = {"应报": len(reports), "按时报送": 0, "逾期报送": 0, "逾期未报": 0, "未到期": 0}
    for report in reports:
        counts[report.timeliness] += 1
    return counts


def consultations_in_month(month: datetime.date) -> QuerySet[Consultation]:
    """The month's consultations (两个每月: 1–2 sector consultations every month)."""
    period = Period.of_month(month)
    return Consultation.objects.filter(held_on__gte=period.start, held_on__lte=period.end)


def reports_awaiting(user) -> QuerySet[MonthlyReport]:
    """待我处理: monthly reports whose next step is this user's — the office reviews what was
    submitted; a department fills and submits its drafts and returned reports. Within ``cms.scope``."""
    from cms.roles import OFFICE_ROLES, Role, role_of
    from cms.scope import scoped

    role = role_of(user)
    base = scoped(MonthlyReport.objects.all(), user).select_related("department", "group")
    if role in OFFICE_ROLES:
        return base.filter(state=ReportState.SUBMITTED).order_by("submitted_at", "id")
    if role == Role.DEPARTMENT:
        return base.filter(state__in=[ReportState.DRAFT, ReportState.RETURNED]).order_by("deadline", "id")
    return base.none()
