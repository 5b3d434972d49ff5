"""Checklist services: build a draft version, publish it, copy and retire templates.

A published version never changes: every edit goes to the template's draft version, which
``checklist_draft`` creates on demand as a copy of the current version. Only the office
writes checklists (``can_write``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cms.errors import InvalidInput, NotAllowed, StateConflict
from cms.inputs import checked_reason
from cms.records import validation_fields
from cms.scope import can_write

from .models import ChecklistItem, ChecklistSection, ChecklistTemplate, ChecklistVersion


def _check_writer(actor, what: str = "检查表") -> None:
    if actor is not None and not can_write(actor, ChecklistTemplate):
        raise NotAllowed(f"您无权修改{what}")


def _stamp(obj, actor, reason: str) -> None:
    obj._change_reason = checked_reason(reason)
    if actor is not None:
        obj._history_user = actor


def _locked_draft(version: ChecklistVersion) -> ChecklistVersion:
    version = ChecklistVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise StateConflict("该版本已发布，不能修改；请先“编辑内容”生成新的草稿版本")
    return version


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput(fields=validation_fields(exc)) from exc


def checklist_template_create(*, actor, reason: str, name: str, sectors: Iterable, description: str = "", sort_order: int = 0) -> ChecklistTemplate:
    """A new template with an empty draft version 1."""
    _check_writer(actor)
    sectors = list(sectors)
    if not sectors:
        raise InvalidInput(fields={"sectors": "至少选择一个适用行业领域"})
    template = ChecklistTemplate(name=(name or "").strip(), description=description or "", sort_order=sort_order)
    _clean_template(template)
    with transaction.atomic():
        _stamp(template, actor, reason or "新建检查表")
        template.save()
        template.sectors.set(sectors)
        version = ChecklistVersion(template=template, number=1, note="初始版本")
        _stamp(version, actor, reason or "新建检查表")
        version.save()
    return template


def _clean_template(template: ChecklistTemplate) -> None:
    try:
        template.full_clean(exclude=["sectors"])
    except ValidationError as exc:
        raise InvalidInput(fields=validation_fields(exc)) from exc


def checklist_draft(*, actor, reason: str, template: ChecklistTemplate) -> ChecklistVersion:
    """The template's draft version; if there is none, a new one copied from the current version."""
    _check_writer(actor)
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        if template.is_retired:
            raise StateConflict("检查表已停用，请先恢复启用再编辑")
        draft = template.draft_version
        if draft is not None:
            return draft
        source = template.current_version
        number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = ChecklistVersion(template=template, number=number, note="")
        _stamp(draft, actor, reason or f"编辑检查表，生成第{number}版草稿")
        draft.save()
        if source is not None:
            _copy_content(source, draft)
    return draft


def _copy_content(source: ChecklistVersion, target: ChecklistVersion) -> None:
    section_map: dict[int, ChecklistSection] = {}
    for section in source.sections.all():
        section_map[section.pk] = ChecklistSection.objects.create(version=target, title=section.title, sort_order=section.sort_order)
    ChecklistItem.objects.bulk_create([
        ChecklistItem(
            version=target, section=section_map.get(item.section_id), text=item.text, finding=item.finding, guidance=item.guidance,
            answer_type=item.answer_type, choices=list(item.choices or []), required=item.required,
            legal_basis=item.legal_basis, hazard_level=item.hazard_level, sort_order=item.sort_order,
        )
        for item in source.items.all()
    ])


def checklist_template_update(*, actor, reason: str, template: ChecklistTemplate, name: str, sectors: Iterable,
                              description: str = "", sort_order: int | None = None) -> ChecklistTemplate:
    """Name, sectors and description belong to the template, not to a version."""
    _check_writer(actor)
    sectors = list(sectors)
    if not sectors:
        raise InvalidInput(fields={"sectors": "至少选择一个适用行业领域"})
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        template.name = (name or "").strip()
        template.description = description or ""
        if sort_order is not None:
            template.sort_order = sort_order
        _clean_template(template)
        _stamp(template, actor, reason or "修改检查表信息")
        template.save()
        template.sectors.set(sectors)
    return template


def checklist_section_save(*, actor, reason: str, version: ChecklistVersion, title: str, section: ChecklistSection | None = None) -> ChecklistSection:
    _check_writer(actor)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(fields={"title": "请填写分组标题"})
    with transaction.atomic():
        version = _locked_draft(version)
        if section is None:
            order = (version.sections.aggregate(n=Max("sort_order"))["n"] or 0) + 1
            section = ChecklistSection(version=version, title=title, sort_order=order)
        else:
            if section.version_id != version.pk:
                raise InvalidInput(fields={"section": "分组不属于该版本"})
            section.title = title
        _clean(section)
        section.save()
    return section


def checklist_section_delete(*, actor, reason: str, section: ChecklistSection) -> None:
    _check_writer(actor)
    with transaction.atomic():
        _locked_draft(section.version)
        if section.items.exists():
            raise InvalidInput("该分组下还有检查项，请先删除或移走检查项")
        section.delete()


ITEM_FIELDS = ("text", "finding", "guidance", "answer_type", "choices", "required", "legal_basis", "hazard_level", "section")


