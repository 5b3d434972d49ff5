"""The hazard page as a working file: timeline, before/after photos, links, the current step's form
only, required marks, input kept on a refusal, names not usernames."""

import re

import pytest
from django.core.files.base import ContentFile

from cms.roles import Role
from workflows.hazards import services
from workflows.hazards.models import HazardLevel, HazardPhoto, HazardState

from .factories import advance, png_upload, register

pytestmark = pytest.mark.django_db


def detail(pk):
    return f"/admin/snippets/hazards/hazard/inspect/{pk}/"


def action_block(html: str, action: str) -> str:
    return re.search(rf'<details class="hazard-action" id="action-{action}"(.*?)</details>', html, re.S).group(0)


def test_failed_plan_keeps_what_was_typed_and_marks_required(client, users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("方案厂"), level=HazardLevel.MAJOR), HazardState.ASSIGNED,
                     office=office, responsible=dept)
    client.force_login(dept)
    html = client.get(detail(hazard.pk)).content.decode()
    plan = action_block(html, "plan")
    assert " open>" in plan.split(">", 1)[0] + ">"  # the current step is open
    assert plan.count('class="w-required-mark"') >= 9  # measures, deadline, person and the six parts
    response = client.post(f"/admin/snippets/hazards/hazard/act/{hazard.pk}/plan/", {
        "plan-version": hazard.version, "plan-measures": "停用储罐，更换管线", "plan-responsible_person": "李四",
        "plan-funds": "20万元", "plan-deadline": "2026-12-31", "plan-goal_and_tasks": "消除重大隐患"}, follow=True)
    html = response.content.decode()
    plan = action_block(html, "plan")
    assert "停用储罐，更换管线" in plan and "李四" in plan and "20万元" in plan and "消除重大隐患" in plan
    assert 'id="action-plan" style="margin-bottom:1em" open' in html
    assert "error-message" in plan
    hazard.refresh_from_db()
    assert hazard.state == HazardState.ASSIGNED


def test_after_the_plan_the_current_step_is_rectification_and_the_plan_is_revised_not_retyped(client, users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("整改厂")), HazardState.RECTIFYING, office=office, responsible=dept)
    client.force_login(dept)
    html = client.get(detail(hazard.pk)).content.decode()
    submit, plan = action_block(html, "submit"), action_block(html, "plan")
    assert html.index('id="action-submit"') < html.index('id="action-plan"')
    assert 'style="margin-bottom:1em" open' in submit and 'open' not in plan.split(">", 1)[0]
    assert "修改整改方案" in plan and "更换破损电线，加装漏电保护" in plan  # the saved plan, not an empty form


def test_timeline_photos_links_names_and_closed_state(client, users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("闭环厂")), HazardState.SUBMITTED, office=office, responsible=dept, supervise=True)
    found = HazardPhoto(hazard=hazard, stage=HazardPhoto.Stage.FOUND, uploaded_by=office)
    found.image.save("found.png", ContentFile(png_upload().read()), save=False)
    found._change_reason = "测试"
    found.save()
    services.hazard_reject(hazard=hazard, actor=office, reason="照片看不清")
    hazard.refresh_from_db()
    client.force_login(dept)
    html = client.get(detail(hazard.pk)).content.decode()
    assert 'id="reject-reason"' in html and "照片看不清" in html
    services.hazard_submit(hazard=hazard, actor=dept, reason="重新整改", text="已更换", photos=[png_upload("after2.png")])
    hazard.refresh_from_db()
    services.hazard_verify(hazard=hazard, actor=office, reason="复核通过")
    client.force_login(users[Role.OFFICE_EDITOR])
    html = client.get(detail(hazard.pk)).content.decode()
    steps = re.findall(r'class="hazard-step" data-action="([a-z_]+)"', html)
    assert steps == ["register", "assign", "supervise", "plan", "submit", "reject", "submit", "verify"]
    assert 'id="reject-reason"' not in html  # no longer current after 销号
    before = html.split('id="photos-before"', 1)[1].split("</section>", 1)[0]
    after = html.split('id="photos-after"', 1)[1].split("</section>", 1)[0]
    assert f'src="/files/thumbs/{found.image.name}"' in before and f'href="/files/{found.image.name}"' in before
    assert "/files/thumbs/hazards/" in after and "拍摄时间未知" in after
    assert office.first_name in html and office.username not in html.split('class="hazard-detail"', 1)[1]
    orders = html.split('class="listing hazard-orders"', 1)[1]
    assert "已发出（隐患已销号，本单待回复）" in orders
    assert "打印" in html and "@media print" in html
