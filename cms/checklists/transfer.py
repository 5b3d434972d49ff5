"""A checklist as a file, so that one office can hand its checklists to another (and a phone or a
city office can distribute a standard one through the API).

The file is JSON (``.json``, UTF-8)::

    {"format": "licheng-checklist", "format_version": 1, "exported_at": "…",
     "template": {"name": "…", "description": "…", "sectors": ["危化品", …]},
     "version": {"number": 3, "note": "…", "published_at": "…"},
     "sections": ["一、安全管理", …],
     "items": [{"section": "一、安全管理" or null, "text": "…", "guidance": "…", "answer_type": "pass_fail",
                "choices": [], "required": true, "legal_basis": "…", "hazard_level": "general"}, …]}

Importing never trusts the file: it is read within a size limit, its structure is checked with
Chinese messages that name the place (“第3项：…”), sectors are matched by name, and the content is
written only through the builder's services (``checklist_template_create``,
``checklist_section_save``, ``checklist_item_save``), so the same rules apply as in the admin. The
result is a new template whose version 1 is a draft, to be reviewed and published; anything wrong
writes nothing. ``checklist_replace_draft`` puts the same content into an existing template's
draft version (versioning through the API).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from cms.directory.models import Sector
from cms.errors import InvalidInput

from . import services
from .models import ChecklistItem, ChecklistTemplate, ChecklistVersion

FORMAT = "licheng-checklist"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 1000
MAX_SECTIONS = 200
ITEM_KEYS = ("section", "text", "guidance", "answer_type", "choices", "required", "legal_basis", "hazard_level")
OPTIONAL_ITEM_KEYS = ("problem_statement",)  # written by newer versions; kept when the model has the field


def _item_fields() -> tuple[str, ...]:
    names = {f.name for f in ChecklistItem._meta.get_fields()}
    return tuple(k for k in ITEM_KEYS + OPTIONAL_ITEM_KEYS if k == "section" or k in names)


def checklist_export(*, template: ChecklistTemplate, version: ChecklistVersion | None = None) -> dict:
    """The template's current version (or ``version``, or the draft when nothing is published)."""
    version = version or template.current_version or template.draft_version
    sections = list(version.sections.all()) if version else []
    titles = {s.pk: s.title for s in sections}
    items = []
    for block in services.version_layout(version) if version else []:
        for item in block["items"]:
            row: dict[str, Any] = {"section": titles.get(item.section_id)}
            for key in _item_fields():
                if key != "section":
                    value = getattr(item, key)
                    row[key] = list(value or []) if key == "choices" else value
            items.append(row)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.localtime().isoformat(timespec="seconds"),
        "template": {"name": template.name, "description": template.description,
                     "sectors": [s.name for s in template.sectors.all()]},
        "version": {"number": version.number if version else None, "note": version.note if version else "",
                    "published_at": version.published_at.isoformat() if version and version.published_at else None},
        "sections": [s.title for s in sections],
        "items": items,
    }


def export_bytes(*, template: ChecklistTemplate) -> bytes:
    return json.dumps(checklist_export(template=template), ensure_ascii=False, indent=2).encode("utf-8")


def export_filename(template: ChecklistTemplate) -> str:
    return f"检查表-{template.name}.json"