def checklist_item_save(*, actor, reason: str, version: ChecklistVersion, item: ChecklistItem | None = None, **fields) -> ChecklistItem:
    """Add an item to the draft version, or change one of its items."""
    _check_writer(actor)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidInput(f"未知字段：{'、'.join(sorted(unknown))}")
    if "choices" in fields:
        fields["choices"] = [str(c).strip() for c in (fields["choices"] or []) if str(c).strip()]
    if "text" in fields:
        fields["text"] = (fields["text"] or "").strip()
    if "finding" in fields:
        fields["finding"] = (fields["finding"] or "").strip()
    with transaction.atomic():
        version = _locked_draft(version)
        if item is None:
            order = (version.items.aggregate(n=Max("sort_order"))["n"] or 0) + 1
            item = ChecklistItem(version=version, sort_order=order)
        elif item.version_id != version.pk:
            raise InvalidInput(fields={"item": "检查项不属于该版本"})
        for key, value in fields.items():
            setattr(item, key, value)
        if item.answer_type != ChecklistItem.AnswerType.CHOICE:
            item.choices = []
        _clean(item)
        item.save()
    return item


def checklist_item_delete(*, actor, reason: str, item: ChecklistItem) -> None:
    _check_writer(actor)
    with transaction.atomic():
        _locked_draft(item.version)
        item.delete()


def checklist_move(*, actor, reason: str, obj: ChecklistItem | ChecklistSection, direction: int) -> None:
    """Move a section or an item one place up (-1) or down (+1) within its version/section."""
    _check_writer(actor)
    if direction not in (-1, 1):
        raise InvalidInput(fields={"direction": "只能上移或下移"})
    with transaction.atomic():
        _locked_draft(obj.version)
        if isinstance(obj, ChecklistSection):
            siblings = list(ChecklistSection.objects.filter(version=obj.version_id).order_by("sort_order", "id"))
        else:
            siblings = list(ChecklistItem.objects.filter(version=obj.version_id, section=obj.section_id).order_by("sort_order", "id"))
        index = next(i for i, s in enumerate(siblings) if s.pk == obj.pk)
        other = index + direction
        if other < 0 or other >= len(siblings):
            return
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for order, sibling in enumerate(siblings, start=1):
            if sibling.sort_order != order:
                sibling.sort_order = order
                sibling.save(update_fields=["sort_order"])


def checklist_publish(*, actor, reason: str, version: ChecklistVersion, note: str = "") -> ChecklistVersion:
    """发布: the draft becomes the template's current version and never changes again."""
    _check_writer(actor)
    with transaction.atomic():
        version = _locked_draft(version)
        if version.template.is_retired:
            raise StateConflict("检查表已停用，不能发布")
        items = list(version.items.all())
        if not items:
            raise StateConflict("该版本还没有检查项，不能发布")
        problems = {}
        for item in items:
            try:
                item.full_clean()
            except ValidationError as exc:
                problems[f"检查项“{item.text[:20]}”"] = [m for ms in validation_fields(exc).values() for m in ms]
        if problems:
            raise InvalidInput("部分检查项设置有误，请修改后再发布", fields=problems)
        version.is_published = True
        version.published_at = timezone.now()
        if note:
            version.note = note[:200]
        _stamp(version, actor, reason or f"发布第{version.number}版")
        version.save()
    return version


def checklist_copy(*, actor, reason: str, template: ChecklistTemplate, name: str) -> ChecklistTemplate:
    """复制: a new template whose draft version 1 is a copy of the current (or draft) content."""
    _check_writer(actor)
    with transaction.atomic():
        source = template.current_version or template.draft_version
        copy = ChecklistTemplate(name=(name or "").strip(), description=template.description,
                                 sort_order=template.sort_order, copied_from=template)
        _clean_template(copy)
        _stamp(copy, actor, reason or f"复制自“{template.name}”")
        try:
            copy.save()
        except IntegrityError as exc:
            raise InvalidInput(fields={"name": "已有同名检查表"}) from exc
        copy.sectors.set(template.sectors.all())
        version = ChecklistVersion(template=copy, number=1, note=f"复制自“{template.name}”")
        _stamp(version, actor, reason or "复制检查表")
        version.save()
        if source is not None:
            _copy_content(source, version)
    return copy


def checklist_retire(*, actor, reason: str, template: ChecklistTemplate, retired: bool = True) -> ChecklistTemplate:
    """停用 (or 恢复启用): a retired template is not offered for new inspections; old ones keep it."""
    _check_writer(actor)
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        if template.is_retired == retired:
            return template
        template.is_retired = retired
        _stamp(template, actor, reason or ("停用检查表" if retired else "恢复启用检查表"))
        template.save()
    return template


def version_layout(version: ChecklistVersion) -> list[dict]:
    """Sections with their items in order (items without a section come first), for forms and views."""
    sections = list(version.sections.all())
    items = list(version.items.all())
    layout = []
    loose = [i for i in items if i.section_id is None]
    if loose:
        layout.append({"section": None, "title": "", "items": loose})
    for section in sections:
        layout.append({"section": section, "title": section.title, "items": [i for i in items if i.section_id == section.pk]})
    return layout
