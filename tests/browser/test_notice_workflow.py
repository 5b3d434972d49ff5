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


def click(page, locator):
    with page.expect_navigation():
        (page.locator(locator) if isinstance(locator, str) else locator).first.click()


def test_editor_drafts_and_submits_leader_approves_notice_goes_public(users, page, browser, live_server, login):
    """Issue 14, journey 通报: by clicks only after each login; the public side from its home page."""
    setup_site()
    editor, leader = users[Role.OFFICE_EDITOR], users[Role.OFFICE_ADMIN]

    # the editor: 页面 menu → 通报 → 添加子页面, drafts and submits for review
    login(editor.username)
    page.get_by_role("button", name="页面").click()
    click(page, page.locator("#wagtail-sidebar").get_by_role("link", name="通报", exact=True))
    click(page, page.get_by_role("link", name="添加子页面"))
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=document_number]", "荔安办〔2026〕95号")
    assert page.locator("button[name=action-publish]").count() == 0  # editors may not publish
    with page.expect_navigation():
        click_action(page, "button[name=action-submit]")
    notice = NoticePage.objects.get(title=TITLE)
    assert not notice.live
    assert notice.current_workflow_state is not None

    # not public yet: the public home page does not list it
    anonymous = browser.new_context(locale="zh-CN")
    public = anonymous.new_page()
    public.goto(f"{live_server.url}/")
    assert TITLE not in public.inner_text("body")

    # the leader: 待我处理 → 通报：待我审核 → the notice → 批准
    page.context.clear_cookies()
    login(leader.username)
    click(page, page.locator("#awaiting-panel [data-todo=notices] a", has_text=TITLE))
    click_action(page, "[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])")
    page.wait_for_load_state("networkidle")
    for _ in range(50):
        notice.refresh_from_db()
        if notice.live:
            break
        page.wait_for_timeout(200)
    assert notice.live
    click(page, page.locator("a.sidebar-wagtail-branding, a[href='/admin/']"))
    assert TITLE not in page.inner_text("#awaiting-panel")  # no longer waiting for the leader

    # public: home page → 全部通报 → the notice, by clicks
    public.goto(f"{live_server.url}/")
    click(public, public.get_by_role("link", name="全部通报"))
    click(public, public.get_by_role("link", name=TITLE))
    assert TITLE in public.inner_text("h1")
    assert "荔安办〔2026〕95号" in public.content()
    # and the headless API lists it
    api = public.request.get(f"{live_server.url}/api/v2/pages/?type=notices.NoticePage&fields=document_number")
    assert api.status == 200
    items = api.json()["items"]
    assert [(i["title"], i["document_number"]) for i in items] == [(TITLE, "荔安办〔2026〕95号")]
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
