"""Filling an inspection in the admin, in a real browser, reached by clicks from the dashboard: a refused
submission keeps every answer and note as typed, shows the error in Chinese beside its item and says that the
chosen photos must be chosen again; then failed item → hazard, photo kept, flags shown."""

import io

import pytest
from PIL import Image

from cms.records import save_record
from cms.roles import Role
from tests.cms.checklists.factories import build_template
from workflows.hazards.models import Hazard
from workflows.inspections.models import Inspection, InspectionGroup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 09:30:00"
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_inspector_fills_an_inspection_and_a_failed_item_becomes_a_hazard(users, ref, make_target, login):
    template = build_template(users[Role.OFFICE_EDITOR], [ref["sectors"]["危化品"]])
    version = template.current_version
    group = save_record(instance=InspectionGroup(name="应急管理局行业督导检查组", kind="industry", lead_department=ref["departments"]["应急管理局"]),
                        actor=None, reason="测试", m2m={"sectors": [ref["sectors"]["危化品"]], "members": [users[Role.INSPECTOR]]})
    target = make_target("荔城化工仓储有限公司", sectors=("危化品",))

    page = login(users[Role.INSPECTOR].username)
    page.locator("#wagtail-sidebar").get_by_role("button", name="督导检查", exact=True).click()
    with page.expect_navigation():
        page.locator("#wagtail-sidebar").get_by_role("link", name="督导检查", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="录入督导检查").first.click()
    page.select_option("#choose-form select[name=group]", label=group.name)
    page.select_option("#choose-form select[name=target]", label=f"{target.name}（拱辰街道）")
    page.select_option("#choose-form select[name=version]", label=str(version))
    with page.expect_navigation():
        page.get_by_role("button", name="开始填写").click()
    page.wait_for_selector("#inspection-form")

    items = {i.text: i for i in version.items.all()}
    ids = {text: item.pk for text, item in items.items()}
    form = page.locator("#inspection-form")
    form.locator(f"input[name=item-{ids['危化品仓库是否分区分类存放']}][value=pass]").check()
    form.locator(f"input[name=item-{ids['消防通道是否畅通']}][value=fail]").check()
    form.locator(f"input[name=remark-{ids['消防通道是否畅通']}]").fill("通道堆放纸箱")
    form.locator(f"input[name=photo-{ids['消防通道是否畅通']}]").set_input_files(
        files=[{"name": "通道.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    # 从业人员数 (required) left empty: the submission is refused
    form.locator(f"select[name=item-{ids['安全管理制度情况']}]").select_option("不健全")
    form.locator(f"textarea[name=item-{ids['其他说明']}]").fill("企业负责人陪同检查")
    form.locator("textarea[name=summary]").fill("现场检查仓库和消防通道")
    with page.expect_navigation():
        form.get_by_role("button", name="提交督导检查").click()

    assert Inspection.objects.count() == 0
    form = page.locator("#inspection-form")
    assert "必填检查项“从业人员数”未填写" in form.locator(f"li[data-item='{ids['从业人员数']}'] .item-error").inner_text()
    assert "未保存，请修改" in form.locator("[role=alert]").first.inner_text()
    assert form.locator(f"input[name=item-{ids['危化品仓库是否分区分类存放']}][value=pass]").is_checked()
    assert form.locator(f"input[name=item-{ids['消防通道是否畅通']}][value=fail]").is_checked()
    assert form.locator(f"input[name=remark-{ids['消防通道是否畅通']}]").input_value() == "通道堆放纸箱"
    assert form.locator(f"select[name=item-{ids['安全管理制度情况']}]").input_value() == "不健全"
    assert form.locator(f"textarea[name=item-{ids['其他说明']}]").input_value() == "企业负责人陪同检查"
    assert form.locator("textarea[name=summary]").input_value() == "现场检查仓库和消防通道"
    # the photo cannot be kept by the browser: said beside that item's photo field, and only there
    photo_notes = form.locator(".photo-not-kept")
    assert photo_notes.count() == 1
    assert "刚才选择的 1 张照片未保存" in form.locator(f"li[data-item='{ids['消防通道是否畅通']}'] .photo-not-kept").inner_text()
    assert form.locator(f"input[name=photo-{ids['消防通道是否畅通']}]").evaluate("input => input.files.length") == 0

    form.locator(f"input[name=item-{ids['从业人员数']}]").fill("35")
    form.locator(f"input[name=photo-{ids['消防通道是否畅通']}]").set_input_files(
        files=[{"name": "通道.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    form.get_by_role("button", name="提交督导检查").click()
    page.wait_for_url("**/sheet/")

    body = page.inner_text("body")
    assert "登记隐患 1 条" in body
    assert "通道堆放纸箱" in body and "填写过快" in body  # submitted within seconds of opening the form
    inspection = Inspection.objects.get()
    hazard = Hazard.objects.get()
    assert hazard.inspection == inspection and hazard.state == "reported" and hazard.legal_basis == "《消防法》第二十八条"
    assert hazard.photos.get().taken_at is not None
    assert inspection.flag_too_fast and not inspection.flag_no_evidence

    page.fill("textarea[name=problems]", "1. 消防通道堆放纸箱")
    page.fill("input[name=recipient]", "王厂长")
    page.get_by_role("button", name="保存反馈意见").click()
    page.wait_for_selector("text=打印反馈意见")
    inspection.refresh_from_db()
    assert inspection.feedback.recipient == "王厂长"
