"""The checklist builder in a real browser: create a template, add a section and items, publish, preview."""

import pytest

from cms.checklists.models import ChecklistTemplate
from cms.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_builds_publishes_and_previews_a_checklist(users, login):
    page = login(users[Role.OFFICE_EDITOR].username)
    page.goto(f"{page.base_url}/admin/snippets/checklists/checklisttemplate/add/")
    page.fill("input[name=name]", "燃气经营企业检查表")
    page.select_option("select[name=sectors]", label="燃气")
    page.fill("input[name=change_reason]", "新建燃气检查表")
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
    page.locator("tr", has_text="气瓶充装单位").get_by_role("button", name="上移").click()
    page.wait_for_load_state()

    page.fill("input[name=note]", "首次发布")
    page.get_by_role("button", name="发布第1版").click()
    page.wait_for_selector("text=现行第1版（已发布，不可修改）")

    template = ChecklistTemplate.objects.get(name="燃气经营企业检查表")
    version = template.current_version
    assert version.is_published and version.note == "首次发布"
    assert [i.text for i in version.items.order_by("sort_order")] == ["气瓶充装单位", "钢瓶是否存放在专用仓库"]
    assert version.items.get(text="钢瓶是否存放在专用仓库").hazard_level == "major"

    page.get_by_role("link", name="预览现行第1版").click()
    page.wait_for_url("**/preview/")
    body = page.inner_text("body")
    assert "钢瓶是否存放在专用仓库" in body and "不合格即重大隐患" in body and "依据：《城镇燃气管理条例》第二十八条" in body
    assert page.locator("select[name^=item-] option", has_text="有资质单位").count() == 1
    assert page.locator("input[type=radio][name^=item-]").first.is_disabled()
