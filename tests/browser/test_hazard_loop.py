"""The whole loop in a real browser, across four users, by clicks only after each login: the inspector
registers a hazard from the menu, the office assigns it, the department plans and submits with a
photo, the office verifies — each from the dashboard's 待我处理."""

import datetime
import io
import re

import pytest
from django.utils import timezone

from cms.roles import Role
from workflows.hazards.models import Hazard, HazardState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page, login, username):
    page.context.clear_cookies()
    return login(username)


def from_todo(page, hazard):
    """待我处理 on the dashboard → the hazard's page."""
    with page.expect_navigation():
        page.locator("#awaiting-panel [data-todo=hazards] a", has_text=hazard.code).click()


def click_action(page, action):
    with page.expect_navigation():
        page.click(f"button[data-loop-action={action}]")


def test_hazard_taken_through_the_loop_by_three_roles(users, make_target, login, tmp_path):
    target = make_target("荔城区某化工有限公司")
    page = login(users[Role.INSPECTOR].username)

    # 1. the inspector registers a hazard: 隐患闭环 → 隐患 → 添加
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name="隐患闭环").click()
    with page.expect_navigation():
        sidebar.get_by_role("link", name="隐患", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^添加")).first.click()
    page.fill("textarea[name=description]", "储罐区静电接地线断开")
    page.select_option("select[name=target]", str(target.pk))
    page.select_option("select[name=sector]", label="危化品")
    page.fill("input[name=change_reason]", "现场检查发现")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    hazard = Hazard.objects.get(description="储罐区静电接地线断开")
    assert page.url.endswith(f"/inspect/{hazard.pk}/")
    assert page.inner_text("#hazard-state") == "登记"
    assert page.locator("button[data-loop-action=assign]").count() == 0  # not the inspector's to assign

    # 2. the office assigns it to 应急管理局
    page = switch_user(page, login, users[Role.OFFICE_EDITOR].username)
    from_todo(page, hazard)
    page.select_option("#id_assign-responsible_kind", "department")
    page.select_option("#id_assign-responsible_department", label="区应急管理局")
    page.fill("#id_assign-responsible_person", "王科长")
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    page.fill("#id_assign-deadline", deadline.isoformat())
    page.fill("#id_assign-reason", "交应急管理局督促整改")
    click_action(page, "assign")
    assert page.inner_text("#hazard-state") == "已交办"
    assert "荔安办交〔" in page.content()  # the 工作交办单 is listed

    # 3. the department plans and submits with an after-photo
    page = switch_user(page, login, users[Role.DEPARTMENT].username)
    from_todo(page, hazard)
    assert [b.get_attribute("data-loop-action") for b in page.locator("button[data-loop-action]").all()] == ["plan"]
    page.fill("#id_plan-measures", "恢复静电接地，每日巡查")
    page.fill("#id_plan-funds", "2000元")
    click_action(page, "plan")
    assert page.inner_text("#hazard-state") == "整改中"
    from PIL import Image

    photo = tmp_path / "after.png"
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 128, 0)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    page.click("#action-submit summary") if not page.is_visible("#id_submit-text") else None
    page.fill("#id_submit-text", "已恢复接地并检测合格")
    page.set_input_files("#id_submit-photos", str(photo))
    click_action(page, "submit")
    assert page.inner_text("#hazard-state") == "待复核"
    thumb = page.locator("#photos-after img").first  # the after-photo as a thumbnail beside the before
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())

    # 4. the office verifies and closes it
    page = switch_user(page, login, users[Role.OFFICE_ADMIN].username)
    from_todo(page, hazard)
    assert sorted(b.get_attribute("data-loop-action") for b in page.locator("button[data-loop-action]").all()) == ["reject", "supervise", "verify"]
    page.click("#action-verify summary") if not page.is_visible("#id_verify-reason") else None
    page.fill("#id_verify-reason", "现场复核合格")
    click_action(page, "verify")
    assert page.inner_text("#hazard-state") == "已销号"
    assert page.locator("#no-actions").count() == 1

    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    users_in_history = [h.history_user.username for h in Hazard.history.filter(id=hazard.pk).order_by("history_id")]
    assert users_in_history == [users[r].username for r in (Role.INSPECTOR, Role.OFFICE_EDITOR, Role.DEPARTMENT, Role.DEPARTMENT, Role.OFFICE_ADMIN)]
    assert all(h.ip_address == "127.0.0.1" for h in Hazard.history.filter(id=hazard.pk))
