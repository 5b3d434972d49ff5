"""Filling an inspection in the admin, in a real browser: failed item → hazard, photo kept, flags shown."""

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
    page.goto(f"{page.base_url}/admin/inspections/fill/")
    page.select_option("#choose-form select[name=group]", label=group.name)
    page.select_option("#choose-form select[name=target]", label=f"{target.name}（拱辰街道）")
    page.select_option("#choose-form select[name=version]", label=str(version))
    page.get_by_role("button", name="开始填写").click()
    page.wait_for_selector("#inspection-form")

    items = {i.text: i for i in version.items.all()}
    form = page.locator("#inspection-form")
    form.locator(f"input[name=item-{items['危化品仓库是否分区分类存放'].pk}][value=pass]").check()
    form.locator(f"input[name=item-{items['消防通道是否畅通'].pk}][value=fail]").check()
    form.locator(f"input[name=remark-{items['消防通道是否畅通'].pk}]").fill("通道堆放纸箱")
    form.locator(f"input[name=photo-{items['消防通道是否畅通'].pk}]").set_input_files(
        files=[{"name": "通道.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    form.locator(f"input[name=item-{items['从业人员数'].pk}]").fill("35")
    form.locator(f"select[name=item-{items['安全管理制度情况'].pk}]").select_option("不健全")
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
