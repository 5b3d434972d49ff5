"""Journey "inspection with photos" (issue 14): the inspector on a 390 px phone, by clicks only from the
dashboard (no URL typed but the login page), opens 录入督导检查, picks the month's plan, fills the checklist,
photographs a failed item and submits; the failed item becomes a hazard worded by the item's 问题表述. No page of
the journey scrolls sideways; the sheet shows the photo as a thumbnail with its 拍摄时间, hazard codes as links,
a 打印 button."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from cms.checklists import services as checklist_services
from cms.records import save_record
from cms.roles import Role
from tests.cms.checklists.factories import build_template
from workflows.hazards.models import Hazard
from workflows.inspections.models import Inspection, InspectionGroup
from workflows.inspections.services import PlanInput, plan_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 09:30:00"
    Image.new("RGB", (640, 480), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def page_width(page) -> int:
    """How wide the page scrolls: more than 390 means the phone scrolls sideways."""
    return page.evaluate("document.scrollingElement.scrollWidth")


def overflowing(page) -> list[str]:
    """Elements of the page sticking out past the 390 px screen (also inside scrolling containers,
    which documentElement.scrollWidth does not see)."""
    return page.evaluate("""() => {
        const out = [];
        for (const el of document.querySelectorAll('main *, #inspection-form *, #choose-form *')) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && (r.right > 391 || r.left < -1)) out.push(el.tagName + '.' + el.className + ' ' + (el.name || '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
        }
        const scrollers = [...document.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible' && getComputedStyle(e).overflowX !== 'hidden' && e.clientWidth > 10);
        for (const e of scrollers) out.push('scroller ' + e.tagName + '.' + e.className + ' ' + e.scrollWidth + '>' + e.clientWidth);
        return out;
    }""")


def test_inspector_fills_on_a_phone_without_horizontal_scrolling(browser, live_server, users, ref, make_target):
    editor = users[Role.OFFICE_EDITOR]
    template = build_template(editor, [ref["sectors"]["危化品"]], publish=False)
    draft = template.draft_version
    checklist_services.checklist_item_save(actor=editor, reason="测试", version=draft, item=draft.items.get(text="消防通道是否畅通"),
                                           finding="消防通道被占用、堵塞")
    version = checklist_services.checklist_publish(actor=editor, reason="测试发布", version=draft, note="首版")
    group = save_record(instance=InspectionGroup(name="应急管理局行业督导检查组", kind="industry", lead_department=ref["departments"]["应急管理局"]),
                        actor=None, reason="测试", m2m={"sectors": [ref["sectors"]["危化品"]], "members": [users[Role.INSPECTOR]]})
    target = make_target("荔城化工仓储有限公司", sectors=("危化品",))
    month = timezone.localdate().replace(day=1)
    plan = plan_save(actor=users[Role.DEPARTMENT], reason="测试", data=PlanInput(month=month, group=group, title="危化品仓储企业督导检查",
                                                                                 templates=[template], targets=[target]))
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", users[Role.INSPECTOR].username)
        page.fill("input[name=password]", "pass-1234-word")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        assert page_width(page) <= 390, "dashboard"

        # dashboard → menu → 督导检查 → 录入督导检查, by clicks
        page.get_by_role("button", name="切换侧边栏").click() if page.get_by_role("button", name="切换侧边栏").is_visible() else None
        page.locator("#wagtail-sidebar").get_by_role("button", name="督导检查").first.click()
        with page.expect_navigation():
            page.locator("#wagtail-sidebar").get_by_role("link", name="督导检查", exact=True).click()
        assert page_width(page) <= 390, "inspection listing"
        with page.expect_navigation():
            page.get_by_role("link", name="录入督导检查").first.click()
        page.wait_for_selector("#choose-form")
        assert page_width(page) <= 390, "choose form"
        page.select_option("#choose-form select[name=group]", label=group.name)
        page.select_option("#choose-form select[name=target]", label=f"{target.name}（拱辰街道）")
        page.select_option("#choose-form select[name=version]", label=str(version))
        with page.expect_navigation():
            page.get_by_role("button", name="开始填写").click()
        page.wait_for_selector("#inspection-form")
        assert page_width(page) <= 390, "fill form"
        assert overflowing(page) == []
        page.select_option("#inspection-form select[name=plan]", label=str(plan))

        items = {i.text: i for i in version.items.all()}
        form = page.locator("#inspection-form")
        # photo and 不合格 note only on judged (and photo) items, not on number, choice or text items
        for text in ("从业人员数", "安全管理制度情况", "其他说明"):
            assert form.locator(f"input[name=photo-{items[text].pk}]").count() == 0, text
            assert form.locator(f"input[name=remark-{items[text].pk}]").count() == 0, text
        assert form.locator(f"input[name=photo-{items['仓库现场照片'].pk}]").count() == 1
        form.locator(f"input[name=item-{items['危化品仓库是否分区分类存放'].pk}][value=pass]").check()
        form.locator(f"input[name=item-{items['消防通道是否畅通'].pk}][value=fail]").check()
        form.locator(f"input[name=remark-{items['消防通道是否畅通'].pk}]").fill("通道堆放纸箱")
        form.locator(f"input[name=photo-{items['消防通道是否畅通'].pk}]").set_input_files(
            files=[{"name": "通道.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
        form.locator(f"input[name=item-{items['从业人员数'].pk}]").fill("35")
        form.locator(f"select[name=item-{items['安全管理制度情况'].pk}]").select_option("不健全")
        assert page_width(page) <= 390, "filled form"
        assert overflowing(page) == []
        form.get_by_role("button", name="提交督导检查").click()
        page.wait_for_url("**/sheet/")
        assert page_width(page) <= 390, "sheet"

        # the sheet: thumbnail (loaded through the checking view) with 拍摄时间, no "无EXIF", hazard code links
        thumb = page.locator(".photo-thumb img").first
        thumb.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
        assert page.evaluate("img => img.naturalWidth", thumb.element_handle()) <= 320
        assert "拍摄时间 2026-11-20 09:30" in page.inner_text(".photo-thumb figcaption")
        assert "无EXIF" not in page.content()
        assert page.locator("[data-print]").count() == 1
        hazard = Hazard.objects.get()
        # the failed item's hazard reads as the item's 问题表述, the inspector's note after it
        assert hazard.description == "消防通道被占用、堵塞：通道堆放纸箱"
        assert hazard.inspection == Inspection.objects.get(plan=plan) and hazard.photos.count() == 1
        assert "消防通道被占用、堵塞：通道堆放纸箱" in page.inner_text("main")
        page.get_by_role("link", name=hazard.code).click()
        page.wait_for_url(f"**/hazards/hazard/inspect/{hazard.pk}/")
        assert page_width(page) <= 390, "hazard page"
        assert page.inner_text("#hazard-state") == "登记"
        assert page.locator("#hazard-inspection-link").count() == 1
    finally:
        context.close()
