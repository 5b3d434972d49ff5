"""The verifier compares before and after: from the dashboard's 待我处理 to the hazard page by clicks,
the inspection's photo and the rectification photo side by side as thumbnails, each opening full size."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from cms.records import save_record
from cms.roles import Role
from cms.uploads import PhotoUpload
from tests.cms.checklists.factories import build_template
from tests.workflows.hazards.factories import GENERAL_PLAN
from workflows.hazards import services
from workflows.hazards.models import Hazard, HazardState
from workflows.inspections.models import InspectionGroup
from workflows.inspections.services import inspection_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def image(color, size=(800, 600), fmt="JPEG", taken=None) -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    Image.new("RGB", size, color).save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def test_verifier_compares_inspection_and_rectification_photos_then_closes(users, ref, make_target, login):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    version = build_template(users[Role.OFFICE_EDITOR], [ref["sectors"]["危化品"]]).current_version
    group = save_record(instance=InspectionGroup(name="应急管理局行业督导检查组", kind="industry", lead_department=ref["departments"]["应急管理局"]),
                        actor=None, reason="测试", m2m={"sectors": [ref["sectors"]["危化品"]], "members": [users[Role.INSPECTOR]]})
    target = make_target("荔城化工仓储有限公司", sectors=("危化品",))
    answers = []
    for item in version.items.order_by("sort_order"):
        value = {"pass_fail": "不合格" if item.text == "消防通道是否畅通" else "合格", "number": "35", "choice": "健全", "text": "无", "photo": ""}[item.answer_type]
        answer = {"item": item.pk, "value": value, "remark": "通道堆放纸箱" if item.text == "消防通道是否畅通" else ""}
        if item.text == "消防通道是否畅通":
            answer["photos"] = [PhotoUpload(name="通道.jpg", content=image((200, 30, 30), taken="2026:11:20 09:30:00"))]
        answers.append(answer)
    inspection_submit(actor=users[Role.INSPECTOR], reason="测试", group=group, target=target, inspected_on=timezone.localdate(),
                      method="planned", inspectors=[users[Role.INSPECTOR]], checklist_version=version, answers=answers,
                      extra_hazards=[], photos=[], started_at=timezone.now() - datetime.timedelta(minutes=20))
    hazard = Hazard.objects.get()
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    services.hazard_assign(hazard=hazard, actor=office, reason="交办", responsible_kind="department",
                           responsible_department=ref["departments"]["应急管理局"], responsible_person="王科长", deadline=deadline)
    services.hazard_plan(hazard=hazard, actor=dept, reason="方案", deadline=deadline, **GENERAL_PLAN)
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.hazard_submit(hazard=hazard, actor=dept, reason="整改完成", text="纸箱已清走",
                           photos=[SimpleUploadedFile("after.png", image((30, 160, 60), fmt="PNG"), content_type="image/png")])

    page = login(office.username)
    # 待我处理 → the hazard
    page.locator("#awaiting-panel").get_by_role("link", name=hazard.code).click()
    page.wait_for_url(f"**/hazards/hazard/inspect/{hazard.pk}/")
    before = page.locator("#photos-before img").first
    after = page.locator("#photos-after img").first
    for img in (before, after):
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        assert page.evaluate("img => img.naturalWidth", img.element_handle()) <= 320  # thumbnails, not the 800 px originals
    b, a = before.bounding_box(), after.bounding_box()
    assert a["x"] > b["x"] + b["width"] and abs(a["y"] - b["y"]) < 60  # side by side
    assert "拍摄时间 2026-11-20 09:30" in page.inner_text("#photos-before")
    assert "拍摄时间未知" in page.inner_text("#photos-after")
    with page.expect_popup() as popup:
        before.click()
    full = popup.value
    full.wait_for_load_state()
    assert full.evaluate("document.images[0].naturalWidth") == 800  # the original, through the checking view
    full.close()
    # the inspection it came from, one click away
    assert page.locator("#hazard-inspection-link").get_attribute("href").endswith(f"/inspections/{hazard.inspection_id}/sheet/")

    page.fill("#id_verify-reason", "现场复核合格，通道畅通")
    with page.expect_navigation():
        page.click("button[data-loop-action=verify]")
    assert page.inner_text("#hazard-state") == "已销号"
    assert [s.get_attribute("data-action") for s in page.locator(".hazard-step").all()][-1] == "verify"
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED


def test_a_jurisdiction_user_cannot_open_a_photo_outside_its_area(users, make_target, login, ref):
    from django.core.files.base import ContentFile

    from tests.workflows.hazards.factories import register
    from workflows.hazards.models import HazardPhoto

    office = users[Role.OFFICE_ADMIN]
    outside = register(office, make_target("黄石气站", jurisdiction="黄石镇", sectors=("燃气",)), sector="燃气")
    photo = HazardPhoto(hazard=outside, stage="found", uploaded_by=office)
    photo.image.save("found.jpg", ContentFile(image((1, 2, 3))), save=False)
    photo._change_reason = "测试"
    photo.save()
    page = login(users[Role.JURISDICTION].username)
    response = page.goto(f"{page.base_url}{photo.image.url}")
    assert response.status == 404
    page.context.clear_cookies()
    response = page.goto(f"{page.base_url}{photo.image.url}")
    assert "/admin/login/" in page.url  # anonymous: to the login page, no bytes
