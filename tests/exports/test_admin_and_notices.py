"""The 导出 admin page, export buttons on records, 通报 and 反馈意见 as Word."""

from __future__ import annotations

import datetime

import pytest
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.roles import Role
from notices.models import NoticeIndexPage, NoticePage
from workflows.inspections.models import InspectionFeedback

from .docx_checks import assert_official_layout, assert_page_number_footer, open_docx, paragraphs_with_style

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
    assert_page_number_footer(doc)
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["关于2026年3月安全生产督导检查情况的通报", "荔安办〔2026〕3号"]
    assert "各镇街、工业园区，区安委会有关成员单位：" in texts
    assert [p.text for p in paragraphs_with_style(doc, "一级标题")] == ["一、总体情况"]
    assert "3月全区共开展督导检查5次。" in texts and "发现隐患6项。" in texts
    assert texts[-2:] == ["荔城区安委会办公室", "2026年4月8日"]
    # internal: a department it was not addressed to cannot read it
    outsider = make_user(Role.DEPARTMENT, department="住建局")
    assert api_for(outsider).get(f"/api/v1/exports/notices/{notice.pk}/").status_code == 404
    assert api_for(users[Role.AUDITOR]).get("/api/v1/exports/notices/999999/").status_code == 404


def test_feedback_uses_the_groups_written_feedback(march, users, api_for):
    inspection = march["inspections"][1]
    feedback = InspectionFeedback(inspection=inspection, problems="油漆与易燃物混存，未分区存放。", suggestions="设置专用仓库。",
                                  rectification_deadline=datetime.date(2026, 3, 25), delivered_on=datetime.date(2026, 3, 11),
                                  recipient="王店长")
    feedback._change_reason = "测试数据"
    feedback.save()
    doc = open_docx(api_for(users[Role.OFFICE_EDITOR]).get(f"/api/v1/exports/inspections/{inspection.pk}/feedback/").content)
    texts = [p.text for p in doc.paragraphs]
    assert "北高油漆经营部：" in texts
    assert [p.text for p in paragraphs_with_style(doc, "一级标题")] == ["一、存在问题", "二、意见建议"]
    assert "油漆与易燃物混存，未分区存放。" in texts and "设置专用仓库。" in texts
    assert "请于2026年3月25日前将整改落实情况书面反馈区应急管理局。" in texts
    assert texts[-1] == "2026年3月11日"


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
