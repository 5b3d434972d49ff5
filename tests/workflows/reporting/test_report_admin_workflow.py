"""The monthly report in the admin, the way people use it: the department finds its report in
待我处理, opens it (基本情况 and 四个清单 as tables, never a raw dict), fills the prose, sees the
preview, 报送; the office finds it in its 待我处理, 退回 with a comment, the department sees the
comment and reports again, the office 采纳. Buttons follow the services' predicates; the Word
file is one click away, for a department's report and for a special group's."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from cms.roles import Role
from workflows.hazards.models import HazardLevel
from workflows.hazards.services import hazard_register
from workflows.inspections.models import InspectionGroup
from workflows.reporting.models import MonthlyReport, ReportingSettings, ReportState
from workflows.reporting.services import (
    can_edit_report,
    can_remind_report,
    can_review_report,
    report_submit,
    reports_open,
)

pytestmark = pytest.mark.django_db
# A month whose deadline has long passed whatever today is: 逾期未报 and 催报 are stable.
MONTH = datetime.date(2025, 3, 1)


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style|template|svg)[\s\S]*?</\1>", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def actions(response) -> list[str]:
    return re.findall(r'data-report-action="(\w+)"', response.content.decode())


@pytest.fixture
def report(ref, users, make_target):
    row = ReportingSettings.load()
    row.due_day, row.holidays, row.extra_workdays = 5, "", ""
    row.save()
    target = make_target("荔城月报测试化工厂", jurisdiction="拱辰街道", sectors=("危化品",))
    # found by 应急管理局's inspector: one of the department's findings (issue 12's 口径)
    hazard_register(actor=users[Role.INSPECTOR], reason="测试", description="储罐区未设防火堤", target=target, sector=ref["sectors"]["危化品"],
                    level=HazardLevel.MAJOR, found_at=timezone.make_aware(datetime.datetime(2025, 3, 12, 10)))
    InspectionGroup.objects.create(name="测试专项督导组", kind=InspectionGroup.Kind.SPECIAL, lead_department=ref["departments"]["应急管理局"])
    reports_open(actor=None, reason="测试", month=MONTH)
    return MonthlyReport.objects.get(month=MONTH, department=ref["departments"]["应急管理局"])


def test_fill_preview_submit_return_submit_again_accept(report, users):
    dept, office = login(users[Role.DEPARTMENT]), login(users[Role.OFFICE_ADMIN])
    page = f"/admin/snippets/reporting/monthlyreport/inspect/{report.pk}/"

    # the department's dashboard says what to do and links to the report's page
    home = dept.get("/admin/").content.decode()
    assert f'href="{page}"' in home and "月报：待填写、报送" in home

    # the report's page: tables, no raw values; the author's buttons only
    response = dept.get(page)
    body = text(response)
    assert "储罐区未设防火堤" in body and "重大隐患" in body and "拱辰街道" in body and "危化品" in body
    assert "{'" not in body and "['" not in body and "None" not in body
    assert '<table class="listing report-four-lists">' in response.content.decode()
    # each figure with its 口径 beside it, in the notice's words
    assert "口径：本单位督导检查发现及本单位人员登记的隐患，按发现日期计入本月" in body
    assert actions(response) == ["edit", "refresh", "submit", "word"]
    assert f"/api/v1/exports/monthly-report/?department={report.department_id}&amp;month=2025-03" in response.content.decode()

    # 报送 before the prose is written: refused with the missing parts named
    refused = dept.post(f"/admin/monthly-reports/{report.pk}/submit/", {"reason": ""})
    assert refused.status_code == 200 and "报送前请填写：特色亮点、主要问题及风险研判、下一步工作打算" in text(refused)

    # fill → back on the report's page (the preview), with 报送 one click away
    saved = dept.post(f"/admin/snippets/reporting/monthlyreport/edit/{report.pk}/",
                      {"highlights": "推行“四不两直”暗查", "problems": "消防通道堵塞突出", "next_steps": "开展专项整治"})
    assert saved.status_code == 302 and saved["Location"] == page
    preview = dept.get(page)
    assert "推行“四不两直”暗查" in text(preview) and "submit" in actions(preview)
    assert dept.post(f"/admin/monthly-reports/{report.pk}/submit/", {"reason": ""})["Location"] == page
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert actions(dept.get(page)) == ["word"]  # nothing more for the author until the office decides

    # the office: 待我处理 lists it; 采纳 and 退回 on the page and in the listing
    home = office.get("/admin/").content.decode()
    assert "月报：待审核（采纳或退回）（1）" in text(office.get("/admin/")) and f'href="{page}"' in home
    assert actions(office.get(page)) == ["accept", "return", "word"]
    listing = office.get("/admin/snippets/reporting/monthlyreport/?state=submitted").content.decode()
    assert f"/admin/monthly-reports/{report.pk}/accept/" in listing and f"/admin/monthly-reports/{report.pk}/return/" in listing
    assert f'href="{page}"' in listing  # the row's title opens the report

    # 退回 needs a comment
    empty = office.post(f"/admin/monthly-reports/{report.pk}/return/", {"comment": ""})
    assert empty.status_code == 200 and MonthlyReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    assert office.post(f"/admin/monthly-reports/{report.pk}/return/", {"comment": "请补充隐患整改进度"}).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED

    # the department sees why, edits, reports again
    returned = dept.get(page)
    assert "退回意见" in text(returned) and "请补充隐患整改进度" in text(returned)
    assert "请按退回意见修改后重新报送" in text(dept.get("/admin/"))
    dept.post(f"/admin/snippets/reporting/monthlyreport/edit/{report.pk}/",
              {"highlights": "推行“四不两直”暗查", "problems": "消防通道堵塞突出，整改进度见清单", "next_steps": "开展专项整治"})
    dept.post(f"/admin/monthly-reports/{report.pk}/submit/", {})
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    assert office.post(f"/admin/monthly-reports/{report.pk}/accept/", {"comment": "同意"})["Location"] == page
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.timeliness == "逾期报送"
    assert actions(office.get(page)) == ["word"] and actions(dept.get(page)) == ["word"]
    assert [r.history_change_reason for r in report.history.order_by("history_date")][-1] == "采纳月报"


def test_buttons_follow_the_services(report, users):
    dept, office = users[Role.DEPARTMENT], users[Role.OFFICE_ADMIN]
    assert can_edit_report(dept, report) and not can_review_report(dept, report) and not can_remind_report(dept, report)
    assert can_remind_report(office, report) and not can_review_report(office, report)
    page = f"/admin/snippets/reporting/monthlyreport/inspect/{report.pk}/"
    assert "remind" in actions(login(office).get(page))
    # a department user cannot reach an office action by typing its URL: sent back to the report with a reason
    response = login(dept).get(f"/admin/monthly-reports/{report.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == page
    report.highlights = report.problems = report.next_steps = "已填写"
    report.save()
    report_submit(actor=dept, reason="", report=report)
    report.refresh_from_db()
    assert not can_edit_report(dept, report) and can_review_report(office, report) and not can_remind_report(office, report)
    # the edit page is not offered once submitted
    listing = login(dept).get("/admin/snippets/reporting/monthlyreport/").content.decode()
    assert f"/admin/snippets/reporting/monthlyreport/edit/{report.pk}/" not in listing


def test_special_group_report_renders_as_tables_with_its_word_file(report, users):
    group_report = MonthlyReport.objects.get(month=MONTH, group__name="测试专项督导组")
    office = login(users[Role.OFFICE_ADMIN])
    response = office.get(f"/admin/snippets/reporting/monthlyreport/inspect/{group_report.pk}/")
    body = text(response)
    assert "测试专项督导组" in body and "None" not in body and "{'" not in body
    link = f"/api/v1/exports/monthly-report/?group={group_report.group_id}&month=2025-03"
    assert "word" in actions(response) and link.replace("&", "&amp;") in response.content.decode()
    word = office.get(link)
    assert word.status_code == 200 and word.content[:2] == b"PK"  # a docx (zip); its content is tested in tests/exports


def test_other_units_report_is_not_reachable(report, users, ref):
    other = MonthlyReport.objects.get(month=MONTH, department=ref["departments"]["住建局"])
    dept = login(users[Role.DEPARTMENT])
    assert dept.get(f"/admin/snippets/reporting/monthlyreport/inspect/{other.pk}/").status_code == 404
    assert dept.post(f"/admin/monthly-reports/{other.pk}/submit/", {}).status_code == 404
    other.refresh_from_db()
    assert other.state == ReportState.DRAFT
