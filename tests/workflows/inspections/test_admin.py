"""The admin pages render for the office and save through the services (Django test client)."""

import pytest
from django.utils import timezone

from cms.roles import Role
from workflows.hazards.models import Hazard
from workflows.inspections.models import Inspection, InspectionFeedback
from workflows.inspections.services import ensure_standing_groups, sync_special_groups

from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_fill_an_inspection_in_the_admin_and_record_feedback(client, users, checklist, group, target):
    client.force_login(users[Role.INSPECTOR])
    version = checklist.current_version
    page = client.get(f"/admin/inspections/fill/?group={group.pk}&target={target.pk}&version={version.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "危化品仓库是否分区分类存放" in html and "不合格即重大隐患" in html
    items = {i.text: i for i in version.items.all()}
    started = (timezone.now() - timezone.timedelta(minutes=20)).isoformat()
    data = {"group": group.pk, "target": target.pk, "version": version.pk, "started_at": started, "inspected_on": str(timezone.localdate()),
            "method": "planned", "inspectors": [users[Role.INSPECTOR].pk], "extra_hazards": "重大：液氨储罐无泄漏报警", "summary": "检查仓库"}
    for item in items.values():
        data[f"item-{item.pk}"] = {"pass_fail": "pass", "number": "12", "choice": "健全", "text": "", "photo": ""}[item.answer_type]
    data[f"item-{items['消防通道是否畅通'].pk}"] = "fail"
    data[f"remark-{items['消防通道是否畅通'].pk}"] = "堆放杂物"
    # a missing required answer first: 400, nothing written
    bad = dict(data)
    bad.pop(f"item-{items['从业人员数'].pk}")
    response = client.post("/admin/inspections/fill/", bad)
    assert response.status_code == 400 and "必填检查项" in response.content.decode()
    assert Inspection.objects.count() == 0 and Hazard.objects.count() == 0
    from django.core.files.uploadedfile import SimpleUploadedFile

    data["photos"] = SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post("/admin/inspections/fill/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    inspection = Inspection.objects.get()
    assert {h.description for h in inspection.hazards.all()} == {"消防通道不畅通：堆放杂物", "液氨储罐无泄漏报警"}
    assert inspection.hazards.get(description="液氨储罐无泄漏报警").level == "major"
    sheet = client.get(response.url).content.decode()
    assert "堆放杂物" in sheet and "不合格" in sheet and "第1版" in sheet
    response = client.post(f"/admin/inspections/{inspection.pk}/feedback/", {
        "problems": "1. 消防通道堆放杂物", "suggestions": "立即清理", "delivered_on": str(timezone.localdate()), "recipient": "王厂长",
        "rectification_deadline": "", "deadline_note": ""})
    assert response.status_code == 302
    assert InspectionFeedback.objects.get().recipient == "王厂长"
    printed = client.get(f"/admin/inspections/{inspection.pk}/feedback/print/").content.decode()
    assert "安全生产督导检查反馈意见" in printed and "消防通道堆放杂物" in printed and target.name in printed


def test_builder_preview_listing_and_compliance_pages_render(client, users, checklist, group):
    client.force_login(users[Role.OFFICE_EDITOR])
    assert client.get("/admin/snippets/checklists/checklisttemplate/").status_code == 200
    builder = client.get(f"/admin/checklists/builder/{checklist.pk}/")
    assert builder.status_code == 200 and "现行第1版" in builder.content.decode()
    assert client.post(f"/admin/checklists/builder/{checklist.pk}/", {"action": "new_draft"}).status_code == 302
    page = client.get(f"/admin/checklists/builder/{checklist.pk}/").content.decode()
    assert "草稿第2版" in page
    preview = client.get(f"/admin/checklists/version/{checklist.current_version.pk}/preview/")
    assert preview.status_code == 200 and "disabled" in preview.content.decode()
    sync_special_groups()
    ensure_standing_groups()
    for url in ("/admin/snippets/inspections/inspection/", "/admin/snippets/inspections/inspectionplan/add/",
                "/admin/snippets/inspections/inspectiongroup/", "/admin/snippets/inspections/inspectionplan/",
                "/admin/snippets/inspections/inspectionfeedback/", "/admin/snippets/inspections/inspectiongroup/add/", "/admin/inspections/compliance/?month=2026-11", "/admin/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "综合督导检查重点建议" in client.get("/admin/snippets/inspections/inspectionplan/add/").content.decode()


def test_non_office_cannot_use_the_builder(client, users, checklist):
    client.force_login(users[Role.DEPARTMENT])
    assert client.post(f"/admin/checklists/builder/{checklist.pk}/", {"action": "new_draft"}).status_code == 302
    assert checklist.versions.count() == 1  # refused by the service (message), nothing created
    client.force_login(users[Role.JURISDICTION])
    refused = client.get("/admin/inspections/fill/")  # Wagtail turns PermissionDenied into a redirect home
    assert refused.status_code == 302 and refused.url == "/admin/"
