"""Excel exports (四个清单, 台账, 变更历史) and the Word documents of 三单, 反馈意见, 通报 and the roll-up."""

from __future__ import annotations

import datetime
import io
import zipfile
from urllib.parse import quote

import openpyxl
import pytest
from docx.oxml.ns import qn

from cms.roles import Role
from workflows.hazards.models import Hazard, HazardState

from .builders import set_fields
from .docx_checks import assert_official_layout, assert_page_number_footer, is_repeated_header, open_docx

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content))


def header_titles(ws, header_row: int) -> list:
    """The column titles: a title merged down from the group row above counts for its column."""
    titles = []
    for cell in ws[header_row]:
        value = cell.value
        if value is None and header_row > 2:
            above = ws.cell(row=header_row - 1, column=cell.column)
            merged = any(above.coordinate in r and cell.coordinate in r for r in ws.merged_cells.ranges)
            value = above.value if merged else None
        titles.append(value)
    return titles


def assert_sheet_basics(ws, headers: list[str], *, title: str, header_row: int = 2) -> None:
    """Title row merged over the columns, the header, frozen below it, an autofilter over header
    and data, long text wrapped, and print set-up: A4 landscape, one page wide, title and header
    repeated on every printed page."""
    assert ws["A1"].value == title and ws["A1"].font.bold
    last = openpyxl.utils.get_column_letter(ws.max_column)
    assert f"A1:{last}1" in {str(r) for r in ws.merged_cells.ranges}
    assert header_titles(ws, header_row)[: len(headers)] == headers
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert ws.auto_filter.ref == f"A{header_row}:{last}{max(ws.max_row, header_row + 1)}"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"$1:${header_row}"
    for index in range(1, len(headers) + 1):
        letter = openpyxl.utils.get_column_letter(index)
        assert ws.column_dimensions[letter].width and ws.column_dimensions[letter].width >= 6


def test_four_lists_xlsx_for_a_department_and_month(march, users, api_for):
    response = api_for(users[Role.OFFICE_EDITOR]).get("/api/v1/exports/four-lists/", {
        "department": march["department"].pk, "month": "2026-03", "format": "xlsx"})
    name = "2026年3月区应急管理局督导检查隐患问题四个清单.xlsx"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"four-lists-yjglj-20260301-20260331.xlsx\"; filename*=UTF-8''{quote(name)}")
    ws = workbook(response)["四个清单"]
    assert_sheet_basics(ws, ["序号", "隐患编号", "排查对象", "排查单位", "发现日期", "行业领域", "属地", "隐患问题", "隐患等级",
                             "突出隐患", "整改措施", "整改时限", "状态", "是否逾期", "责任单位", "责任人"],
                        title="2026年3月区应急管理局督导检查隐患问题“四个清单”", header_row=3)
    groups = {str(r): ws[str(r).split(":")[0]].value for r in ws.merged_cells.ranges}
    assert groups["C2:G2"] == "排查清单" and groups["H2:J2"] == "隐患清单" and groups["K2:N2"] == "整改清单"
    assert groups["O2:P2"] == "责任清单" and groups["A2:A3"] == "序号"
    assert ws.cell(row=4, column=8).alignment.wrap_text  # 隐患问题 wraps
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 5
    first = rows[0]
    assert first[0] == 1 and first[2] == "荔园化工有限公司" and first[7] == "储罐区未设置防火堤"
    assert first[4] == datetime.datetime(2026, 3, 2)  # a real date cell, not text
    assert ws.cell(row=4, column=5).number_format == "yyyy-mm-dd" and ws.cell(row=4, column=5).is_date
    assert first[11] == datetime.datetime(2026, 4, 30)
    assert first[9] == "是" and first[13] == "是"


def test_four_lists_docx_for_a_date_range(march, users, api_for):
    response = api_for(users[Role.DEPARTMENT]).get("/api/v1/exports/four-lists/", {
        "from": "2026-03-01", "to": "2026-03-15", "format": "docx"})
    assert response.status_code == 200
    doc = open_docx(response.content)
    assert_official_layout(doc)
    assert doc.paragraphs[0].text == "2026年3月1日至2026年3月15日区应急管理局督导检查隐患问题“四个清单”"
    table = doc.tables[0]
    assert is_repeated_header(table._tbl.tr_lst[0]) and is_repeated_header(table._tbl.tr_lst[1])
    assert [r.cells[3].text for r in table.rows[2:]] == ["储罐区未设置防火堤", "安全警示标志缺失", "油漆与易燃物混存"]


def test_four_lists_rejects_an_unknown_format(march, users, api_for):
    response = api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/exports/four-lists/", {"month": "2026-03", "format": "pdf"})
    assert response.status_code == 400 and "xlsx" in response.json()["errors"]["format"][0]


