"""Journey: the monthly report, by clicks only, from each user's dashboard (issue 14): the department
opens its report from 待我处理, reads the tables, fills the prose, 报送; the office opens it from
its 待我处理, 退回 with a comment; the department reads the comment, corrects, 报送 again; the office
采纳 from the listing. No URL is typed except the login page and the dashboard."""

import datetime

import pytest

from cms.roles import Role
from workflows.reporting.models import MonthlyReport, ReportState
from workflows.reporting.services import reports_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONTH = datetime.date(2025, 3, 1)  # long past its deadline whatever today is


def switch_user(page, login, username):
    page.context.clear_cookies()
    return login(username)


def click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_report_filled_submitted_returned_resubmitted_accepted(users, login):
    reports_open(actor=None, reason="测试", month=MONTH)
    report = MonthlyReport.objects.get(month=MONTH, department__short_name="应急管理局")

    # the department: 待我处理 → the report's page (tables, not raw values) → 填写正文 → preview → 报送
    page = login(users[Role.DEPARTMENT].username)
    click(page, "[data-todo=reports] td a")
    assert page.inner_text("#report-state") == "草稿"
    content = page.inner_text("#report-content")
    assert "一、基本情况" in content and "报送单位\t区应急管理局" in content and "None" not in content and "{'" not in content
    assert page.locator("table.report-four-lists, #report-content p").count() >= 1
    click(page, "[data-report-action=edit]")
    page.fill("#id_highlights", "推行“四不两直”暗查暗访")
    page.fill("#id_problems", "小微企业有限空间作业审批不落实")
    page.fill("#id_next_steps", "开展有限空间专项整治")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").first.click()
    assert "推行“四不两直”暗查暗访" in page.inner_text("#report-highlights")
    click(page, "[data-report-action=submit]")
    with page.expect_navigation():
        page.get_by_role("button", name="报送", exact=True).click()
    assert page.inner_text("#report-state") == "已报送"
    assert page.locator("[data-report-action=submit]").count() == 0
    assert page.locator("[data-report-action=word]").count() == 1  # the Word file one click away

    # the office: 待我处理 → the report → 退回 with a comment
    page = switch_user(page, login, users[Role.OFFICE_ADMIN].username)
    click(page, "[data-todo=reports] td a")
    click(page, "[data-report-action=return]")
    page.fill("textarea[name=comment]", "请补充隐患整改进度")
    with page.expect_navigation():
        page.get_by_role("button", name="退回", exact=True).click()
    assert page.inner_text("#report-state") == "已退回"

    # the department sees why, corrects, reports again
    page = switch_user(page, login, users[Role.DEPARTMENT].username)
    assert "请按退回意见修改后重新报送" in page.inner_text("[data-todo=reports]")
    click(page, "[data-todo=reports] td a")
    assert "请补充隐患整改进度" in page.inner_text("#review-comment")
    click(page, "[data-report-action=edit]")
    page.fill("#id_problems", "小微企业有限空间作业审批不落实；整改进度：已整改3项，2项整改中")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").first.click()
    click(page, "[data-report-action=submit]")
    with page.expect_navigation():
        page.get_by_role("button", name="报送", exact=True).click()
    assert page.inner_text("#report-state") == "已报送"

    # the office accepts from the listing: 会商与月报 → 月度督导检查情况 → 采纳 on the row
    page = switch_user(page, login, users[Role.OFFICE_ADMIN].username)
    page.get_by_role("button", name="会商与月报").click()
    with page.expect_navigation():
        page.get_by_role("link", name="月度督导检查情况", exact=True).click()
    row = f"tr:has(#snippet_{report.pk}_title)"
    accept = page.locator(f"{row} [data-report-action=accept]")
    if not accept.is_visible():  # in the row's "more" dropdown
        page.locator(f"{row} [data-w-dropdown-target=toggle]").first.click()
    with page.expect_navigation():
        accept.click()
    with page.expect_navigation():
        page.get_by_role("button", name="采纳", exact=True).click()
    assert page.inner_text("#report-state") == "已采纳"
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.review_comment == ""
    reasons = [h.history_change_reason for h in report.history.order_by("history_date", "history_id")]
    assert reasons[-1] == "采纳月报" and "报送月报" in reasons
