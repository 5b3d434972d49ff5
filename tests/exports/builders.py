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


NOTICE_PARAGRAPH = "3月全区共开展督导检查5次，发现隐患6项，其中重大隐患1项，已整改4项，整改率66.7%。各镇街、工业园区要认真落实属地管理责任。"
NOTICE_COPY_TO = "区委办，区人大办，区政府办，区政协办，区纪委监委，区委督查室，区效能办"
NOTICE_OFFICE = "荔城区人民政府安全生产委员会办公室"


def notice_data(paragraphs: int):
    """A 通报 (版头, title, 主送, a heading and ``paragraphs`` three-line paragraphs, 署名, 版记) as
    the exporter takes it: 0–1 paragraphs end on page 1, 3–7 on page 2 with room under the
    signature, 8 fill page 2 (as LibreOffice lays them out: tests/exports/test_render.py)."""
    from exports.data import DocBlock, OfficialDocumentData

    blocks = (DocBlock("heading", "一、总体情况"),) + (DocBlock("paragraph", NOTICE_PARAGRAPH),) * paragraphs
    return OfficialDocumentData(
        kind="通报", doc_number="荔安办〔2026〕3号", title="关于2026年3月安全生产督导检查情况的通报",
        addressee="各镇街、工业园区，区安委会有关成员单位", body="", issuer=NOTICE_OFFICE, issued_on=datetime.date(2026, 4, 8),
        blocks=blocks, header_name=NOTICE_OFFICE, printing_office=NOTICE_OFFICE, copy_to=NOTICE_COPY_TO)
