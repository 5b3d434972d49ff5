"""In a real browser: an editor drafts a 通报 and submits it for review; a 区安办管理员 approves it;
it is then public. An internal notice stays hidden from anonymous visitors."""

from __future__ import annotations

import pytest

from cms.roles import Role
from notices.models import NoticeIndexPage, NoticePage
from notices.site_setup import setup_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于2026年10月安全生产督导检查情况的通报"


def open_action_menu(page):
    toggle = page.locator("footer [data-w-dropdown-target='toggle']").first
    if toggle.count():
        toggle.click()


def click_action(page, selector: str):
    open_action_menu(page)
    button = page.locator(selector).first
    if button.is_visible():
        button.click()
    else:  # the dropdown markup differs between Wagtail releases; press the same button
        button.evaluate("b => b.click()")


def test_editor_drafts_and_submits_leader_approves_notice_goes_public(users, page, browser, live_server):
    setup_site()
    index = NoticeIndexPage.objects.get()
    editor, leader = users[Role.OFFICE_EDITOR], users[Role.OFFICE_ADMIN]

    # the editor drafts and submits for review
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", editor.username)
    page.fill("input[name=password]", "pass-1234-word")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/**")
    page.goto(f"{live_server.url}/admin/pages/add/notices/noticepage/{index.pk}/")
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=document_number]", "荔安办〔2026〕95号")
    assert page.locator("button[name=action-publish]").count() == 0  # editors may not publish
    click_action(page, "button[name=action-submit]")
    page.wait_for_load_state("networkidle")
    notice = NoticePage.objects.get(title=TITLE)
    url = f"{live_server.url}{notice.get_url()}"
    assert not notice.live
    assert notice.current_workflow_state is not None

    # not public yet
    anonymous = browser.new_context()
    public = anonymous.new_page()
    response = public.goto(url)
    assert response.status == 404

    # the leader approves
    leader_context = browser.new_context(locale="zh-CN")
    lp = leader_context.new_page()
    lp.goto(f"{live_server.url}/admin/login/")
    lp.fill("input[name=username]", leader.username)
    lp.fill("input[name=password]", "pass-1234-word")
    lp.click("button[type=submit]")
    lp.wait_for_url(f"{live_server.url}/admin/**")
    assert TITLE in lp.content()  # awaiting review on the dashboard
    lp.goto(f"{live_server.url}/admin/pages/{notice.pk}/edit/")
    click_action(lp, "[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])")
    lp.wait_for_load_state("networkidle")
    for _ in range(50):
        notice.refresh_from_db()
        if notice.live:
            break
        lp.wait_for_timeout(200)
    assert notice.live

    # now public, on the page and in the index
    response = public.goto(url)
    assert response.status == 200
    assert TITLE in public.inner_text("h1")
    assert "荔安办〔2026〕95号" in public.content()
    public.goto(f"{live_server.url}/tongbao/")
    assert TITLE in public.inner_text("main")
    leader_context.close()
    anonymous.close()


def test_internal_notice_stays_hidden_from_anonymous_visitors(users, browser, live_server, ref):
    setup_site()
    index = NoticeIndexPage.objects.get()
    internal = NoticePage(title="内部通报：重大隐患挂牌督办情况", slug="internal-1", document_number="荔安办〔2026〕97号",
                          visibility="internal")
    internal.addressee_departments.set([ref["departments"]["应急管理局"]])
    index.add_child(instance=internal)
    internal.save_revision().publish()
    context = browser.new_context()
    p = context.new_page()
    assert p.goto(f"{live_server.url}/tongbao/internal-1/").status == 404
    p.goto(f"{live_server.url}/tongbao/")
    assert "内部通报" not in p.inner_text("main")
    api = p.goto(f"{live_server.url}/api/v2/pages/?type=notices.NoticePage&format=json")
    assert api.json()["meta"]["total_count"] == 0
    # the addressed department's user does see it
    p.goto(f"{live_server.url}/admin/login/")
    p.fill("input[name=username]", users[Role.DEPARTMENT].username)
    p.fill("input[name=password]", "pass-1234-word")
    p.click("button[type=submit]")
    p.wait_for_url(f"{live_server.url}/admin/**")
    assert p.goto(f"{live_server.url}/tongbao/internal-1/").status == 200
    context.close()