def test_hazard_ledger_applies_filters_and_scope(march, ref, users, api_for):
    ws = workbook(api_for(users[Role.OFFICE_EDITOR]).get("/api/v1/exports/hazard-ledger/", {"level": "major"}))["隐患台账"]
    assert_sheet_basics(ws, ["序号", "隐患编号", "发现日期", "行业领域", "属地", "村居", "监管对象", "隐患问题", "隐患等级"], title="隐患台账")
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[7] for r in rows] == ["储罐区未设置防火堤"]
    assert rows[0][2] == datetime.datetime(2026, 3, 2) and ws.cell(row=3, column=3).is_date

    everything = list(workbook(api_for(users[Role.OFFICE_EDITOR]).get("/api/v1/exports/hazard-ledger/"))["隐患台账"].iter_rows(min_row=3, values_only=True))
    assert len(everything) == Hazard.objects.count() == 7
    # 拱辰街道's user sees only hazards located there
    mine = list(workbook(api_for(users[Role.JURISDICTION]).get("/api/v1/exports/hazard-ledger/"))["隐患台账"].iter_rows(min_row=3, values_only=True))
    assert sorted(r[7] for r in mine) == sorted(["储罐区未设置防火堤", "安全警示标志缺失", "砂轮机防护罩缺失", "二月的隐患"])
    huge = api_for(users[Role.OFFICE_EDITOR]).get("/api/v1/exports/hazard-ledger/", {"sector": "9" * 30})
    assert huge.status_code == 400 and "sector" in huge.json()["errors"]  # an impossible id is a bad value, not an empty file
    by_sector = list(workbook(api_for(users[Role.OFFICE_EDITOR]).get(
        "/api/v1/exports/hazard-ledger/", {"sector": ref["sectors"]["工贸"].pk, "search": "砂轮"}))["隐患台账"].iter_rows(min_row=3, values_only=True))
    assert [r[7] for r in by_sector] == ["砂轮机防护罩缺失"]
    # several states, as the hazard list's checkboxes send them; a level sent twice is a 400
    office = api_for(users[Role.OFFICE_EDITOR])
    two_states = list(workbook(office.get("/api/v1/exports/hazard-ledger/?state=reported&state=assigned"))["隐患台账"]
                      .iter_rows(min_row=3, values_only=True))
    assert len(two_states) == Hazard.objects.filter(state__in=["reported", "assigned"]).count()
    assert office.get("/api/v1/exports/hazard-ledger/?level=major&level=general").json()["errors"] == {"level": ["只能出现一次"]}


def test_hazard_history_is_streamed_with_dates_and_filters(march, users, api_for):
    hazard = march["hazards"][0]
    response = api_for(users[Role.AUDITOR]).get("/api/v1/exports/hazard-history/", {"hazard": hazard.pk})
    assert response.streaming  # FileResponse from a temporary file, not a body in memory
    assert response["Content-Disposition"].startswith('attachment; filename="hazard-history-all-now.xlsx"; filename*=UTF-8\'\'')
    ws = workbook(response)["隐患变更历史"]
    assert_sheet_basics(ws, ["变更时间", "隐患编号", "操作", "状态", "隐患等级", "操作人", "来源地址", "变更原因", "隐患问题"], title="隐患变更历史")
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == Hazard.history.filter(id=hazard.pk).count() == 2  # registered, then given a deadline
    assert [r[2] for r in rows] == ["新增", "修改"]
    assert isinstance(rows[0][0], datetime.datetime) and ws.cell(row=3, column=1).number_format == "yyyy-mm-dd hh:mm:ss"
    assert rows[1][7] == "测试数据：设定状态"
    assert rows[1][10] == datetime.datetime(2026, 4, 30)

    today = datetime.date.today().isoformat()
    none = list(workbook(api_for(users[Role.AUDITOR]).get("/api/v1/exports/hazard-history/", {"from": "2020-01-01", "to": "2020-12-31"}))
                ["隐患变更历史"].iter_rows(min_row=3, values_only=True))
    assert none == []
    unit = list(workbook(api_for(users[Role.AUDITOR]).get("/api/v1/exports/hazard-history/", {
        "unit": march["department"].pk, "to": today}))["隐患变更历史"].iter_rows(min_row=3, values_only=True))
    assert "临边防护缺失" not in {r[8] for r in unit}  # 建筑施工 belongs to 住建局
    assert api_for(users[Role.AUDITOR]).get("/api/v1/exports/hazard-history/", {"from": "2026-05-01", "to": "2026-04-01"}).status_code == 400


