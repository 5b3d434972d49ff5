"""The 导出 admin page, export buttons on records, 通报 and 反馈意见 as Word."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.roles import Role
from notices.models import NoticeIndexPage, NoticePage
from workflows.hazards.models import HazardState
from workflows.inspections.models import InspectionFeedback

from .builders import set_fields
from .docx_checks import (
    assert_core_properties,
    assert_official_layout,
    assert_page_number_footer,
    bold_runs,
    east_asia,
    imprint_rules,
    imprint_table,
    is_red,
    is_repeated_header,
    open_docx,
    paragraphs_with_style,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(ref):
    root = Page.objects.get(depth=1)
    index = root.add_child(instance=NoticeIndexPage(title="通报", slug="tongbao-test"))
    page = index.add_child(instance=NoticePage(
        title="关于2026年3月安全生产督导检查情况的通报", slug="n-2026-03", document_number="荔安办〔2026〕3号",
        issuing_office="荔城区安委会办公室", issued_on=datetime.date(2026, 4, 8), addressee_text="各镇街、工业园区，区安委会有关成员单位",
        visibility=NoticePage.Visibility.INTERNAL,
        body=[("heading", "一、总体情况"), ("paragraph", RichText("<p>3月全区共开展督导检查<b>5</b>次。</p><p>发现隐患6项。</p>"))]))
    page.addressee_departments.set([ref["departments"]["应急管理局"]])
    page.save_revision().publish()
    return page


def test_notice_as_an_official_document(notice, users, api_for, make_user):
    response = api_for(users[Role.DEPARTMENT]).get(f"/api/v1/exports/notices/{notice.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="notice-{notice.pk}.docx"; filename*=UTF-8\'\'')
    doc = open_docx(response.content)
    assert_official_layout(doc)
    # a one-page body: the 版记 starts the next even page, in a section of its own without page numbers
    assert_page_number_footer(doc, unnumbered_last=True)
    assert doc.sections[-1].start_type == WD_SECTION.EVEN_PAGE and len(doc.sections) == 2
    assert_core_properties(doc, title="关于2026年3月安全生产督导检查情况的通报", author="荔城区安委会办公室")
    texts = [p.text for p in doc.paragraphs]
    # 版头: the red 发文机关标志, then the 发文字号 centred above the red line, then the title
    logo = doc.paragraphs[0]
    assert logo.text == "荔城区人民政府安全生产委员会办公室" and logo.alignment == 1
    assert all(is_red(r) and east_asia(r) == "方正小标宋简体" for r in logo.runs)
    number = next(p for p in doc.paragraphs if p.text == "荔安办〔2026〕3号")
    assert number.alignment == 1
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000" and rule.get(qn("w:val")) == "single"
    title = next(p for p in doc.paragraphs if "督导检查" in p.text and p.style.name == "公文标题")
    assert texts.index(number.text) < texts.index(title.text) and "草稿" not in doc.sections[0].header.paragraphs[0].text
    assert "各镇街、工业园区，区安委会有关成员单位：" in texts
    assert [p.text for p in paragraphs_with_style(doc, "一级标题")] == ["一、总体情况"]
    assert "3月全区共开展督导检查5次。" in texts and "发现隐患6项。" in texts
    signature = doc.tables[-2].rows[0].cells[1]  # the last table is the 版记
    assert [p.text for p in signature.paragraphs] == ["荔城区安委会办公室", "2026年4月8日"]
    # 版记 at the foot of the last page: a table floating at the bottom of the type area, its rules
    # thick (sz 8 = 1 pt ≈ 0.35 mm) above and below and thin (sz 6 ≈ 0.25 mm) between, none at the sides
    imprint = imprint_table(doc)
    assert [[c.text.replace("\u3000", " ") for c in row.cells] for row in imprint.rows] == [
        ["抄送：区委办，区人大办，区政府办，区政协办，区纪委监委，区委督查室，区效能办。"] * 2,
        ["荔城区人民政府安全生产委员会办公室", "2026年4月8日印发"]]
    assert imprint_rules(imprint) == {"top": ("single", "8"), "bottom": ("single", "8"), "insideH": ("single", "6"),
                                      "left": ("nil", None), "right": ("nil", None), "insideV": ("nil", None)}
    position = imprint._tbl.tblPr.find(qn("w:tblpPr"))
    assert (position.get(qn("w:vertAnchor")), position.get(qn("w:tblpYSpec"))) == ("margin", "bottom")
    assert (position.get(qn("w:horzAnchor")), int(position.get(qn("w:tblpX")))) == ("page", Cm(2.8).twips)
    assert abs(sum(int(c.width) for c in imprint.rows[1].cells) - int(Cm(15.4))) <= int(Cm(0.01))  # as wide as the type area
    body = list(doc.element.body.iterchildren())
    assert body.index(imprint._tbl) > body.index(doc.sections[0]._sectPr.getparent().getparent())  # in the last section
    assert all(east_asia(r) == "仿宋" and r.font.size == Pt(14) for row in imprint.rows for c in row.cells
               for p in c.paragraphs for r in p.runs)
    # internal: a department it was not addressed to cannot read it
    outsider = make_user(Role.DEPARTMENT, department="住建局")
    assert api_for(outsider).get(f"/api/v1/exports/notices/{notice.pk}/").status_code == 404
    assert api_for(users[Role.AUDITOR]).get("/api/v1/exports/notices/999999/").status_code == 404


def test_notice_tables_and_hazards_are_real_tables_and_a_draft_says_so(march, users, api_for):
    from notices.services import notice_draft_month_results

    office = users[Role.OFFICE_EDITOR]
    root = Page.objects.get(depth=1)
    root.add_child(instance=NoticeIndexPage(title="通报", slug="tongbao-draft"))
    page = notice_draft_month_results(actor=office, reason="测试", month=datetime.date(2026, 3, 1))
    assert page.document_number == ""  # no invented number
    doc = open_docx(api_for(office).get(f"/api/v1/exports/notices/{page.pk}/").content)
    texts = [p.text for p in doc.paragraphs]
    assert not any("待定" in t or "请编辑填写" in t for t in texts)
    for section in doc.sections:
        assert "草稿" in "".join(p.text for p in section.header.paragraphs)
    number_line = next(p for p in doc.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None)
    assert number_line.text == ""  # the red line stays, without a number
    figures = [t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["单位", "发现隐患"]]
    assert figures, "the page's tables are Word tables"
    by_unit = {r.cells[0].text: [c.text for c in r.cells] for r in figures[0].rows[1:]}
    assert by_unit["拱辰街道"][1] == "3" and by_unit["北高镇"][1] == "2"
    assert is_repeated_header(figures[0]._tbl.tr_lst[0])
    assert not any("拱辰街道 3" in t for t in texts)  # not lines of space-separated cells


def test_office_template_is_edited_in_the_admin_settings(notice, users, api_for, client):
    from notices.models import OfficeDocumentSettings

    client.force_login(users[Role.OFFICE_EDITOR])
    url = "/admin/settings/notices/officedocumentsettings/"
    page = client.get(url, follow=True)
    assert page.status_code == 200 and "发文机关标志" in page.content.decode()
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else url
    response = client.post(form_url, {"header_name": "荔城区安全生产委员会办公室文件", "issuing_office": "荔城区人民政府安全生产委员会办公室",
                                      "copy_to": "市安委会办公室", "printing_office": "荔城区安委会办公室"})
    assert response.status_code == 302  # saved: back to the settings page
    assert OfficeDocumentSettings.load().header_name == "荔城区安全生产委员会办公室文件"
    doc = open_docx(api_for(users[Role.OFFICE_EDITOR]).get(f"/api/v1/exports/notices/{notice.pk}/").content)
    assert doc.paragraphs[0].text == "荔城区安全生产委员会办公室文件"
    assert imprint_table(doc).rows[0].cells[0].text == "抄送：市安委会办公室。"


def test_feedback_uses_the_groups_written_feedback(march, users, api_for):
    inspection = march["inspections"][1]
    inspection.method = "unannounced"
    inspection._change_reason = "测试数据"
    inspection.save()
    feedback = InspectionFeedback(inspection=inspection, problems="（一）分区存放。油漆与易燃物混存，未分区存放。", suggestions="设置专用仓库。",
                                  rectification_deadline=datetime.date(2026, 3, 25), delivered_on=datetime.date(2026, 3, 11),
                                  recipient="王店长")
    feedback._change_reason = "测试数据"
    feedback.save()
    doc = open_docx(api_for(users[Role.OFFICE_EDITOR]).get(f"/api/v1/exports/inspections/{inspection.pk}/feedback/").content)
    texts = [p.text for p in doc.paragraphs]
    assert "北高油漆经营部：" in texts
    assert any("以“四不两直”方式对你单位开展安全生产督导检查" in t for t in texts)
    assert [p.text for p in paragraphs_with_style(doc, "一级标题")] == ["一、存在问题", "二、意见建议"]
    heading = next(p for p in doc.paragraphs if p.text.startswith("（一）分区存放。"))
    assert bold_runs(heading) == ["（一）分区存放。"]
    assert "设置专用仓库。" in texts
    assert "请于2026年3月25日前将整改落实情况书面报送荔城区应急管理局。" in texts
    signature = doc.tables[-1].rows[0].cells[1]
    assert [p.text for p in signature.paragraphs] == ["荔城区应急管理局", "2026年3月11日"]


def test_feedback_letter_states_the_hazards_as_at_its_date(march, users, api_for):
    inspection = march["inspections"][1]  # 北高油漆经营部: one hazard, 油漆与易燃物混存
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    feedback = InspectionFeedback(inspection=inspection, problems="油漆与易燃物混存。", delivered_on=yesterday)
    feedback._change_reason = "测试数据"
    feedback.save()
    hazard = march["hazards"][2]
    set_fields(hazard, state=HazardState.CLOSED)  # closed today, after the letter
    doc = open_docx(api_for(users[Role.OFFICE_EDITOR]).get(f"/api/v1/exports/inspections/{inspection.pk}/feedback/").content)
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows[1:]]
    assert [r[3] for r in rows] == ["油漆与易燃物混存"] and rows[0][5] == "登记"
    assert f"（隐患状态截至{yesterday.year}年{yesterday.month}月{yesterday.day}日）" in [p.text for p in doc.paragraphs]


def test_a_delivered_feedback_letter_prints_as_it_was_sent(march, users, api_for):
    """Recording a 反馈意见 keeps the names the letter goes out with: renaming the group's lead
    department, the inspected unit and the group later leaves the reprint byte for byte the same.
    Letters recorded before the snapshot existed get the names of the day and the first layout."""
    import importlib
    import io
    import zipfile

    from django.apps import apps

    from cms.records import save_record
    from exports.official import HAZARD_WIDTHS_BY_LAYOUT
    from workflows.inspections.services import feedback_record

    def document_xml(content: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return package.read("word/document.xml")

    def grid(content: bytes) -> list[int]:
        table = open_docx(content).tables[0]
        return [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]

    inspection = march["inspections"][1]
    feedback = feedback_record(actor=users[Role.OFFICE_ADMIN], reason="测试", inspection=inspection, problems="油漆与易燃物混存。",
                               delivered_on=inspection.inspected_on)
    assert feedback.snapshot["layout"] == 2 and feedback.snapshot["addressee"] == inspection.target.name
    office = api_for(users[Role.OFFICE_EDITOR])
    url = f"/api/v1/exports/inspections/{inspection.pk}/feedback/"
    sent = office.get(url).content
    assert grid(sent) == [round(int(w) / 635) for w in HAZARD_WIDTHS_BY_LAYOUT[2]]

    department, target, group = inspection.group.lead_department, inspection.target, inspection.group
    department.name, target.name, group.name = "区应急管理局（更名）", "北高油漆经营部（更名）", group.name + "（更名）"
    for record in (department, target, group):
        save_record(instance=record, actor=None, reason="测试：更名")
    assert document_xml(office.get(url).content) == document_xml(sent)

    feedback.snapshot = {}  # as letters recorded before the snapshot
    feedback.save()
    importlib.import_module("workflows.inspections.migrations.0003_feedback_snapshot").fill(apps, None)
    feedback.refresh_from_db()
    assert feedback.snapshot["addressee"] == "北高油漆经营部（更名）" and feedback.snapshot["layout"] == 1
    again = office.get(url).content
    assert "北高油漆经营部（更名）：" in [p.text for p in open_docx(again).paragraphs]
    assert grid(again) == [round(int(w) / 635) for w in HAZARD_WIDTHS_BY_LAYOUT[1]]


def test_export_page_and_record_buttons(march, notice, users, client, django_user_model):
    client.force_login(users[Role.OFFICE_EDITOR])
    page = client.get("/admin/exports/")
    assert page.status_code == 200
    html = page.content.decode()
    for action in ("/api/v1/exports/monthly-report/", "/api/v1/exports/district-report/", "/api/v1/exports/four-lists/",
                   "/api/v1/exports/hazard-ledger/", "/api/v1/exports/hazard-history/", "/api/v1/exports/assessment/",
                   f"/api/v1/exports/notices/{notice.pk}/", f"/api/v1/exports/inspections/{march['inspections'][0].pk}/feedback/"):
        assert action in html
    listing = client.get("/admin/snippets/inspections/inspection/").content.decode()
    assert f"/api/v1/exports/inspections/{march['inspections'][0].pk}/feedback/" in listing
    hazards = client.get("/admin/snippets/hazards/hazard/").content.decode()
    assert f"/api/v1/exports/hazard-history/?hazard={march['hazards'][0].pk}" in hazards
    client.force_login(django_user_model.objects.create_superuser("root-test", password="pass-1234-word"))  # page permissions
    explorer = client.get(f"/admin/pages/{notice.get_parent().pk}/")
    assert explorer.status_code == 200, (explorer.status_code, explorer.get("Location"))
    assert f"/api/v1/exports/notices/{notice.pk}/" in explorer.content.decode()
    edit = client.get(f"/admin/pages/{notice.pk}/edit/")
    assert edit.status_code == 200 and f"/api/v1/exports/notices/{notice.pk}/" in edit.content.decode()

    client.force_login(users[Role.JURISDICTION])
    town = client.get("/admin/exports/").content.decode()
    assert "/api/v1/exports/district-report/" not in town and "/api/v1/exports/assessment/" not in town
