"""The public tip-off side and its triage, in a real browser:
- a citizen whose captcha answer is wrong keeps the chosen photo, submits, and reads the progress
  with the 受理编号 and the 查询码 by following the link on the thank-you page;
- the office reaches the report from its menu, sees the photo as a thumbnail, and 受理 registers a
  workshop the directory does not list, picking nothing from a flat list;
- the auditor reads the hazard's 变更历史 in Chinese, by clicks."""

import io
import re

import pytest
from PIL import Image

from cms.directory.models import Target
from cms.roles import Role
from notices.models import TipOff, TipOffFormPage
from notices.site_setup import setup_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


def challenge_answer(page) -> str:
    """What the citizen reads in the captcha image: the test reads the server's store for the
    key in the page (the answer itself is never in the page)."""
    from captcha.models import CaptchaStore

    return CaptchaStore.objects.get(hashkey=page.input_value("input[name=captcha_0]")).response


def click(page, locator):
    with page.expect_navigation():
        (page.locator(locator) if isinstance(locator, str) else locator).first.click()


def look_up(page, code, query_code) -> str:
    page.fill("#id_code", code)
    page.fill("#id_query_code", query_code)
    click(page, page.get_by_role("button", name="查询"))
    return page.inner_text("#tipoff-progress-state") if page.locator("#tipoff-progress-state").count() else ""


def test_citizen_keeps_the_photo_after_a_wrong_answer_and_the_office_triages_it(ref, users, page, browser, login):
    """Issue 14, journey 举报 → 受理: the citizen from the public home page, the office from its 待我处理,
    by clicks only."""
    setup_site()
    citizen = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    citizen.goto(f"{page.base_url}/")
    click(citizen, citizen.get_by_role("link", name="受理举报"))
    citizen.fill("#id_place", "拱辰街道某某路12号后院")
    citizen.fill("#id_description", "后院私设喷漆作业间，无通风，堆放油漆桶")
    citizen.set_input_files("#id_photos", files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    assert citizen.locator("img.captcha-image").get_attribute("alt").startswith("验证码图片")
    citizen.fill("#id_captcha_1", "zzzzz")
    click(citizen, citizen.get_by_role("button", name="提交举报"))
    assert "验证码错误或已过期" in citizen.content()
    assert "已保留您刚才选择的 1 张照片" in citizen.inner_text(".kept-photos")
    assert citizen.input_value("#id_description") == "后院私设喷漆作业间，无通风，堆放油漆桶"
    citizen.fill("#id_captcha_1", challenge_answer(citizen))
    click(citizen, citizen.get_by_role("button", name="提交举报"))
    code = citizen.inner_text("#tipoff-code")
    query_code = citizen.inner_text("#tipoff-query-code")
    tipoff = TipOff.objects.get()
    assert tipoff.code == code and tipoff.photos.count() == 1  # the photo kept through the wrong answer

    click(citizen, citizen.get_by_role("link", name="举报办理进度查询"))
    assert look_up(citizen, code, "WRONG123") == ""
    assert "受理编号或查询码不正确" in citizen.content()
    assert look_up(citizen, code, query_code) == "待处理"
    assert "喷漆" not in citizen.content()

    # the office: 待我处理 → 举报：待受理 → the report's 受理 form, the photo beside it
    login(users[Role.OFFICE_ADMIN].username)
    click(page, page.locator("#awaiting-panel [data-todo=tipoffs] a", has_text=code))
    assert "后院私设喷漆作业间" in page.inner_text("main")
    thumb = page.locator(".photo-strip img").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    page.fill("#id_new_target_name", "某某路12号喷漆作业间")
    page.select_option("#id_new_target_jurisdiction", label="拱辰街道")
    page.fill("#id_new_target_address", "拱辰街道某某路12号后院")
    page.select_option("#id_sector", label="工贸")
    page.fill("#id_reason", "现场核实属实")
    click(page, page.get_by_role("button", name="登记为隐患"))
    tipoff.refresh_from_db()
    assert tipoff.state == "accepted" and tipoff.hazard.target.name == "某某路12号喷漆作业间"
    assert f"已受理举报 {code}，登记为隐患 {tipoff.hazard.code}" in page.inner_text("body")
    click(page, page.locator("a.sidebar-wagtail-branding, a[href='/admin/']"))
    assert code not in page.inner_text("#awaiting-panel")  # no longer waiting

    # the citizen reads the new state, from the home page again
    citizen.goto(f"{page.base_url}/")
    click(citizen, citizen.get_by_role("link", name="受理举报"))
    click(citizen, citizen.get_by_role("link", name="查询办理进度"))
    assert look_up(citizen, code, query_code) == "已受理"
    citizen.context.close()


def test_office_triages_onto_a_new_target_and_the_auditor_reads_the_history(ref, users, page, login, make_target):
    setup_site()
    from cms.uploads import PhotoUpload, check_photo
    from notices.services import tipoff_submit

    photo, _ = check_photo(PhotoUpload(name="a.jpg", content=jpeg()))
    tipoff = tipoff_submit(page=TipOffFormPage.objects.get(), place="拱辰街道某某村3号", description="村内无证小作坊使用液化气瓶",
                           photos=[photo])
    for n in range(3):
        make_target(f"拱辰街道名录企业{n}")
    login(users[Role.OFFICE_ADMIN].username)
    click(page, page.locator("#awaiting-panel [data-todo=tipoffs] a", has_text=tipoff.code))  # 待我处理 → 受理
    thumb = page.locator(".photo-strip img").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert page.locator("input.target-search").count() == 1  # a search over the directory
    page.fill("#id_new_target_name", "某某村3号无证小作坊")
    page.select_option("#id_new_target_jurisdiction", label="拱辰街道")
    page.fill("#id_new_target_address", "拱辰街道某某村3号")
    page.select_option("#id_sector", label="燃气")
    page.fill("#id_reason", "现场核实属实")
    with page.expect_navigation():
        page.get_by_role("button", name="登记为隐患").click()
    assert "登记为隐患" in page.content()
    target = Target.objects.get(name="某某村3号无证小作坊")
    tipoff.refresh_from_db()
    hazard = tipoff.hazard
    assert hazard.target == target and hazard.jurisdiction.name == "拱辰街道"

    page.context.clear_cookies()
    login(users[Role.AUDITOR].username)
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name="隐患闭环").click()
    sidebar.get_by_role("link", name="隐患", exact=True).click()
    page.get_by_role("link", name=hazard.code).first.click()
    page.wait_for_selector("#hazard-state")
    assert page.locator("#hazard-tipoff-link").inner_text() == f"举报 {tipoff.code}"
    page.get_by_role("link", name="变更历史").first.click()
    page.wait_for_selector("table.object-history")
    rows = page.locator("table.object-history tbody tr")
    assert rows.count() >= 1
    text = page.inner_text("table.object-history")
    assert "登记" in text and "属地" in text and "拱辰街道" in text and "jurisdiction" not in text
    assert users[Role.OFFICE_ADMIN].first_name in text