def parse_file(content: bytes) -> dict:
    """Bytes of an uploaded file → the decoded document, or ``InvalidInput`` in Chinese."""
    if not content:
        raise InvalidInput("文件是空的", fields={"file": "文件是空的"})
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput(fields={"file": f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 上限"})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(fields={"file": "文件不是 UTF-8 编码的 JSON（请上传本系统导出的检查表文件）"}) from exc
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(fields={"file": "文件不是有效的 JSON（请上传本系统导出的检查表文件）"}) from exc
    return data


def _text(value, where: str, errors: dict, *, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.setdefault(where, []).append("应为文字")
        return ""
    value = value.strip()
    if required and not value:
        errors.setdefault(where, []).append("不能为空")
    if len(value) > limit:
        errors.setdefault(where, []).append(f"不能超过 {limit} 个字")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        errors.setdefault(where, []).append("含有不可见的控制字符")
    return value


def validate_document(data) -> dict:
    """Check the structure of a checklist document; return the cleaned content (sectors still as
    names). Business rules of each item are the services' (applied when it is written)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        raise InvalidInput("文件内容不是检查表", fields={"file": "应为本系统导出的检查表文件（JSON 对象）"})
    if data.get("format") != FORMAT:
        raise InvalidInput("文件不是检查表", fields={"format": f"应为“{FORMAT}”（本系统导出的检查表文件）"})
    if data.get("format_version") != FORMAT_VERSION:
        raise InvalidInput("不支持的文件版本", fields={"format_version": f"本系统只能导入第 {FORMAT_VERSION} 版格式"})
    template = data.get("template")
    if not isinstance(template, dict):
        raise InvalidInput(fields={"template": "缺少检查表信息（名称、适用行业领域）"})
    name = _text(template.get("name"), "template.name", errors, limit=100, required=True)
    description = _text(template.get("description"), "template.description", errors, limit=2000)
    sector_names = template.get("sectors")
    if not isinstance(sector_names, list) or not sector_names or not all(isinstance(s, str) for s in sector_names):
        errors.setdefault("template.sectors", []).append("应列出至少一个适用行业领域的名称")
        sector_names = []
    sections = data.get("sections", [])
    if not isinstance(sections, list) or len(sections) > MAX_SECTIONS:
        errors.setdefault("sections", []).append(f"应为分组标题的列表（最多 {MAX_SECTIONS} 个）")
        sections = []
    section_titles = [_text(t, f"sections[{i + 1}]", errors, limit=100, required=True) for i, t in enumerate(sections)]
    if len(set(section_titles)) != len(section_titles):
        errors.setdefault("sections", []).append("分组标题不能重复")
    items = data.get("items")
    if not isinstance(items, list) or not items:
        errors.setdefault("items", []).append("应至少有一个检查项")
        items = []
    if len(items) > MAX_ITEMS:
        errors.setdefault("items", []).append(f"检查项不能超过 {MAX_ITEMS} 个")
        items = []
    answer_types = set(ChecklistItem.AnswerType.values)
    levels = set(ChecklistItem.HazardLevel.values)
    cleaned_items = []
    for n, item in enumerate(items, start=1):
        where = f"第{n}项"
        if not isinstance(item, dict):
            errors.setdefault(where, []).append("应为一个检查项（JSON 对象）")
            continue
        unknown = set(item) - set(ITEM_KEYS) - set(OPTIONAL_ITEM_KEYS)
        if unknown:
            errors.setdefault(where, []).append(f"未知字段：{'、'.join(sorted(unknown))}")
        section = item.get("section")
        if section is not None and section not in section_titles:
            errors.setdefault(where, []).append(f"分组“{section}”不在 sections 中")
        row = {
            "section": section,
            "text": _text(item.get("text"), f"{where}.检查内容", errors, limit=500, required=True),
            "guidance": _text(item.get("guidance"), f"{where}.检查要点", errors, limit=500),
            "legal_basis": _text(item.get("legal_basis"), f"{where}.依据", errors, limit=2000),
        }
        answer_type = item.get("answer_type", ChecklistItem.AnswerType.PASS_FAIL)
        if answer_type not in answer_types:
            errors.setdefault(f"{where}.答案类型", []).append(f"应为 {'、'.join(sorted(answer_types))} 之一")
        row["answer_type"] = answer_type
        level = item.get("hazard_level", ChecklistItem.HazardLevel.GENERAL)
        if level not in levels:
            errors.setdefault(f"{where}.隐患等级", []).append("应为 general（一般隐患）或 major（重大隐患）")
        row["hazard_level"] = level
        required = item.get("required", True)
        if not isinstance(required, bool):
            errors.setdefault(f"{where}.必填", []).append("应为 true 或 false")
        row["required"] = bool(required)
        choices = item.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) and len(c) <= 200 for c in choices) or len(choices) > 50:
            errors.setdefault(f"{where}.选项", []).append("应为文字列表（最多 50 个，每个不超过 200 字）")
            choices = []
        row["choices"] = choices
        for key in OPTIONAL_ITEM_KEYS:
            if key in item and key in _item_fields():
                row[key] = _text(item.get(key), f"{where}.{key}", errors, limit=2000)
        cleaned_items.append(row)
    if errors:
        raise InvalidInput("检查表文件有误，未导入任何内容", fields=errors)
    return {"name": name, "description": description, "sectors": sector_names, "sections": section_titles, "items": cleaned_items}


def _sectors(names: list[str]) -> list[Sector]:
    found = {s.name: s for s in Sector.objects.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise InvalidInput("检查表文件有误，未导入任何内容",
                           fields={"template.sectors": [f"本系统没有行业领域“{n}”" for n in missing]})
    return [found[n] for n in dict.fromkeys(names)]


def _fill(*, actor, reason: str, version: ChecklistVersion, content: dict) -> None:
    """Write sections and items into a draft version through the builder's services; every item's
    error is collected (named by its position) before anything is kept."""
    sections = {title: services.checklist_section_save(actor=actor, reason=reason, version=version, title=title)
                for title in content["sections"]}
    errors: dict[str, list[str]] = {}
    for n, row in enumerate(content["items"], start=1):
        fields = {k: v for k, v in row.items() if k != "section"}
        try:
            services.checklist_item_save(actor=actor, reason=reason, version=version,
                                         section=sections.get(row["section"]), **fields)
        except InvalidInput as exc:
            for field, messages in (exc.fields or {"": [exc.message]}).items():
                label = ChecklistItem._meta.get_field(field).verbose_name if field in _item_fields() else field
                errors.setdefault(f"第{n}项" + (f".{label}" if label else ""), []).extend(messages)
    if errors:
        raise InvalidInput("检查表文件有误，未导入任何内容", fields=errors)


def checklist_import(*, actor, reason: str = "", data, name: str = "") -> ChecklistTemplate:
    """A new template (draft version 1) from a checklist document (a decoded dict, or file bytes).
    ``name`` overrides the file's name (e.g. when the office already has one of that name)."""
    services._check_writer(actor)
    document = parse_file(data) if isinstance(data, (bytes, bytearray)) else data
    content = validate_document(document)
    name = (name or "").strip() or content["name"]
    if ChecklistTemplate.objects.filter(name=name).exists():
        raise InvalidInput(f"已有同名检查表“{name}”，请填写新的名称后再导入", fields={"name": "已有同名检查表"})
    reason = reason or f"导入检查表文件“{content['name']}”"
    with transaction.atomic():
        template = services.checklist_template_create(actor=actor, reason=reason, name=name, sectors=_sectors(content["sectors"]),
                                                      description=content["description"])
        _fill(actor=actor, reason=reason, version=template.draft_version, content=content)
    return template


def checklist_replace_draft(*, actor, reason: str = "", template: ChecklistTemplate, data) -> ChecklistVersion:
    """Replace the content of the template's draft version (made by ``checklist_draft`` if there is
    none) with the document's sections and items; the template's name and sectors stay."""
    services._check_writer(actor)
    document = parse_file(data) if isinstance(data, (bytes, bytearray)) else data
    content = validate_document(document)
    reason = reason or "替换草稿版本内容"
    with transaction.atomic():
        draft = services.checklist_draft(actor=actor, reason=reason, template=template)
        for item in list(draft.items.all()):
            services.checklist_item_delete(actor=actor, reason=reason, item=item)
        for section in list(draft.sections.all()):
            services.checklist_section_delete(actor=actor, reason=reason, section=section)
        _fill(actor=actor, reason=reason, version=draft, content=content)
    return draft
