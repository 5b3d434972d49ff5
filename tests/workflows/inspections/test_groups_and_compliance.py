import datetime

import pytest
from django.utils import timezone

from cms.directory.models import SpecialAssignment
from cms.records import save_record
from cms.roles import Role
from workflows.hazards.models import Hazard
from workflows.hazards.services import hazard_register
from workflows.inspections.models import InspectionGroup
from workflows.inspections.selectors import add_months, compliance_for_month, consultation_count, focus_sector_proposal
from workflows.inspections.services import ensure_standing_groups, inspection_submit, sync_special_groups

from .conftest import started

pytestmark = pytest.mark.django_db


def test_special_groups_follow_the_assignments_of_the_notice_and_sync_is_idempotent(ref):
    counts = sync_special_groups()
    departments = set(SpecialAssignment.objects.filter(is_active=True).values_list("department", flat=True))
    special = InspectionGroup.objects.filter(kind=InspectionGroup.Kind.SPECIAL)
    assert counts["新建"] == len(departments) == special.count()  # never a hard-coded "6"
    cgzf = special.get(lead_department=ref["departments"]["城管执法局"])
    assert {j.name for j in cgzf.jurisdictions.all()} == {"西天尾镇", "西天尾工业园区"}
    assert sync_special_groups() == {"新建": 0, "更新": 0, "未变": len(departments)}
    # an edited assignment is followed
    save_record(instance=SpecialAssignment(department=ref["departments"]["城管执法局"], jurisdiction=ref["jurisdictions"]["黄石镇"]),
                actor=None, reason="调整分工")
    assert sync_special_groups()["更新"] == 1
    assert cgzf.jurisdictions.count() == 3
    ensure_standing_groups()
    assert InspectionGroup.objects.filter(kind=InspectionGroup.Kind.COMPREHENSIVE).count() == 1
    industry_before = InspectionGroup.objects.filter(kind=InspectionGroup.Kind.INDUSTRY).count()
    assert industry_before > 10
    ensure_standing_groups()
    assert InspectionGroup.objects.filter(kind=InspectionGroup.Kind.INDUSTRY).count() == industry_before


def test_compliance_on_a_month_with_gaps(ref, users, make_target, make_user):
    sync_special_groups()
    ensure_standing_groups()
    office = users[Role.OFFICE_EDITOR]
    month = timezone.localdate().replace(day=1)
    day = timezone.localdate()
    yjj = InspectionGroup.objects.get(kind="industry", lead_department=ref["departments"]["应急管理局"])
    chem = make_target("拱辰化工", jurisdiction="拱辰街道", sectors=("危化品",))
    inspection_submit(actor=office, reason="t", group=yjj, target=chem, inspected_on=day, method="planned", inspectors=[], checklist_version=None,
                      answers=[], summary="检查台账", started_at=started())
    jjdd = InspectionGroup.objects.get(kind="special", lead_department=ref["departments"]["交警大队"])
    inspection_submit(actor=office, reason="t", group=jjdd, target=chem, inspected_on=day, method="unannounced", inspectors=[],
                      checklist_version=None, answers=[], summary="专项督导", started_at=started())
    result = compliance_for_month(month)
    by_label = {line.label: line for line in result.industry}
    assert by_label["区应急管理局"].ok
    assert not by_label["区住建局"].ok and "未开展" in by_label["区住建局"].detail
    special = {line.label: line.ok for line in result.special}
    assert special["区交警大队 → 拱辰街道"] is True
    assert special["区交通运输局 → 拱辰街道"] is False  # same jurisdiction, other group: not covered by 交警
    assert not result.comprehensive.ok
    if consultation_count(month) is None:
        assert not result.consultations.ok
    assert any("综合督导检查" in m for m in result.missing)
    # the comprehensive inspection closes that gap
    comp = InspectionGroup.objects.get(kind="comprehensive")
    inspection_submit(actor=office, reason="t", group=comp, target=chem, inspected_on=day, method="unannounced", inspectors=[],
                      checklist_version=None, answers=[], summary="综合督导", started_at=started())
    again = compliance_for_month(month)
    assert again.comprehensive.ok and "危化品" in again.comprehensive.detail
    # last month had nothing
    assert all(not line.ok for line in compliance_for_month(add_months(month, -1)).industry)


