"""Every custom admin page (the views our apps add through ``register_admin_urls``) has its own Chinese title in
the browser tab, not Wagtail's default ("首页") nor an English word (issue 14). The URL patterns are walked from
the hooks, so a page added later must be given a title here too or the test fails."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from wagtail import hooks

from cms.roles import Role
from notices.models import TipOffFormPage
from notices.services import tipoff_submit
from notices.site_setup import setup_site
from tests.cms.checklists.factories import build_template
from tests.exports.builders import make_group, make_inspection
from workflows.assessment.selectors import INDICATOR_LABELS
from workflows.inspections.services import feedback_record
from workflows.reporting.models import MonthlyReport
from workflows.reporting.services import (
    ConsultationInput,
    MeasureInput,
    consultation_save,
    report_save_draft,
    report_submit,
    reports_open,
)

pytestmark = pytest.mark.django_db

# Not pages a person reads: a JSON endpoint, a file download, a form that only takes a POST.
NOT_PAGES = {"target_options": "JSON", "checklists_export": "文件下载", "inspections_feedback": "只接受提交（POST）"}
TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)
SITE = " - 荔城区安全生产常态化督导"
HEADER = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
HEADER_MISSING = re.match("(.*)", "")


def custom_admin_urls() -> list[str]:
    names = []
    for hook in hooks.get_hooks("register_admin_urls"):
        if hook.__module__.startswith(("cms", "workflows", "notices", "exports")):
            names += [p.name for p in hook()]
    return names


@pytest.fixture
def pages(users, ref, make_target):
    """(user, url) for every custom admin page, as the role that uses it."""
    office, editor, dept = users[Role.OFFICE_ADMIN], users[Role.OFFICE_EDITOR], users[Role.DEPARTMENT]
    template = build_template(editor, [ref["sectors"]["危化品"]])
    version = template.current_version
    target = make_target("荔城化工仓储有限公司")
    inspection = make_inspection(make_group("应急管理局行业督导检查组", ref["departments"]["应急管理局"]), target, datetime.date.today())
    feedback_record(actor=office, reason="测试", inspection=inspection, problems="消防通道堵塞", suggestions="", rectification_deadline=None,
                    deadline_note="", delivered_on=datetime.date.today(), recipient="王厂长")
    reports_open(actor=None, reason="测试", month=datetime.date(2026, 3, 1))
    report = MonthlyReport.objects.get(department=ref["departments"]["应急管理局"])
    consultation = consultation_save(actor=office, reason="测试", data=ConsultationInput(
        held_on=datetime.date.today(), title="危化品和燃气会商研判", situation_analysis="形势", risks="风险",
        sectors=[ref["sectors"]["危化品"], ref["sectors"]["燃气"]], lead_departments=[ref["departments"]["应急管理局"]],
        measures=[MeasureInput(content="开展危化品专项检查", responsible_department=ref["departments"]["应急管理局"],
                               deadline=datetime.date.today() + datetime.timedelta(days=30))]))
    setup_site()
    tipoff = tipoff_submit(page=TipOffFormPage.objects.get(), place="拱辰街道某小作坊", description="通道堵塞")
    department = ref["departments"]["应急管理局"]
    return {
        "guide_index": (dept, reverse("guide_index")),
        "guide_chapter": (dept, reverse("guide_chapter", args=["department"])),
        "audit_index": (users[Role.AUDITOR], reverse("audit_index")),
        "login_unlock": (office, reverse("login_unlock")),
        "checklists_builder": (editor, reverse("checklists_builder", args=[template.pk])),
        "checklists_item_edit": (editor, reverse("checklists_item_edit", args=[version.items.first().pk])),
        "checklists_preview": (editor, reverse("checklists_preview", args=[version.pk])),
        "checklists_import": (editor, reverse("checklists_import")),
        "inspections_fill": (users[Role.INSPECTOR], reverse("inspections_fill")),
        "inspections_sheet": (office, reverse("inspections_sheet", args=[inspection.pk])),
        "inspections_feedback_print": (office, reverse("inspections_feedback_print", args=[inspection.pk])),
        "inspections_compliance": (office, reverse("inspections_compliance")),
        "reporting_report_submit": (dept, reverse("reporting_report_submit", args=[report.pk])),
        "reporting_report_refresh": (dept, reverse("reporting_report_refresh", args=[report.pk])),
        "reporting_report_remind": (office, reverse("reporting_report_remind", args=[report.pk])),
        "reporting_measure_issue": (office, reverse("reporting_measure_issue", args=[consultation.measures.get().pk])),
        "assessment_report": (office, reverse("assessment_report")),
        "assessment_evidence": (office, f"{reverse('assessment_evidence')}?indicator={next(iter(INDICATOR_LABELS))}&department={department.pk}"
                                        f"&year={datetime.date.today().year}"),
        "notices_tipoff_accept": (office, reverse("notices_tipoff_accept", args=[tipoff.pk])),
        "notices_tipoff_dismiss": (office, reverse("notices_tipoff_dismiss", args=[tipoff.pk])),
        "notices_month_results": (office, reverse("notices_month_results")),
        "exports_index": (office, reverse("exports_index")),
        # a record's 变更历史 (added to every audited snippet viewset)
        "inspection_changes": (users[Role.AUDITOR], reverse("wagtailsnippets_inspections_inspection:changes", args=[inspection.pk])),
    }


def test_every_custom_admin_page_has_its_own_chinese_title(client, pages):
    walked = set(NOT_PAGES) | {"reporting_report_accept", "reporting_report_return"}  # open on a submitted report: below
    titles = {}
    for name, (user, url) in pages.items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        body = response.content.decode()
        titles[name] = TITLE.search(body).group(1)
        header = re.sub(r"<[^>]+>|\s+", "", (HEADER.search(body) or HEADER_MISSING).group(1))
        assert header and header != "首页", (name, url, header)  # the page's visible heading names it too
        walked.add(name)
    dept, report_submit_url = pages["reporting_report_submit"]
    report = MonthlyReport.objects.get(pk=int(report_submit_url.strip("/").split("/")[-2]))
    report = report_save_draft(actor=dept, reason="测试", report=report, highlights="亮点", problems="问题", next_steps="打算")
    report_submit(actor=dept, reason="测试", report=report)
    office = pages["reporting_report_remind"][0]
    client.force_login(office)
    for name in ("reporting_report_accept", "reporting_report_return"):
        response = client.get(reverse(name, args=[report.pk]))
        assert response.status_code == 200, (name, response.status_code)
        titles[name] = TITLE.search(response.content.decode()).group(1)
    assert set(custom_admin_urls()) <= walked, sorted(set(custom_admin_urls()) - walked)

    for name, title in titles.items():
        page_title = title.removesuffix(SITE).strip() if title.endswith(SITE) else title
        assert page_title and page_title != "首页" and not page_title.startswith("首页"), (name, title)
        assert re.search(r"[\u4e00-\u9fff]", page_title), (name, title)
        words = re.sub(r"\b[A-Z]{1,4}\d[\w-]*", "", page_title)  # record codes such as JB2026-00001 are not words
        assert not re.search(r"[A-Za-z]{2,}", words), (name, title)
    assert len(set(titles.values())) >= len(titles) - 3, titles  # pages are told apart by their titles
