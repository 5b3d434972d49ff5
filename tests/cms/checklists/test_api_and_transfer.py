"""Checklists built, versioned, exported and imported through the API (issue 15, finding 10:
``POST /api/v1/checklists/`` answered 405, so a phone or a city office could not distribute a
standard checklist). Every write goes through the builder's services: the same rules, history."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.checklists.models import ChecklistItem, ChecklistTemplate
from cms.checklists.transfer import FORMAT, FORMAT_VERSION
from cms.roles import Role

from .factories import build_template

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "format": FORMAT, "format_version": FORMAT_VERSION,
    "template": {"name": "燃气经营企业检查表", "description": "市安办下发", "sectors": ["燃气"]},
    "sections": ["现场安全", "台账资料"],
    "items": [
        {"section": "现场安全", "text": "钢瓶是否存放在专用仓库", "answer_type": "pass_fail", "hazard_level": "major",
         "legal_basis": "《城镇燃气管理条例》第二十八条"},
        {"section": "台账资料", "text": "气瓶充装单位", "answer_type": "choice", "choices": ["有资质单位", "无资质单位"]},
        {"section": None, "text": "其他说明", "answer_type": "text", "required": False},
    ],
}


def test_office_creates_fills_publishes_and_versions_a_checklist(users, api_for, ref):
    api = api_for(users[Role.OFFICE_EDITOR])
    created = api.post("/api/v1/checklists/", {"name": "燃气经营企业检查表", "sectors": [ref["sectors"]["燃气"].pk], "reason": "市里统一"},
                       format="json")
    assert created.status_code == 201, created.json()
    tid = created.json()["id"]
    assert created.json()["versions"] == [{"id": created.json()["versions"][0]["id"], "number": 1, "is_published": False,
                                          "published_at": None, "note": "初始版本"}]

    draft = api.put(f"/api/v1/checklists/{tid}/draft/", DOCUMENT, format="json")
    assert draft.status_code == 200, draft.json()
    assert [(i["section_title"], i["text"]) for i in draft.json()["items"]] == [
        ("", "其他说明"), ("现场安全", "钢瓶是否存放在专用仓库"), ("台账资料", "气瓶充装单位")] or \
        sorted(i["text"] for i in draft.json()["items"]) == sorted(i["text"] for i in DOCUMENT["items"])
    published = api.post(f"/api/v1/checklists/{tid}/publish/", {"note": "首版"}, format="json")
    assert published.status_code == 200 and published.json()["is_published"] and published.json()["number"] == 1

    # a new version: a draft copied from version 1, changed, published; version 1 stays as it was
    second = api.post(f"/api/v1/checklists/{tid}/draft/", format="json")
    assert second.status_code == 200 and second.json()["number"] == 2 and len(second.json()["items"]) == 3
    changed = {**DOCUMENT, "items": DOCUMENT["items"] + [{"section": "现场安全", "text": "是否配备可燃气体报警器"}]}
    assert api.put(f"/api/v1/checklists/{tid}/draft/", changed, format="json").status_code == 200
    assert api.post(f"/api/v1/checklists/{tid}/publish/", {"note": "增加报警器"}, format="json").status_code == 200
    template = ChecklistTemplate.objects.get(pk=tid)
    assert template.current_version.number == 2 and template.current_version.items.count() == 4
    assert template.versions.get(number=1).items.count() == 3
    assert template.history.first().history_change_reason == "市里统一"


def test_the_builders_rules_apply_and_nothing_is_half_written(users, api_for, ref):
    api = api_for(users[Role.OFFICE_ADMIN])
    tid = api.post("/api/v1/checklists/", {"name": "规则测试检查表", "sectors": [ref["sectors"]["燃气"].pk]}, format="json").json()["id"]
    bad = {**DOCUMENT, "items": [DOCUMENT["items"][0], {"text": "只有一个选项", "answer_type": "choice", "choices": ["是"]},
                                 {"text": "重复选项", "answer_type": "choice", "choices": ["是", "是"]}]}
    response = api.put(f"/api/v1/checklists/{tid}/draft/", bad, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "检查表文件有误，未导入任何内容"
    assert body["errors"] == {"第2项.选项": ["单选题至少需要两个选项"], "第3项.选项": ["单选题的选项不能重复"]}
    assert ChecklistItem.objects.filter(version__template_id=tid).count() == 0
    # publishing an empty draft is refused the builder's way
    response = api.post(f"/api/v1/checklists/{tid}/publish/", {}, format="json")
    assert response.status_code == 409 and response.json()["detail"] == "该版本还没有检查项，不能发布"
    # no sectors, or a duplicate name: the service's Chinese messages
    response = api.post("/api/v1/checklists/", {"name": "规则测试检查表", "sectors": [ref["sectors"]["燃气"].pk]}, format="json")
    assert response.status_code == 400 and "检查表名称" in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR, Role.AUDITOR])
def test_only_the_office_writes_checklists(users, api_for, ref, role):
    api = api_for(users[role])
    template = build_template(users[Role.OFFICE_EDITOR], [ref["sectors"]["危化品"]])
    assert api.post("/api/v1/checklists/", {"name": "越权", "sectors": [ref["sectors"]["燃气"].pk]}, format="json").status_code == 403
    assert api.post(f"/api/v1/checklists/{template.pk}/draft/", format="json").status_code == 403
    assert api.post("/api/v1/checklists/import/", DOCUMENT, format="json").status_code == 403
    assert api.get(f"/api/v1/checklists/{template.pk}/export/").status_code == 200  # reading is for everyone
    assert ChecklistTemplate.objects.count() == 1


def test_export_then_import_as_a_file_gives_the_same_checklist_as_a_new_draft(users, api_for, ref):
    editor = users[Role.OFFICE_EDITOR]
    source = build_template(editor, [ref["sectors"]["危化品"], ref["sectors"]["工贸"]])
    api = api_for(editor)
    exported = api.get(f"/api/v1/checklists/{source.pk}/export/")
    assert exported.status_code == 200 and exported["Content-Type"] == "application/json"
    assert "attachment" in exported["Content-Disposition"] and ".json" in exported["Content-Disposition"]
    document = json.loads(exported.content)
    assert (document["format"], document["format_version"], document["version"]["number"]) == (FORMAT, 1, 1)
    assert document["template"]["sectors"] == ["危化品", "工贸"] or set(document["template"]["sectors"]) == {"危化品", "工贸"}
    assert document["sections"] == ["现场安全", "台账资料"]

    upload = SimpleUploadedFile("检查表.json", exported.content, content_type="application/json")
    imported = api.post("/api/v1/checklists/import/", {"file": upload, "name": "危化品企业检查表（市级标准）"}, format="multipart")
    assert imported.status_code == 201, imported.json()
    copy = ChecklistTemplate.objects.get(pk=imported.json()["id"])
    assert copy.name == "危化品企业检查表（市级标准）" and copy.current_version is None
    draft = copy.draft_version
    assert draft.number == 1 and not draft.is_published
    assert set(copy.sectors.values_list("name", flat=True)) == {"危化品", "工贸"}

    def content(version):
        return [(i.section.title if i.section else None, i.text, i.answer_type, i.choices, i.required, i.legal_basis, i.hazard_level)
                for i in version.items.select_related("section").order_by("section__sort_order", "sort_order")]

    assert content(draft) == content(source.current_version)
    assert copy.history.first().history_change_reason == "导入检查表文件“危化品企业检查表”"
    # the same file again without a new name: the name is taken
    again = api.post("/api/v1/checklists/import/", {"file": SimpleUploadedFile("a.json", exported.content)}, format="multipart")
    assert again.status_code == 400 and again.json()["detail"] == "已有同名检查表“危化品企业检查表”，请填写新的名称后再导入"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "文件是空的"),
    (b"\xff\xfe\x00garbage", "文件不是 UTF-8 编码的 JSON（请上传本系统导出的检查表文件）"),
    (b"{not json", "文件不是有效的 JSON（请上传本系统导出的检查表文件）"),
    (b"[" * 5000 + b"]" * 5000, None),
    (json.dumps({**DOCUMENT, "format": "excel"}).encode(), "应为“licheng-checklist”（本系统导出的检查表文件）"),
    (json.dumps({**DOCUMENT, "format_version": 9}).encode(), "本系统只能导入第 1 版格式"),
    (json.dumps({**DOCUMENT, "template": {**DOCUMENT["template"], "sectors": ["核电"]}}).encode(), "本系统没有行业领域“核电”"),
    (json.dumps({**DOCUMENT, "items": [{"section": "不存在", "text": "x"}]}).encode(), "分组“不存在”不在 sections 中"),
    (json.dumps({**DOCUMENT, "items": [{"text": "坏\x07字"}]}).encode(), "含有不可见的控制字符"),
])
def test_bad_files_are_refused_in_chinese_and_write_nothing(users, api_for, content, message):
    api = api_for(users[Role.OFFICE_EDITOR])
    response = api.post("/api/v1/checklists/import/", {"file": SimpleUploadedFile("x.json", content)}, format="multipart")
    assert response.status_code == 400
    if message:
        assert message in json.dumps(response.json(), ensure_ascii=False)
    assert not ChecklistTemplate.objects.exists()


def test_the_admin_exports_and_imports_with_messages(client, users, ref):
    editor = users[Role.OFFICE_EDITOR]
    source = build_template(editor, [ref["sectors"]["危化品"]])
    client.force_login(editor)
    builder = client.get(f"/admin/checklists/builder/{source.pk}/").content.decode()
    assert f'href="/admin/checklists/export/{source.pk}/"' in builder and "导出为文件" in builder
    exported = client.get(f"/admin/checklists/export/{source.pk}/")
    assert exported.status_code == 200 and json.loads(exported.content)["items"]
    response = client.post("/admin/checklists/import/", {"file": SimpleUploadedFile("a.json", io.BytesIO(b"{}").read())})
    assert response.status_code == 400 and "应为“licheng-checklist”" in response.content.decode()
    response = client.post("/admin/checklists/import/", {"file": SimpleUploadedFile("a.json", exported.content), "name": "导入副本"})
    copy = ChecklistTemplate.objects.get(name="导入副本")
    assert response.status_code == 302 and response["Location"] == f"/admin/checklists/builder/{copy.pk}/"
    client.force_login(users[Role.DEPARTMENT])
    response = client.get("/admin/checklists/import/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
