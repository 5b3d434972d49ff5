"""Journeys that start on the dashboard, by clicks only (issue 14): the office's 待我处理 leads to the
hazard to assign and the tip-off to triage; the auditor reads a hazard's history from the menus;
every role's 帮助 menu opens the Chinese user guide at its own chapter."""

import pytest

from cms.roles import Role
from notices.models import TipOffFormPage
from notices.services import tipoff_submit
from notices.site_setup import setup_site
from workflows.hazards.services import hazard_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_office_dashboard_leads_to_the_next_steps(users, make_target, ref, login):
    setup_site()
    target = make_target("荔城区某化工有限公司")
    hazard = hazard_register(actor=users[Role.INSPECTOR], reason="检查发现", description="储罐区静电接地线断开", target=target,
                             sector=ref["sectors"]["危化品"])
    tipoff = tipoff_submit(page=TipOffFormPage.objects.get(), place="拱辰街道某小作坊", description="通道堵塞")

    page = login(users[Role.OFFICE_ADMIN].username)
    panel = page.inner_text("#awaiting-panel")
    assert "待我处理" in panel and hazard.code in panel and tipoff.code in panel
    click(page, f"[data-todo=hazards] a:has-text('{hazard.code}')")
    assert page.inner_text("#hazard-state") == "登记"
    assert page.locator("button[data-loop-action=assign]").count() == 1  # the action is one click away
    page.go_back()
    click(page, f"[data-todo=tipoffs] a:has-text('{tipoff.code}')")
    assert tipoff.code in page.inner_text("main") and "通道堵塞" in page.inner_text("main")


def test_auditor_reads_a_hazards_history_from_the_menus(users, make_target, ref, login):
    target = make_target("荔城区某化工有限公司")
    hazard = hazard_register(actor=users[Role.INSPECTOR], reason="检查发现", description="储罐区静电接地线断开", target=target,
                             sector=ref["sectors"]["危化品"])
    page = login(users[Role.AUDITOR].username)
    assert "暂无需要您处理的事项" in page.inner_text("#awaiting-panel")
    page.get_by_role("button", name="隐患闭环").click()
    with page.expect_navigation():
        page.get_by_role("link", name="隐患", exact=True).click()
    click(page, f"a:has-text('{hazard.code}')")
    with page.expect_navigation():
        page.get_by_role("link", name="变更历史").first.click()
    history = page.inner_text("main")
    assert "检查发现" in history and "None" not in history


def test_help_menu_opens_the_users_own_chapter(users, login):
    page = login(users[Role.DEPARTMENT].username)
    page.get_by_role("button", name="帮助").click()
    with page.expect_navigation():
        page.get_by_role("list", name="帮助").get_by_role("link", name="使用指南").click()
    assert "单位用户（您的角色）" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("link", name="单位用户", exact=True).first.click()
    main = page.inner_text("main")
    assert "填报月度督导检查情况" in main and "Wagtail" not in main
    assert page.evaluate("Array.from(document.images).filter(i => i.closest('.guide')).every(i => i.complete && i.naturalWidth > 0)")
