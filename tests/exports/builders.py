"""Test data for exports and the assessment: groups, inspections and hazards on given days."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from cms.records import save_record
from workflows.hazards.models import Hazard, HazardLevel
from workflows.hazards.services import hazard_register
from workflows.inspections.models import Inspection, InspectionGroup

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def make_group(name: str, lead, *, kind: str = InspectionGroup.Kind.INDUSTRY) -> InspectionGroup:
    return save_record(instance=InspectionGroup(name=name, kind=kind, lead_department=lead), actor=None, reason="测试数据")


def make_inspection(group: InspectionGroup, target, day: datetime.date) -> Inspection:
    inspection = Inspection(group=group, target=target, inspected_on=day)
    inspection._change_reason = "测试数据"
    inspection.save()
    return inspection


def make_hazard(target, sector, *, inspection=None, level=HazardLevel.GENERAL, prominent=False, found_at=None,
                description="消防通道堵塞", **fields) -> Hazard:
    hazard = hazard_register(actor=None, reason="测试数据", description=description, target=target, sector=sector,
                             level=level, is_prominent=prominent, inspection=inspection,
                             found_at=found_at or (at(inspection.inspected_on.year, inspection.inspected_on.month,
                                                      inspection.inspected_on.day) if inspection else None))
    if fields:
        set_fields(hazard, **fields)
    return hazard


def set_fields(obj, **fields):
    """Put a record in a given state for a test (its history row says so)."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._change_reason = "测试数据：设定状态"
    obj.save()
    return obj
