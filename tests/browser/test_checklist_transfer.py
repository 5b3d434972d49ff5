"""One office hands a checklist to another by clicks: 导出为文件 on the template's page, then
检查表 → 导入检查表 with that file; the imported checklist opens as a draft to review and publish."""

import json

import pytest

from cms.checklists.models import ChecklistTemplate
from cms.roles import Role
from tests.cms.checklists.factories import build_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_a_checklist_and_import_it_from_the_menu(users, login, ref, tmp_path):
    source = build_template(users[Role.OFFICE_EDITOR], [ref["sectors"]["危化品"]])
    page = login(users[Role.OFFICE_EDITOR].username)

    page.goto(f"{page.base_url}/admin/snippets/checklists/checklisttemplate/")
    page.get_by_role("link", name="编辑内容 / 发布 / 预览").first.click()
    page.wait_for_url("**/admin/checklists/builder/**")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出为文件").click()
    download = download_info.value
    assert download.suggested_filename == "检查表-危化品企业检查表.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["format_version"] == 1 and len(document["items"]) == 6

    page.goto(f"{page.base_url}/admin/")
    page.get_by_role("button", name="检查表").click()
    page.get_by_role("link", name="导入检查表").click()
    page.wait_for_url("**/admin/checklists/import/")
    # without a new name the file's name is taken: a Chinese error, nothing imported
    page.set_input_files("input[name=file]", str(saved))
    page.get_by_role("button", name="导入").click()
    assert "已有同名检查表“危化品企业检查表”" in page.inner_text("#import-problems")
    assert ChecklistTemplate.objects.count() == 1

    page.set_input_files("input[name=file]", str(saved))
    page.fill("input[name=name]", "危化品企业检查表（外区）")
    page.get_by_role("button", name="导入").click()
    page.wait_for_url("**/admin/checklists/builder/**")
    body = page.inner_text("body")
    assert "已导入“危化品企业检查表（外区）”（第1版草稿），请核对后发布" in body
    assert "草稿第1版" in body and "危化品仓库是否分区分类存放" in body

    page.fill("input[name=note]", "采用外区标准")
    page.get_by_role("button", name="发布第1版").click()
    page.wait_for_selector("text=现行第1版（已发布，不可修改）")
    copy = ChecklistTemplate.objects.get(name="危化品企业检查表（外区）")
    assert copy.current_version.items.count() == source.current_version.items.count() == 6