def test_orders_and_hazard_print_without_the_admin_chrome(ref, users, page, login, make_target):
    import datetime

    from django.utils import timezone

    from tests.workflows.hazards.factories import register
    from workflows.hazards import services

    office = users[Role.OFFICE_ADMIN]
    hazard = register(office, make_target("打印厂"))
    services.hazard_assign(hazard=hazard, actor=office, reason="交办", responsible_kind="department",
                           responsible_department=ref["departments"]["应急管理局"], responsible_person="王科长",
                           deadline=timezone.localdate() + datetime.timedelta(days=7), issue_order=True)
    login(users[Role.DEPARTMENT].username)
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name="隐患闭环").click()
    sidebar.get_by_role("link", name="三单").click()
    page.get_by_role("link", name=re.compile("荔安办交")).first.click()
    page.wait_for_selector("#order-status")
    assert page.locator("[data-print]").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("#wagtail-sidebar").is_visible()
    assert not page.locator("[data-print]").is_visible()
    assert page.locator("table.listing").first.is_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name=hazard.code).click()
    page.wait_for_selector("#hazard-state")
    actions = page.locator(".hazard-action")
    assert actions.count() > 0 and actions.first.is_visible()  # the department's next step (整改方案) is on screen
    page.emulate_media(media="print")
    assert not actions.first.is_visible()
    assert page.locator(".hazard-timeline").is_visible()
