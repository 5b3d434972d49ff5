"""Journey "checklist and plan" (issue 14), by clicks only from each user's dashboard: the office editor
builds a checklist (sections, items, a 问题表述, a 重大隐患 item, a choice item), publishes and previews it; the
department user (单位用户 plan their sector's month, DESIGN.md) makes this month's inspection plan that uses it.
No URL is typed except the login page."""

import pytest
from django.utils import timezone

from cms.checklists.models import ChecklistTemplate
from cms.records import save_record
from cms.roles import Role
from workflows.inspections.models import InspectionGroup, InspectionPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click(page, locator):
    with page.expect_navigation():
        locator.click()


def open_menu(page, group: str, link: str):
    """Sidebar: open a menu group, then follow one of its links."""
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name=group, exact=True).click()
    click(page, sidebar.get_by_role("link", name=link, exact=True))


def test_editor_builds_and_publishes_a_checklist_and_the_department_plans_the_month_with_it(users, ref, make_target, login):
    group = save_record(instance=InspectionGroup(name="应急管理局行业督导检查组", kind="industry", lead_department=ref["departments"]["应急管理局"]),
                        actor=None, reason="测试", m2m={"sectors": [ref["sectors"]["燃气"]], "members": [users[Role.INSPECTOR]]})
    make_target("荔城燃气供应站", sectors=("燃气",))

    # the office editor: dashboard → 检查表 → 检查表 → 添加 检查表 → the builder
    page = login(users[Role.OFFICE_EDITOR].username)
    open_menu(page, "检查表", "检查表")
    click(page, page.get_by_role("link", name="添加 检查表"))
    page.fill("input[name=name]", "燃气经营企业检查表")
    page.get_by_label("燃气", exact=True).check()  # checkboxes, not a Ctrl-click multi-select
    page.fill("input[name=change_reason]", "新建燃气检查表")
    with page.expect_navigation():
        page.press("input[name=change_reason]", "Enter")  # submits the snippet form with its default (save) button
    page.wait_for_url("**/admin/checklists/builder/**")

    page.get_by_role("button", name="编辑内容（生成新版本草稿）").click()
    page.wait_for_selector("text=草稿第1版")
    page.fill("input[placeholder^='分组标题']", "现场安全")
    page.get_by_role("button", name="新增分组").click()
    page.wait_for_selector("h3:has-text('现场安全')")

    form = page.locator("#add-item-form")
    form.locator("select[name=section]").select_option(label="现场安全")
    form.locator("input[name=text]").fill("钢瓶是否存放在专用仓库")
    form.locator("input[name=finding]").fill("液化石油气钢瓶未存放在专用仓库")
    form.locator("select[name=answer_type]").select_option(label="合格/不合格/不适用")
    form.locator("textarea[name=legal_basis]").fill("《城镇燃气管理条例》第二十八条")
    form.locator("select[name=hazard_level]").select_option(label="重大隐患")
    form.get_by_role("button", name="新增检查项").click()
    page.wait_for_selector("td:has-text('钢瓶是否存放在专用仓库')")

    form = page.locator("#add-item-form")
    form.locator("select[name=section]").select_option(label="现场安全")
    form.locator("input[name=text]").fill("气瓶充装单位")
    form.locator("select[name=answer_type]").select_option(label="单选")
    form.locator("textarea[name=choices]").fill("有资质单位\n无资质单位")
    form.get_by_role("button", name="新增检查项").click()
    page.wait_for_selector("td:has-text('气瓶充装单位')")
    # move the choice item above the first one
    with page.expect_navigation():
        page.locator("tr", has_text="气瓶充装单位").get_by_role("button", name="上移").click()

    page.fill("input[name=note]", "首次发布")
    page.get_by_role("button", name="发布第1版").click()
    page.wait_for_selector("text=现行第1版（已发布，不可修改）")

    template = ChecklistTemplate.objects.get(name="燃气经营企业检查表")
    version = template.current_version
    assert version.is_published and version.note == "首次发布"
    assert [i.text for i in version.items.order_by("sort_order")] == ["气瓶充装单位", "钢瓶是否存放在专用仓库"]
    cylinders = version.items.get(text="钢瓶是否存放在专用仓库")
    assert cylinders.hazard_level == "major" and cylinders.finding == "液化石油气钢瓶未存放在专用仓库"

    click(page, page.get_by_role("link", name="预览现行第1版"))
    body = page.inner_text("body")
    assert "钢瓶是否存放在专用仓库" in body and "不合格即重大隐患" in body and "依据：《城镇燃气管理条例》第二十八条" in body
    assert page.locator("select[name^=item-] option", has_text="有资质单位").count() == 1
    assert page.locator("input[type=radio][name^=item-]").first.is_disabled()

    # the department user: dashboard → 督导检查 → 督导检查计划 → 添加 督导检查计划, this month, with the checklist
    page.context.clear_cookies()
    page = login(users[Role.DEPARTMENT].username)
    open_menu(page, "督导检查", "督导检查计划")
    click(page, page.get_by_role("link", name="添加 督导检查计划"))
    month = timezone.localdate().replace(day=1)
    page.fill("input[name=month]", month.isoformat())
    page.keyboard.press("Escape")
    page.locator("#id_group").locator("xpath=..").locator("button.chooser__choose-button").click()
    page.locator(".modal").get_by_role("link", name=group.name).click()
    page.locator(".modal").wait_for(state="hidden")
    page.fill("input[name=title]", f"{month.month}月燃气行业督导检查")
    page.get_by_label("燃气", exact=True).first.check()
    page.fill("textarea[name=content]", "燃气经营企业钢瓶储存、充装")
    page.fill("textarea[name=key_points]", "四不两直，查钢瓶仓库和充装记录")
    page.get_by_label(str(template), exact=True).check()
    page.fill("input[name=change_reason]", "制定本月计划")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").first.click()
    assert "错误" not in page.inner_text("main"), page.inner_text("main")

    plan = InspectionPlan.objects.get()
    assert plan.month == month and plan.group == group and plan.title == f"{month.month}月燃气行业督导检查"
    assert list(plan.templates.all()) == [template]
    assert [s.name for s in plan.sectors.all()] == ["燃气"]
    assert plan.title in page.inner_text("main")  # back on the plan listing