def test_compliance_api(users, api_for, ref):
    sync_special_groups()
    response = api_for(users[Role.DEPARTMENT]).get(f"/api/v1/compliance/?month={timezone.localdate():%Y-%m}")
    assert response.status_code == 200
    data = response.json()
    assert data["all_ok"] is False and data["missing"]
    assert len(data["special"]) == SpecialAssignment.objects.filter(is_active=True).count()
    assert api_for(users[Role.DEPARTMENT]).get("/api/v1/compliance/?month=2026-1x").status_code == 400
    assert api_for(None).get("/api/v1/compliance/?month=2026-01").status_code == 401


def test_focus_proposal_ranks_sectors_by_hazards_major_and_overdue(ref, users, make_target):
    office = users[Role.OFFICE_EDITOR]
    month = add_months(timezone.localdate().replace(day=1), 1)
    chem = make_target("化工A", sectors=("危化品",))
    gas = make_target("燃气站B", sectors=("燃气",))
    for n in range(3):
        hazard_register(actor=office, reason="t", description=f"危化品问题{n}", target=chem, sector=ref["sectors"]["危化品"])
    hazard_register(actor=office, reason="t", description="燃气重大问题", target=gas, sector=ref["sectors"]["燃气"], level="major")
    gas_overdue = hazard_register(actor=office, reason="t", description="燃气逾期问题", target=gas, sector=ref["sectors"]["燃气"])
    gas_overdue.deadline = timezone.localdate() - datetime.timedelta(days=3)
    gas_overdue._change_reason = "测试设定期限"
    gas_overdue.save()
    rows = focus_sector_proposal(month=month)
    assert [r.sector.name for r in rows[:2]] == ["燃气", "危化品"]  # 2 + 3×1 + 2×1 = 7 > 3
    assert (rows[0].hazards, rows[0].major, rows[0].overdue) == (2, 1, 1)
    assert Hazard.objects.count() == 5


def test_plan_api_with_month_filter_and_focus_proposal(users, api_for, ref):
    ensure_standing_groups()
    comp = InspectionGroup.objects.get(kind="comprehensive")
    client = api_for(users[Role.OFFICE_EDITOR])
    response = client.post("/api/v1/plans/", {
        "month": "2026-12-15", "group": comp.pk, "title": "12月综合督导", "sectors": [ref["sectors"]["燃气"].pk],
        "content": "燃气经营企业安全管理", "key_points": "查台账、查现场", "method": "unannounced",
        "training_date": "2026-11-30", "training_topic": "燃气重大隐患判定标准", "training_trainer": "吴德明", "training_attendees": "综合组全体",
    }, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["month"] == "2026-12-01"
    assert client.get("/api/v1/plans/?month=2026-12").json()["count"] == 1
    assert client.get("/api/v1/plans/?month=2027-01").json()["count"] == 0
    bad = client.post("/api/v1/plans/", {"month": "2026-12-01", "group": comp.pk, "title": "x", "major_event": "春节"}, format="json")
    assert bad.status_code == 400 and "major_event" in bad.json()["errors"]
    assert client.get("/api/v1/plans/focus-proposal/?month=2026-12").status_code == 200


def test_demo_command_is_idempotent(ref):
    from django.core.management import call_command

    from cms.checklists.models import ChecklistTemplate

    call_command("load_inspection_demo")
    groups, templates = InspectionGroup.objects.count(), ChecklistTemplate.objects.count()
    assert templates == 2 and all(t.current_version for t in ChecklistTemplate.objects.all())
    call_command("load_inspection_demo")
    call_command("sync_special_groups")
    assert (InspectionGroup.objects.count(), ChecklistTemplate.objects.count()) == (groups, templates)
