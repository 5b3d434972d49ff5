"""Reads for monthly reports and consultations: the data a report is prefilled from (基本情况
counts and the 四个清单 rows), who owes a report, and which reports are missing."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cms.directory.models import Department, Sector, Target
from workflows.hazards.models import Hazard, HazardLevel, HazardState
from workflows.inspections.models import Inspection, InspectionGroup

from .models import Consultation, MonthlyReport, ReportingSettings


def first_of_month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def previous_month(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = first_of_month(month)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end, datetime.time.min, tzinfo=tz))


def report_deadline(month: datetime.date) -> datetime.date:
    return ReportingSettings.load().due_date(first_of_month(month))


def reporting_departments() -> QuerySet[Department]:
    """区直有关单位 (附件1): the departments that owe a monthly report."""
    return Department.objects.filter(kind=Department.Kind.DEPARTMENT, is_active=True)


def reporting_groups() -> QuerySet[InspectionGroup]:
    """The special groups (专项督导组), which owe one too (五（四）)."""
    return InspectionGroup.objects.filter(kind=InspectionGroup.Kind.SPECIAL, is_active=True)


def _hazard_row(index: int, hazard: Hazard) -> dict:
    deadline = hazard.deadline.isoformat() if hazard.deadline else ""
    return {
        "序号": index,
        "排查对象": hazard.target.name,
        "排查单位": hazard.inspection.group.name if hazard.inspection_id else hazard.get_source_display(),
        "隐患问题": hazard.description,
        "隐患等级": hazard.get_level_display() + ("（突出）" if hazard.is_prominent else ""),
        "整改措施": hazard.rectification_measures,
        "整改时限": deadline,
        "整改状态": hazard.get_state_display() + ("（逾期）" if hazard.is_overdue else ""),
        "责任单位": hazard.responsible_unit_name,
        "责任人": hazard.responsible_person,
        "隐患编号": hazard.code,
    }


def report_data(*, month: datetime.date, department: Department | None = None, group: InspectionGroup | None = None) -> tuple[dict, list[dict]]:
    """(snapshot of 基本情况, 四个清单 rows) for one department or special group and month."""
    start, end = month_bounds(month)
    if department is not None:
        sectors = Sector.objects.filter(lead_departments=department)
        hazards = Hazard.objects.filter(Q(sector__in=sectors) | Q(inspection__group__lead_department=department))
        inspections = Inspection.objects.filter(Q(group__lead_department=department) | Q(target__sectors__in=sectors))
        groups = InspectionGroup.objects.filter(lead_department=department, is_active=True)
        unit_name = department.name
    else:
        sectors = group.sectors.all()
        hazards = Hazard.objects.filter(inspection__group=group)
        inspections = Inspection.objects.filter(group=group)
        groups = InspectionGroup.objects.filter(pk=group.pk)
        unit_name = group.lead_department.name
    hazards = hazards.filter(found_at__gte=start, found_at__lt=end).distinct()
    inspections = inspections.filter(inspected_on__gte=start.date(), inspected_on__lt=end.date()).distinct()
    hazard_list = list(hazards.select_related("target", "jurisdiction", "inspection__group", "responsible_department",
                                              "responsible_jurisdiction").order_by("found_at", "id"))
    target_ids = set(inspections.values_list("target_id", flat=True)) | {h.target_id for h in hazard_list}
    targets = Target.objects.filter(pk__in=target_ids)
    jurisdictions = sorted({t.jurisdiction for t in targets.select_related("jurisdiction")}, key=lambda j: j.sort_order)
    dates = sorted(set(inspections.values_list("inspected_on", flat=True)) | {timezone.localdate(h.found_at) for h in hazard_list})
    levels = hazards.aggregate(
        total=Count("id"), major=Count("id", filter=Q(level=HazardLevel.MAJOR)),
        general=Count("id", filter=Q(level=HazardLevel.GENERAL)), prominent=Count("id", filter=Q(is_prominent=True)),
        closed=Count("id", filter=Q(state=HazardState.CLOSED)),
    )
    base = (Target.objects.filter(sectors__in=sectors, is_active=True).values("categories__name")
            .annotate(n=Count("id", distinct=True)).order_by("categories__name"))
    snapshot = {
        "unit": unit_name,
        "month": first_of_month(month).isoformat(),
        "sectors": [s.name for s in sectors],
        "date_from": dates[0].isoformat() if dates else None,
        "date_to": dates[-1].isoformat() if dates else None,
        "groups": [g.name for g in groups],
        "group_count": groups.count(),
        "jurisdictions": [j.name for j in jurisdictions],
        "villages_count": targets.exclude(village=None).values("village").distinct().count(),
        "targets_count": len(target_ids),
        "inspections_count": inspections.count(),
        "hazards_total": levels["total"],
        "hazards_major": levels["major"],
        "hazards_general": levels["general"],
        "hazards_prominent": levels["prominent"],
        "hazards_closed": levels["closed"],
        "targets_base_total": Target.objects.filter(sectors__in=sectors, is_active=True).distinct().count(),
        "targets_base_by_category": {(r["categories__name"] or "未分类"): r["n"] for r in base},
        "generated_at": timezone.now().isoformat(),
    }
    rows = [_hazard_row(i, h) for i, h in enumerate(hazard_list, start=1)]
    return snapshot, rows


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
    start = first_of_month(month)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return Consultation.objects.filter(held_on__gte=start, held_on__lt=end)