def document_xml(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return package.read("word/document.xml")


@pytest.mark.parametrize("recipient", ["department", "jurisdiction"])
def test_an_order_prints_the_names_it_was_issued_with(march, users, api_for, ref, recipient):
    """The office's full name (公文版式 setting) and the recipient's name are kept in the order's
    snapshot at issue: renaming either later does not change a reprint of an order already sent."""
    from cms.records import save_record
    from notices.models import OfficeDocumentSettings
    from workflows.hazards.services_orders import order_issue

    unit = ref["departments"]["应急管理局"] if recipient == "department" else ref["jurisdictions"]["拱辰街道"]
    order = order_issue(actor=users[Role.OFFICE_ADMIN], reason="测试", kind="assignment", content="请于期限内完成整改。",
                        due_date=datetime.date(2026, 4, 15), hazards=[march["hazards"][0]],
                        **{f"recipient_{recipient}": unit})
    office = api_for(users[Role.OFFICE_EDITOR])
    first = office.get(f"/api/v1/exports/orders/{order.pk}/").content
    texts = [p.text for p in open_docx(first).paragraphs]
    addressed = "荔城区应急管理局：" if recipient == "department" else "拱辰街道办事处："
    assert addressed in texts
    assert open_docx(first).tables[-1].rows[0].cells[1].paragraphs[0].text == "荔城区人民政府安全生产委员会办公室"

    settings = OfficeDocumentSettings.load()
    settings.issuing_office = "荔城区安全生产委员会办公室"
    settings.save()
    unit.name = "区应急管理局（新）" if recipient == "department" else "拱辰新街道"
    save_record(instance=unit, actor=None, reason="测试：单位更名")

    again = office.get(f"/api/v1/exports/orders/{order.pk}/").content
    assert document_xml(again) == document_xml(first)
    # a new order is issued with the new names
    later = order_issue(actor=users[Role.OFFICE_ADMIN], reason="测试", kind="assignment", content="请于期限内完成整改。",
                        due_date=datetime.date(2026, 4, 15), **{f"recipient_{recipient}": unit})
    later_doc = open_docx(office.get(f"/api/v1/exports/orders/{later.pk}/").content)
    assert later_doc.tables[-1].rows[0].cells[1].paragraphs[0].text == "荔城区安全生产委员会办公室"
    assert ("荔城区应急管理局（新）：" if recipient == "department" else "拱辰新街道办事处：") in [p.text for p in later_doc.paragraphs]


def test_an_order_reprints_with_the_column_widths_it_was_sent_with(march, users, api_for, ref):
    """Widening the 隐患编号 column (layout 2) does not reflow an order sent before it: the snapshot
    keeps the layout, and a snapshot without one (sent before layouts were kept) prints as layout 1."""
    from exports.official import CURRENT_LAYOUT, HAZARD_WIDTHS_BY_LAYOUT
    from workflows.hazards.services_orders import ORDER_LAYOUT, order_issue

    assert ORDER_LAYOUT == CURRENT_LAYOUT == 2
    order = order_issue(actor=users[Role.OFFICE_ADMIN], reason="测试", kind="supervision", content="请于期限内完成整改。",
                        due_date=datetime.date(2026, 4, 15), recipient_jurisdiction=ref["jurisdictions"]["拱辰街道"],
                        hazards=[march["hazards"][0]])
    assert order.snapshot["layout"] == 2
    office = api_for(users[Role.OFFICE_EDITOR])

    def grid(content: bytes) -> list[int]:
        table = next(t for t in open_docx(content).tables if t.rows[0].cells[1].text == "隐患编号")
        return [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]

    def twips(layout: int) -> list[int]:
        return [round(int(w) / 635) for w in HAZARD_WIDTHS_BY_LAYOUT[layout]]  # EMU → twentieths of a point

    now = office.get(f"/api/v1/exports/orders/{order.pk}/").content
    assert grid(now) == twips(2)
    del order.snapshot["layout"]  # as orders sent before 2026-11-30 hold it
    order._change_reason = "测试：较早发出的单"
    order.save()
    before = office.get(f"/api/v1/exports/orders/{order.pk}/").content
    assert grid(before) == twips(1) != twips(2)
    assert document_xml(before) != document_xml(now)


def test_order_as_word(march, users, api_for, ref):
    from workflows.hazards.services_orders import order_issue

    order = order_issue(actor=users[Role.OFFICE_ADMIN], reason="测试", kind="supervision", content="请于期限内完成整改。",
                        due_date=datetime.date(2026, 4, 15), recipient_jurisdiction=ref["jurisdictions"]["拱辰街道"],
                        hazards=[march["hazards"][0]])
    response = api_for(users[Role.OFFICE_EDITOR]).get(f"/api/v1/exports/orders/{order.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"order-{order.pk}.docx\"; filename*=UTF-8''{quote(f'督办单（{order.number}）.docx')}")
    doc = open_docx(response.content)
    assert_official_layout(doc)
    assert_page_number_footer(doc)
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["安全生产隐患督办单", order.number]
    assert "拱辰街道办事处：" in texts and "请于期限内完成整改。" in texts
    lead = next(t for t in texts if t.startswith("经督导检查"))
    assert "你辖区内的荔园化工有限公司存在以下安全生产隐患问题1项" in lead and "挂牌督办" in lead  # not "你单位存在"
    assert "请于2026年4月15日前将整改落实情况书面报送荔城区人民政府安全生产委员会办公室。" in texts
    assert [c.text for c in doc.tables[0].rows[1].cells][1:6] == [
        march["hazards"][0].code, "荔园化工有限公司", "储罐区未设置防火堤", "2026年4月30日", "登记（逾期）"]
    signature = doc.tables[-1].rows[0].cells[1]
    assert signature.paragraphs[0].text == "荔城区人民政府安全生产委员会办公室"
    # a record: what happens to the hazard afterwards does not change what the order printed
    set_fields(march["hazards"][0], state=HazardState.CLOSED, deadline=datetime.date(2026, 5, 30))
    again = open_docx(api_for(users[Role.OFFICE_EDITOR]).get(f"/api/v1/exports/orders/{order.pk}/").content)
    assert [c.text for c in again.tables[0].rows[1].cells][4:6] == ["2026年4月30日", "登记（逾期）"]
    # 拱辰街道 received it
    assert api_for(users[Role.JURISDICTION]).get(f"/api/v1/exports/orders/{order.pk}/").status_code == 200
    assert api_for(users[Role.DEPARTMENT]).get("/api/v1/exports/orders/999999/").status_code == 404
    assert api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/exports/orders/99999999999999999999/").status_code == 404


def test_inspection_feedback_as_word(march, users, api_for, make_user):
    inspection = march["inspections"][0]
    response = api_for(users[Role.DEPARTMENT]).get(f"/api/v1/exports/inspections/{inspection.pk}/feedback/")
    assert response.status_code == 200
    doc = open_docx(response.content)
    assert_official_layout(doc)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "安全生产督导检查反馈意见"
    assert "荔园化工有限公司：" in texts
    assert "本次督导检查发现隐患问题2项，其中重大隐患问题1项、一般隐患问题1项。" in texts
    signature = doc.tables[-1].rows[0].cells[1]
    assert [p.text for p in signature.paragraphs] == ["荔城区应急管理局", "2026年3月2日"]
    outsider = make_user(Role.DEPARTMENT, department="住建局")  # not its group, not its sector
    assert api_for(outsider).get(f"/api/v1/exports/inspections/{inspection.pk}/feedback/").status_code == 404


def test_district_roll_up_is_for_the_office(march, users, api_for):
    assert api_for(users[Role.DEPARTMENT]).get("/api/v1/exports/district-report/", {"month": "2026-03"}).status_code == 403
    from workflows.reporting.models import MonthlyReport

    group_report = MonthlyReport(month=datetime.date(2026, 3, 1), group=march["groups"][0], deadline=datetime.date(2026, 4, 7),
                                 problems="专项组发现的共性问题。", next_steps="专项组下一步措施。")
    group_report._change_reason = "测试数据"
    group_report.save()
    response = api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/exports/district-report/", {"month": "2026-03"})
    assert response.status_code == 200
    doc = open_docx(response.content)
    assert_official_layout(doc)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].replace("\n", "") == "2026年3月全区安全生产常态化督导检查情况" and "\n" in texts[0]  # broken between words
    assert [p.text for p in doc.paragraphs if p.style.name == "一级标题"] == ["一、任务完成情况", "二、问题分析", "三、工作措施", "四、建议意见"]
    summary = next(t for t in texts if t.startswith("3月，全区"))
    assert "有2个单位开展了督导检查，共组成3个督导检查组，排查检查企业（场所、工程、项目等）5家" in summary
    assert "全区共开展督导检查5次，发现隐患问题6项，其中重大隐患问题1项、一般隐患问题5项、突出隐患2项" in summary
    assert "其中区直单位督导检查发现6项，区安办综合督导、受理举报及其他发现0项（重大隐患0项）。" in texts
    assert "（一）区住建局" in texts and "（二）区应急管理局" in texts
    assert len(doc.tables[0].rows) == 2 + 6
    assert texts.index("专项组发现的共性问题。") < texts.index("三、工作措施") < texts.index("专项组下一步措施。")
    assert texts[texts.index("专项组发现的共性问题。") - 1] == "应急管理局危化品督导检查组："
