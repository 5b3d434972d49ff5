"""Issue 14, journey 交办 → 整改 → 退回 → 复核销号 with 三单, by clicks only after each login.

区安办 assigns the hazard an inspection found and issues the 工作交办单; 应急管理局 signs it and
plans; the daily reminder run (cron) issues a 提醒单; the department rectifies with a photo;
区安办 退回 with a reason and 挂牌督办 (督办单); the department rectifies again; 区安办 复核 with
its own photo and 销号. Each user starts from the dashboard's 待我处理; each of the 三单 is
downloaded by a click and read with python-docx."""

import datetime
import io

import docx
import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from cms.records import save_record
from cms.roles import Role
from cms.uploads import PhotoUpload
from tests.cms.checklists.factories import build_template
from workflows.hazards.models import Hazard, HazardPhoto, HazardState, Order, OrderKind
from workflows.inspections.models import InspectionGroup
from workflows.inspections.services import inspection_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def image(color, size=(800, 600), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def click(page, locator):
    with page.expect_navigation():
        (page.locator(locator) if isinstance(locator, str) else locator).first.click()


def as_user(page, login, user):
    page.context.clear_cookies()
    return login(user.username)


def to_dashboard(page):
    click(page, page.locator("a.sidebar-wagtail-branding, a[href='/admin/']"))
    assert page.locator("#awaiting-panel").count() == 1


def open_from_todo(page, section, text):
    click(page, page.locator(f"#awaiting-panel [data-todo={section}] a", has_text=text))


def word_text(page) -> str:
    """Click 下载 Word on an order page; the file's paragraphs and table cells as one text."""
    with page.expect_download() as info:
        page.click("#order-word")
    document = docx.Document(info.value.path())
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def act(page, action, fields=None, photo=None):
    details = page.locator(f"#action-{action}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    if photo:
        page.set_input_files(f"#id_{action}-photos", str(photo))
    click(page, f"button[data-loop-action={action}]")


def inspected_hazard(users, ref, make_target) -> Hazard:
    version = build_template(users[Role.OFFICE_EDITOR], [ref["sectors"]["危化品"]]).current_version
    group = save_record(instance=InspectionGroup(name="应急管理局行业督导检查组", kind="industry", lead_department=ref["departments"]["应急管理局"]),
                        actor=None, reason="测试", m2m={"sectors": [ref["sectors"]["危化品"]], "members": [users[Role.INSPECTOR]]})
    target = make_target("荔城化工仓储有限公司", sectors=("危化品",))
    answers = []
    for item in version.items.order_by("sort_order"):
        failed = item.text == "消防通道是否畅通"
        value = {"pass_fail": "不合格" if failed else "合格", "number": "35", "choice": "健全", "text": "无", "photo": ""}[item.answer_type]
        answer = {"item": item.pk, "value": value, "remark": "通道堆放纸箱" if failed else ""}
        if failed:
            answer["photos"] = [PhotoUpload(name="通道.jpg", content=image((200, 30, 30)))]
        answers.append(answer)
    inspection_submit(actor=users[Role.INSPECTOR], reason="测试", group=group, target=target, inspected_on=timezone.localdate(),
                      method="planned", inspectors=[users[Role.INSPECTOR]], checklist_version=version, answers=answers,
                      extra_hazards=[], photos=[], started_at=timezone.now() - datetime.timedelta(minutes=20))
    return Hazard.objects.get()


def test_assign_rectify_reject_verify_with_the_three_orders(users, ref, make_target, login, tmp_path):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = inspected_hazard(users, ref, make_target)
    after1, after2, at_verify = tmp_path / "after1.png", tmp_path / "after2.png", tmp_path / "verify.jpg"
    after1.write_bytes(image((30, 160, 60), (640, 480), "PNG"))
    after2.write_bytes(image((30, 60, 160), (640, 480), "PNG"))
    at_verify.write_bytes(image((240, 200, 20), (1024, 768)))

    # 1. 区安办: 待我处理 → the hazard → 交办 to 应急管理局 with a 工作交办单
    page = login(office.username)
    open_from_todo(page, "hazards", hazard.code)
    assert page.inner_text("#hazard-state") == "登记"
    page.select_option("#id_assign-responsible_kind", "department")
    page.select_option("#id_assign-responsible_department", label="区应急管理局")
    page.fill("#id_assign-responsible_person", "王科长")
    page.fill("#id_assign-deadline", (timezone.localdate() + datetime.timedelta(days=2)).isoformat())
    act(page, "assign", {"#id_assign-reason": "交应急管理局督促整改"})
    assert page.inner_text("#hazard-state") == "已交办"
    assignment = Order.objects.get(kind=OrderKind.ASSIGNMENT)
    click(page, page.locator(".hazard-orders a", has_text=assignment.number))
    text = word_text(page)
    assert "安全生产工作交办单" in text and assignment.number in text
    assert "应急管理局" in text and "通道堆放纸箱" in text and "荔城化工仓储有限公司" in text

    # 2. 应急管理局: 待我处理 → the 交办单 → 签收; from the order to its hazard → 整改方案
    page = as_user(page, login, dept)
    open_from_todo(page, "orders", assignment.number)
    click(page, "button[data-loop-action=acknowledge]")
    assert page.inner_text("#order-status") == "已签收"
    click(page, page.get_by_role("link", name=hazard.code))
    act(page, "plan", {"#id_plan-measures": "清走纸箱，划定通道标线", "#id_plan-funds": "500元"})
    assert page.inner_text("#hazard-state") == "整改中"

    # 3. the daily run (cron, not a user): the deadline is two days away → a 提醒单 to 应急管理局
    call_command("send_reminders")
    reminder = Order.objects.get(kind=OrderKind.REMINDER)
    to_dashboard(page)
    open_from_todo(page, "orders", reminder.number)
    text = word_text(page)
    assert "安全生产工作提醒单" in text and reminder.number in text and "应急管理局" in text and "通道堆放纸箱" in text

    # 4. back to the hazard from the dashboard: 整改完成 with a photo
    to_dashboard(page)
    open_from_todo(page, "hazards", hazard.code)
    act(page, "submit", {"#id_submit-text": "纸箱已清走"}, photo=after1)
    assert page.inner_text("#hazard-state") == "待复核"

    # 5. 区安办: 退回 with a reason, then 挂牌督办 → 督办单
    page = as_user(page, login, office)
    open_from_todo(page, "hazards", hazard.code)
    act(page, "reject", {"#id_reject-reason": "通道标线未划，照片看不到通道全貌"})
    assert page.inner_text("#hazard-state") == "整改中"
    assert "通道标线未划" in page.inner_text("#reject-reason")
    act(page, "supervise", {"#id_supervise-reason": "退回后挂牌督办"})
    supervision = Order.objects.get(kind=OrderKind.SUPERVISION)
    click(page, page.locator(".hazard-orders a", has_text=supervision.number))
    text = word_text(page)
    assert "安全生产隐患督办单" in text and supervision.number in text and "通道堆放纸箱" in text

    # 6. 应急管理局 sees the reason, rectifies again with a new photo
    page = as_user(page, login, dept)
    open_from_todo(page, "hazards", hazard.code)
    assert "通道标线未划" in page.inner_text("#reject-reason")
    act(page, "submit", {"#id_submit-text": "纸箱清走，通道标线已划"}, photo=after2)
    assert page.inner_text("#hazard-state") == "待复核"

    # 7. 区安办: 复核 with its own photo, 销号
    page = as_user(page, login, office)
    open_from_todo(page, "hazards", hazard.code)
    assert page.locator("#reject-reason").count() == 0
    assert page.locator("#id_verify-photos").get_attribute("accept") == "image/*"
    act(page, "verify", {"#id_verify-reason": "现场复核，通道畅通"}, photo=at_verify)
    assert page.inner_text("#hazard-state") == "已销号"
    assert page.locator("#no-actions").count() == 1 and page.locator("#reject-reason").count() == 0

    # the three stages side by side as thumbnails; the verifier's photo opens full size
    thumbs = [page.locator(f"#photos-{side} img").first for side in ("before", "after", "verified")]
    for img in thumbs:
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        assert page.evaluate("img => img.naturalWidth", img.element_handle()) <= 320
    boxes = [t.bounding_box() for t in thumbs]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"] and abs(boxes[2]["y"] - boxes[0]["y"]) < 60
    assert "复核时" in page.inner_text("#photos-verified")
    with page.expect_popup() as popup:
        thumbs[2].click()
    full = popup.value
    full.wait_for_load_state()
    assert full.evaluate("document.images[0].naturalWidth") == 1024
    full.close()

    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    verified = HazardPhoto.objects.get(hazard=hazard, stage=HazardPhoto.Stage.VERIFIED)
    assert verified.uploaded_by == office
    actions = [h.last_action for h in Hazard.history.filter(id=hazard.pk).order_by("history_id")]
    assert actions[-7:] == ["assign", "plan", "submit", "reject", "supervise", "submit", "verify"]
