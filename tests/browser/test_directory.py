"""An office editor works the directory in a real browser: Chinese search, an edit with a reason
that shows in 变更历史, and an Excel import with its per-row report."""

import pytest

from cms.directory.models import Target
from cms.roles import Role
from tests.cms.directory.xlsx import row, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTING = "/admin/snippets/directory/target/"


def test_office_editor_searches_edits_with_a_reason_and_sees_it_in_history(users, make_target, login):
    make_target("某某液氨制冷有限公司", sectors=("工贸",))
    make_target("某某食品有限公司", sectors=("工贸",))
    page = login(users[Role.OFFICE_EDITOR].username)
    page.goto(page.base_url + LISTING)
    search = page.locator("input[name=q]").first
    search.fill("液氨制冷")
    search.press("Enter")
    page.wait_for_url("**q=*")
    results = page.locator("table.listing tbody")
    results.get_by_text("某某液氨制冷有限公司").wait_for()
    assert "某某食品有限公司" not in results.inner_text()

    results.get_by_role("link", name="某某液氨制冷有限公司").click()
    page.wait_for_url("**/edit/**")
    page.fill("#id_address", "拱辰街道东大道 8 号")
    page.fill("#id_change_reason", "现场核实地址变更")
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_url(f"{page.base_url}{LISTING}**")
    target = Target.objects.get(name="某某液氨制冷有限公司")
    assert target.address == "拱辰街道东大道 8 号"

    page.goto(f"{page.base_url}{LISTING}edit/{target.pk}/")
    page.get_by_role("link", name="变更历史").click()
    page.wait_for_url("**/changes/**")
    table = page.locator("table.listing").inner_text()
    assert "现场核实地址变更" in table
    assert "拱辰街道东大道 8 号" in table
    assert users[Role.OFFICE_EDITOR].username in table or "区安办编辑" in table


def test_office_editor_imports_an_excel_file_and_sees_the_row_report(users, ref, login, tmp_path):
    rows = [
        row("浏览器导入有限公司", sectors="危化品", phone="0594-2600001"),
        row("错误属地公司", jurisdiction="火星镇"),
        row("浏览器导入二厂", jurisdiction="北高镇", sectors="工贸、消防"),
    ]
    sheet = tmp_path / "监管对象导入.xlsx"
    sheet.write_bytes(xlsx_bytes(rows))
    page = login(users[Role.OFFICE_EDITOR].username)
    page.goto(page.base_url + LISTING)
    page.get_by_role("link", name="从 Excel 导入").click()
    page.wait_for_url("**/import/")
    assert "导入监管对象" in page.inner_text("body")

    page.set_input_files("input[name=file]", str(sheet))
    page.check("input[name=mode][value=all_or_nothing]")
    page.get_by_role("button", name="导入").click()
    page.locator("#import-errors").wait_for()
    report = page.inner_text("#import-report")
    assert "未导入任何数据" in report
    assert "第 3 行" in report and "火星镇" in report
    assert not Target.objects.filter(name__startswith="浏览器导入").exists()

    page.set_input_files("input[name=file]", str(sheet))
    page.check("input[name=mode][value=good_rows]")
    page.get_by_role("button", name="导入").click()
    page.get_by_text("新增 2 条").wait_for()
    assert "第 3 行" in page.inner_text("#import-errors")
    assert set(Target.objects.filter(name__startswith="浏览器导入").values_list("name", flat=True)) == {"浏览器导入有限公司", "浏览器导入二厂"}
