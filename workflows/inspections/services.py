"""Inspection services: groups from the notice, a whole visit in one transaction, feedback.

``inspection_submit`` validates everything against the checklist version first and writes
nothing on any error; then, in one transaction, it writes the inspection, its answers and
photos, and registers a hazard (``workflows.hazards.services.hazard_register``) for every
不合格 answer and every extra hazard the inspectors add.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cms.checklists.models import ChecklistItem, ChecklistVersion
from cms.directory.models import Department, Expert, Jurisdiction, Sector, SpecialAssignment, Target
from cms.errors import InvalidInput, NotAllowed, NotFound, StateConflict
from cms.inputs import checked_reason
from cms.records import delete_record, save_record
from cms.scope import can_write, scope_for, scoped
from cms.uploads import CheckedPhoto, PhotoUpload, check_photos
from workflows.hazards.models import Hazard, HazardLevel, HazardPhoto
from workflows.hazards.services import hazard_register
from workflows.hazards.services_orders import ORDER_LAYOUT, unit_full_name
from workflows.periods import found_at_for

from .models import (
    Inspection,
    InspectionAnswer,
    InspectionFeedback,
    InspectionGroup,
    InspectionMethod,
    InspectionPhoto,
    InspectionPlan,
)

VERDICT_WORDS = {
    "pass": InspectionAnswer.Verdict.PASS, "合格": InspectionAnswer.Verdict.PASS,
    "fail": InspectionAnswer.Verdict.FAIL, "不合格": InspectionAnswer.Verdict.FAIL,
    "na": InspectionAnswer.Verdict.NOT_APPLICABLE, "不适用": InspectionAnswer.Verdict.NOT_APPLICABLE,
}


def min_seconds_per_item() -> float:
    """Below this many seconds per answered item a submission counts as 蜻蜓点水 (五（二）)."""
    return float(getattr(settings, "INSPECTION_MIN_SECONDS_PER_ITEM", 5))


# ---------------------------------------------------------------- groups


def special_group_name(department: Department) -> str:
    return f"{department.name}专项督导检查组"


def sync_special_groups(*, actor=None, reason: str = "按专项督导属地分工同步专项督导检查组") -> dict[str, int]:
    """One 专项 group per lead department of the active SpecialAssignment rows, its
    jurisdictions exactly those assignments. Idempotent; never hard-codes a number of groups."""
    counts = {"新建": 0, "更新": 0, "未变": 0}
    wanted: dict[int, set[int]] = {}
    for department_id, jurisdiction_id in SpecialAssignment.objects.filter(is_active=True).values_list("department_id", "jurisdiction_id"):
        wanted.setdefault(department_id, set()).add(jurisdiction_id)
    with transaction.atomic():
        for department in Department.objects.filter(pk__in=wanted).order_by("sort_order", "id"):
            group = InspectionGroup.objects.filter(kind=InspectionGroup.Kind.SPECIAL, lead_department=department).first()
            if group is None:
                group = save_record(instance=InspectionGroup(name=special_group_name(department), kind=InspectionGroup.Kind.SPECIAL,
                                                             lead_department=department), actor=actor, reason=reason,
                                    m2m={"jurisdictions": sorted(wanted[department.pk])})
                counts["新建"] += 1
            elif set(group.jurisdictions.values_list("id", flat=True)) != wanted[department.pk] or not group.is_active:
                group.is_active = True
                save_record(instance=group, actor=actor, reason=reason, m2m={"jurisdictions": sorted(wanted[department.pk])})
                counts["更新"] += 1
            else:
                counts["未变"] += 1
    return counts


def ensure_standing_groups(*, actor=None, reason: str = "建立综合、行业督导检查组") -> dict[str, int]:
    """The 综合 group led by 区安办 and one 行业 group per department that leads sectors. Idempotent."""
    counts = {"综合": 0, "行业": 0}
    with transaction.atomic():
        office = Department.objects.filter(kind=Department.Kind.OFFICE).order_by("sort_order", "id").first()
        if office and not InspectionGroup.objects.filter(kind=InspectionGroup.Kind.COMPREHENSIVE, lead_department=office).exists():
            save_record(instance=InspectionGroup(name="区安办综合督导检查组", kind=InspectionGroup.Kind.COMPREHENSIVE, lead_department=office,
                                                 note="两个每月：每月会商研判1-2个行业领域，每月对1-2个重点行业领域开展1次督导检查"),
                        actor=actor, reason=reason)
            counts["综合"] += 1
        for department in Department.objects.filter(kind=Department.Kind.DEPARTMENT, led_sectors__isnull=False).distinct().order_by("sort_order", "id"):
            if InspectionGroup.objects.filter(kind=InspectionGroup.Kind.INDUSTRY, lead_department=department).exists():
                continue
            save_record(instance=InspectionGroup(name=f"{department.name}行业督导检查组", kind=InspectionGroup.Kind.INDUSTRY, lead_department=department),
                        actor=actor, reason=reason, m2m={"sectors": list(department.led_sectors.all())})
            counts["行业"] += 1
    return counts


def _lock_row(model, instance):
    """The row locked for update (``None`` for a new record); a vanished row is a 404."""
    if instance is None or instance.pk is None:
        return None
    locked = model.objects.select_for_update().filter(pk=instance.pk).first()
    if locked is None:
        raise NotFound()
    return locked


@dataclass(frozen=True)
class GroupInput:
    name: str
    kind: str
    lead_department: Department
    jurisdictions: Sequence[Jurisdiction] = ()
    sectors: Sequence[Sector] = ()
    member_departments: Sequence[Department] = ()
    members: Sequence = ()
    experts: Sequence[Expert] = ()
    leader_name: str = ""
    note: str = ""
    is_active: bool = True


GROUP_M2M = ("jurisdictions", "sectors", "member_departments", "members", "experts")


def group_save(*, actor, reason: str, data: GroupInput, group: InspectionGroup | None = None) -> InspectionGroup:
    """Create or correct a 督导检查组 (admin form and API alike)."""
    if actor is not None and not can_write(actor, group if group is not None else InspectionGroup):
        raise NotAllowed("只有区安办可以设置督导检查组")
    if data.kind == InspectionGroup.Kind.SPECIAL and not data.jurisdictions:
        raise InvalidInput(fields={"jurisdictions": "专项督导检查组至少要有一个督导属地"})
    with transaction.atomic():
        row = _lock_row(InspectionGroup, group) or InspectionGroup()
        for name in ("name", "kind", "lead_department", "leader_name", "note", "is_active"):
            setattr(row, name, getattr(data, name))
        row.name = (row.name or "").strip()
        row.leader_name = (row.leader_name or "").strip()
        row.note = (row.note or "").strip()
        return save_record(instance=row, actor=actor, reason=reason or ("新增督导检查组" if row.pk is None else "修改督导检查组"),
                           m2m={name: list(getattr(data, name) or ()) for name in GROUP_M2M})


def group_delete(*, actor, reason: str, group: InspectionGroup) -> None:
    """A group with plans or inspections is kept (deactivate it instead)."""
    if actor is not None and not can_write(actor, group):
        raise NotAllowed("只有区安办可以删除督导检查组")
    with transaction.atomic():
        delete_record(instance=_lock_row(InspectionGroup, group), actor=actor, reason=reason or "删除督导检查组")


@dataclass(frozen=True)
class PlanInput:
    month: datetime.date
    group: InspectionGroup
    title: str
    status: str = InspectionPlan.Status.DRAFT
    sectors: Sequence[Sector] = ()
    jurisdictions: Sequence[Jurisdiction] = ()
    targets: Sequence[Target] = ()
    content: str = ""
    key_points: str = ""
    templates: Sequence = ()
    method: str = InspectionMethod.PLANNED
    experts: Sequence[Expert] = ()
    training_date: datetime.date | None = None
    training_topic: str = ""
    training_trainer: str = ""
    training_attendees: str = ""
    major_event: str = ""


PLAN_M2M = ("sectors", "jurisdictions", "targets", "templates", "experts")
PLAN_FIELDS = ("month", "group", "title", "status", "content", "key_points", "method", "training_date", "training_topic",
               "training_trainer", "training_attendees", "major_event")


def plan_save(*, actor, reason: str, data: PlanInput, plan: InspectionPlan | None = None) -> InspectionPlan:
    """Create or correct a 督导检查计划: the office for any group, a department for the groups in its scope."""
    if actor is not None and not can_write(actor, plan if plan is not None else InspectionPlan):
        raise NotAllowed("您无权制定该督导检查计划")
    if data.group is None:
        raise InvalidInput(fields={"group": "请选择检查组"})
    if actor is not None and not scoped(InspectionGroup.objects.filter(pk=data.group.pk), actor).exists():
        raise InvalidInput(fields={"group": "检查组不在您的数据范围内"})
    with transaction.atomic():
        row = _lock_row(InspectionPlan, plan) or InspectionPlan()
        for name in PLAN_FIELDS:
            value = getattr(data, name)
            setattr(row, name, value.strip() if isinstance(value, str) else value)
        return save_record(instance=row, actor=actor, reason=reason or ("新增督导检查计划" if row.pk is None else "修改督导检查计划"),
                           m2m={name: list(getattr(data, name) or ()) for name in PLAN_M2M})


def plan_delete(*, actor, reason: str, plan: InspectionPlan) -> None:
    """A plan that inspections were recorded under is kept."""
    if actor is not None and not can_write(actor, plan):
        raise NotAllowed("您无权删除该督导检查计划")
    with transaction.atomic():
        locked = _lock_row(InspectionPlan, plan)
        if locked.inspections.exists():
            raise StateConflict("该计划下已录入督导检查，不能删除")
        delete_record(instance=locked, actor=actor, reason=reason or "删除督导检查计划")


# ---------------------------------------------------------------- inspections


@dataclass
class SubmitResult:
    inspection: Inspection
    hazards: list[Hazard]


def _target_in_group_remit(group: InspectionGroup, target: Target) -> bool:
    if group.kind == InspectionGroup.Kind.SPECIAL:
        return group.jurisdictions.filter(pk=target.jurisdiction_id).exists()
    if group.kind == InspectionGroup.Kind.INDUSTRY:
        return target.sectors.filter(pk__in=group.remit_sector_ids()).exists()
    return True


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _photos(uploads, key: str, errors: dict) -> list[CheckedPhoto]:
    checked, problems = check_photos(uploads)
    if problems:
        errors.setdefault(key, []).extend(problems)
    return checked


def _answer_value(item: ChecklistItem, value, photos: list, key: str, errors: dict) -> dict | None:
    """Parse one answer's value by the item's type; ``{}`` when left empty, None on error."""
    empty = value is None or (isinstance(value, str) and not value.strip())
    T = ChecklistItem.AnswerType
    if item.answer_type == T.PHOTO:
        if not photos and item.required:
            errors.setdefault(key, []).append(f"检查项“{item.text[:30]}”需要上传照片")
            return None
        return {"text": "" if empty else str(value).strip()[:5000]}
    if empty:
        if item.required:
            errors.setdefault(key, []).append(f"必填检查项“{item.text[:30]}”未填写")
            return None
        return {}
    if item.answer_type == T.PASS_FAIL:
        verdict = VERDICT_WORDS.get(str(value).strip()) if isinstance(value, str) else None
        if verdict is None:
            errors.setdefault(key, []).append(f"检查项“{item.text[:30]}”只能填写合格、不合格或不适用")
            return None
        return {"verdict": verdict}
    if item.answer_type == T.NUMBER:
        if isinstance(value, bool):
            errors.setdefault(key, []).append(f"检查项“{item.text[:30]}”应填写数字")
            return None
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            errors.setdefault(key, []).append(f"检查项“{item.text[:30]}”应填写数字")
            return None
        if not number.is_finite() or abs(number) >= Decimal("1e14"):
            errors.setdefault(key, []).append(f"检查项“{item.text[:30]}”的数值超出范围")
            return None
        return {"number": number.quantize(Decimal("0.0001"))}
    if item.answer_type == T.CHOICE:
        if not isinstance(value, str) or value.strip() not in item.choices:
            errors.setdefault(key, []).append(f"检查项“{item.text[:30]}”只能选择：{'、'.join(item.choices)}")
            return None
        return {"text": value.strip()}
    if not isinstance(value, (str, int, float)):
        errors.setdefault(key, []).append(f"检查项“{item.text[:30]}”应填写文字")
        return None
    text = str(value).replace("\x00", "").strip()
    if len(text) > 5000:
        errors.setdefault(key, []).append(f"检查项“{item.text[:30]}”的文字不能超过5000字")
        return None
    return {"text": text}


def _hazard_sector(target: Target, version: ChecklistVersion | None, sector_id=None) -> Sector:
    target_sectors = list(target.sectors.all())
    if sector_id:
        for sector in target_sectors:
            if sector.pk == sector_id:
                return sector
    if version is not None:
        template_sector_ids = set(version.template.sectors.values_list("id", flat=True))
        for sector in target_sectors:
            if sector.pk in template_sector_ids:
                return sector
    return target_sectors[0]


@dataclass(frozen=True)
class ParsedAnswer:
    """One valid answer: the item, its parsed value (``verdict``/``number``/``text``), the remark, photos."""

    item: ChecklistItem
    value: dict
    remark: str
    photos: list[CheckedPhoto]

    @property
    def failed(self) -> bool:
        return self.value.get("verdict") == InspectionAnswer.Verdict.FAIL


@dataclass(frozen=True)
class ExtraHazard:
    """A hazard the inspectors add beyond the checklist."""

    description: str
    level: str
    sector: Sector | None
    legal_basis: str
    photos: list[CheckedPhoto]


@dataclass(frozen=True)
class Submission:
    """Everything ``inspection_submit`` will write, validated: built by ``validate_submission``
    (which writes nothing) and written by ``write_submission``."""

    group: InspectionGroup
    plan: InspectionPlan | None
    target: Target
    day: datetime.date
    method: str
    inspectors: list
    version: ChecklistVersion | None
    answers: list[ParsedAnswer]
    extras: list[ExtraHazard]
    photos: list[CheckedPhoto]
    summary: str
    started_at: datetime.datetime
    now: datetime.datetime

    @property
    def photo_count(self) -> int:
        return len(self.photos) + sum(len(a.photos) for a in self.answers) + sum(len(e.photos) for e in self.extras)

    @property
    def fill_seconds(self) -> int:
        return max(0, int((self.now - self.started_at).total_seconds()))

    @property
    def too_fast(self) -> bool:
        """五（二）蜻蜓点水式: fewer seconds per answered item than the configured minimum."""
        answered = sum(1 for a in self.answers if a.value)
        return answered > 0 and self.fill_seconds < min_seconds_per_item() * answered


class _Errors(dict):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)


def _validate_visit(*, actor, group, target, inspected_on, method, inspectors, started_at, plan, now, errors: _Errors):
    group_id = group.pk if isinstance(group, InspectionGroup) else group
    group = scoped(InspectionGroup.objects.filter(is_active=True), actor).filter(pk=group_id).first() if group_id else None
    if group is None:
        errors.add("group", "检查组不存在、已停用或不在您的数据范围内")
    target_id = target.pk if isinstance(target, Target) else target
    try:
        target = scoped(Target.objects.filter(pk=int(target_id), is_active=True), actor).prefetch_related("sectors").first() if target_id else None
    except (TypeError, ValueError):
        target = None
    if target is None:
        errors.add("target", "检查对象不存在、已不在管或不在您的数据范围内")
    elif group is not None and not _target_in_group_remit(group, target):
        errors.add("target", "检查对象不在该检查组的督导范围内（属地或行业领域不符）")
    day = _as_date(inspected_on)
    if day is None:
        errors.add("inspected_on", "请填写有效的检查日期（YYYY-MM-DD）")
    elif day > timezone.localdate(now):
        errors.add("inspected_on", "检查日期不能晚于今天")
    elif day < timezone.localdate(now) - datetime.timedelta(days=366):
        errors.add("inspected_on", "检查日期不能早于一年前")
    if method not in InspectionMethod.values:
        errors.add("method", f"检查方式只能是：{'、'.join(InspectionMethod.labels)}")
    User = get_user_model()
    inspector_ids = []
    for value in inspectors or []:
        try:
            inspector_ids.append(value.pk if isinstance(value, User) else int(value))
        except (TypeError, ValueError):
            errors.add("inspectors", "检查人员有误")
    inspector_ids = list(dict.fromkeys(inspector_ids)) or [actor.pk]
    inspector_users = list(User.objects.filter(pk__in=inspector_ids, is_active=True))
    if len(inspector_users) != len(inspector_ids):
        errors.add("inspectors", "部分检查人员不存在或已停用")
    if started_at is None:
        errors.add("started_at", "请提供开始填写时间")
    elif not isinstance(started_at, datetime.datetime):
        errors.add("started_at", "开始填写时间格式有误")
    else:
        if timezone.is_naive(started_at):
            started_at = timezone.make_aware(started_at)
        if started_at > now + datetime.timedelta(minutes=1):
            errors.add("started_at", "开始填写时间不能晚于提交时间")
    if plan is not None and group is not None and plan.group_id != group.pk:
        errors.add("plan", "所选计划不属于该检查组")
    if plan is not None and day is not None and (plan.month.year, plan.month.month) != (day.year, day.month):
        errors.add("plan", f"所选计划是{plan.month.year}年{plan.month.month}月的，检查日期在{day.year}年{day.month}月：请选检查当月的计划")
    return group, target, day, inspector_users, started_at


def _validate_version(checklist_version, answers, errors: _Errors) -> tuple[ChecklistVersion | None, dict[int, ChecklistItem]]:
    if checklist_version is None:
        if answers:
            errors.add("checklist_version", "填写检查项时必须指定检查表版本")
        return None, {}
    version_id = checklist_version.pk if isinstance(checklist_version, ChecklistVersion) else checklist_version
    try:
        version = ChecklistVersion.objects.select_related("template").filter(pk=int(version_id)).first()
    except (TypeError, ValueError):
        version = None
    if version is None:
        errors.add("checklist_version", "检查表版本不存在")
    elif not version.is_published:
        errors.add("checklist_version", "该检查表版本尚未发布，不能用于检查")
    elif version.template.is_retired:
        errors.add("checklist_version", "该检查表已停用")
    else:
        return version, {i.pk: i for i in version.items.all()}
    return None, {}


def _validate_answers(answers: list, version: ChecklistVersion | None, items: dict[int, ChecklistItem],
                      errors: _Errors) -> list[ParsedAnswer]:
    parsed: list[ParsedAnswer] = []
    seen: set[int] = set()
    for index, answer in enumerate(answers):
        if not isinstance(answer, dict):
            errors.add(f"answers[{index}]", "答案格式有误")
            continue
        try:
            item_id = int(answer.get("item"))
        except (TypeError, ValueError):
            errors.add(f"answers[{index}].item", "检查项编号有误")
            continue
        if version is None:
            continue
        item = items.get(item_id)
        if item is None:
            errors.add(f"answers[{index}].item", f"检查项 {item_id} 不属于所用检查表版本（{version}）")
            continue
        key = f"answers.{item_id}"
        if item_id in seen:
            errors.add(key, f"检查项“{item.text[:30]}”重复作答")
            continue
        seen.add(item_id)
        item_photos = _photos(answer.get("photos"), key, errors)
        value = _answer_value(item, answer.get("value"), item_photos if answer.get("photos") else [], key, errors)
        remark = str(answer.get("remark") or "").replace("\x00", "").strip()
        if len(remark) > 5000:
            errors.add(key, "情况说明不能超过5000字")
        if value is not None:
            parsed.append(ParsedAnswer(item=item, value=value, remark=remark, photos=item_photos))
    for item in items.values():
        if item.required and item.pk not in seen:
            errors.add(f"answers.{item.pk}", f"必填检查项“{item.text[:30]}”未填写")
    return parsed


def _validate_extras(extra_hazards: list, target: Target | None, errors: _Errors) -> list[ExtraHazard]:
    extras: list[ExtraHazard] = []
    for index, extra in enumerate(extra_hazards or []):
        key = f"extra_hazards[{index}]"
        if not isinstance(extra, dict):
            errors.add(key, "补充隐患格式有误")
            continue
        description = str(extra.get("description") or "").replace("\x00", "").strip()
        if not description:
            errors.add(f"{key}.description", "请填写隐患问题")
        elif len(description) > 5000:
            errors.add(f"{key}.description", "隐患问题不能超过5000字")
        level = extra.get("level") or HazardLevel.GENERAL
        level = {"一般隐患": HazardLevel.GENERAL, "重大隐患": HazardLevel.MAJOR}.get(level, level)
        if level not in HazardLevel.values:
            errors.add(f"{key}.level", "隐患等级只能是一般隐患或重大隐患")
        sector = None
        if extra.get("sector") not in (None, ""):
            sector_id = extra["sector"].pk if isinstance(extra["sector"], Sector) else extra["sector"]
            if target is not None:
                sector = next((s for s in target.sectors.all() if str(s.pk) == str(sector_id)), None)
                if sector is None:
                    errors.add(f"{key}.sector", "行业领域不属于该检查对象")
        extras.append(ExtraHazard(description=description, level=level, sector=sector,
                                  legal_basis=str(extra.get("legal_basis") or "")[:2000],
                                  photos=_photos(extra.get("photos"), f"{key}.photos", errors)))
    return extras


def validate_submission(
    *, actor, group, target, inspected_on, method: str, inspectors: list, checklist_version, answers, extra_hazards=None,
    photos=None, started_at, plan=None, summary: str = "", now: datetime.datetime,
) -> Submission:
    """Check a whole visit against the checklist version; writes nothing. Raises ``InvalidInput``
    with a message per field on any error."""
    errors = _Errors()
    group, target, day, inspector_users, started_at = _validate_visit(
        actor=actor, group=group, target=target, inspected_on=inspected_on, method=method, inspectors=inspectors,
        started_at=started_at, plan=plan, now=now, errors=errors)
    version, items = _validate_version(checklist_version, answers, errors)
    if not isinstance(answers, list):
        errors.add("answers", "答案格式有误")
        answers = []
    parsed = _validate_answers(answers, version, items, errors)
    extras = _validate_extras(extra_hazards, target, errors)
    general_photos = _photos(photos, "photos", errors)
    summary = (summary or "").replace("\x00", "").strip()
    if len(summary) > 5000:
        errors.add("summary", "检查情况不能超过5000字")
    if not answers and not extras and not summary:
        errors.add("answers", "请至少填写检查项、补充隐患或检查情况之一")
    if errors:
        raise InvalidInput("督导检查未保存：请按提示修改后重新提交", fields=dict(errors))
    return Submission(group=group, plan=plan, target=target, day=day, method=method, inspectors=inspector_users, version=version,
                      answers=parsed, extras=extras, photos=general_photos, summary=summary, started_at=started_at, now=now)


def write_submission(*, actor, reason: str, submission: Submission) -> SubmitResult:
    """Write a validated visit in one transaction: the inspection, its answers and photos, and a
    hazard (登记) for each 不合格 answer and each extra hazard."""
    s = submission
    with transaction.atomic():
        inspection = Inspection(
            group=s.group, plan=s.plan, target=s.target, inspected_on=s.day, method=s.method, checklist_version=s.version,
            summary=s.summary, started_at=s.started_at, submitted_at=s.now, fill_seconds=s.fill_seconds,
            flag_no_evidence=s.photo_count == 0, flag_too_fast=s.too_fast, created_by=actor,
        )
        inspection._change_reason = checked_reason(reason, default="录入督导检查")
        inspection._history_user = actor
        inspection.save()
        inspection.inspectors.set(s.inspectors)
        answer_rows = InspectionAnswer.objects.bulk_create([
            InspectionAnswer(inspection=inspection, item=a.item, remark=a.remark, **a.value) for a in s.answers
        ])
        hazards: list[Hazard] = []
        for photo in s.photos:
            _store_photo(inspection, None, photo, actor, s.now)
        for answer, row in zip(s.answers, answer_rows, strict=True):
            stored = [_store_photo(inspection, row, p, actor, s.now) for p in answer.photos]
            if answer.failed:
                item = answer.item
                description = item.finding_text + (f"：{answer.remark}" if answer.remark else "")
                hazard = hazard_register(
                    actor=actor, reason=f"督导检查发现（{s.target.name}，{s.day}）", description=description, target=s.target,
                    sector=_hazard_sector(s.target, s.version), level=item.hazard_level, source=Hazard.Source.INSPECTION,
                    inspection=inspection, checklist_item=item, legal_basis=item.legal_basis, found_at=found_at_for(s.day, entered=s.now),
                )
                _carry_photos(hazard, stored, actor)
                hazards.append(hazard)
        for extra in s.extras:
            stored = [_store_photo(inspection, None, p, actor, s.now) for p in extra.photos]
            hazard = hazard_register(
                actor=actor, reason=f"督导检查补充隐患（{s.target.name}，{s.day}）", description=extra.description, target=s.target,
                sector=extra.sector or _hazard_sector(s.target, s.version), level=extra.level, source=Hazard.Source.MANUAL,
                inspection=inspection, legal_basis=extra.legal_basis, found_at=found_at_for(s.day, entered=s.now),
            )
            _carry_photos(hazard, stored, actor)
            hazards.append(hazard)
    return SubmitResult(inspection=inspection, hazards=hazards)


def inspection_submit(
    *,
    actor,
    reason: str,
    group: InspectionGroup | int,
    target: Target | int,
    inspected_on: datetime.date | str,
    method: str,
    inspectors: list,
    checklist_version: ChecklistVersion | int | None,
    answers: list[dict],
    extra_hazards: list[dict] | None = None,
    photos: list[PhotoUpload] | None = None,
    started_at: datetime.datetime | None,
    plan=None,
    summary: str = "",
) -> SubmitResult:
    """Record one visit with its answers; each 不合格 answer and each extra hazard is registered
    as a hazard in state 登记. All or nothing: a 400 with a message per field on any error.

    ``answers``: ``[{"item": id, "value": …, "remark": "", "photos": [PhotoUpload]}]``;
    ``extra_hazards``: ``[{"description", "level", "sector", "legal_basis", "photos"}]``.
    """
    if actor is None or not can_write(actor, Inspection):
        raise NotAllowed("您无权录入督导检查")
    submission = validate_submission(
        actor=actor, group=group, target=target, inspected_on=inspected_on, method=method, inspectors=inspectors,
        checklist_version=checklist_version, answers=answers, extra_hazards=extra_hazards, photos=photos,
        started_at=started_at, plan=plan, summary=summary, now=timezone.now(),
    )
    return write_submission(actor=actor, reason=reason, submission=submission)


def _store_photo(inspection: Inspection, answer, photo: CheckedPhoto, actor, now) -> InspectionPhoto:
    row = InspectionPhoto(inspection=inspection, answer=answer, original_name=photo.name, taken_at=photo.taken_at,
                          latitude=photo.latitude, longitude=photo.longitude, uploaded_at=now, uploaded_by=actor)
    row.image.save(f"{uuid.uuid4().hex}.{photo.extension}", ContentFile(photo.content), save=False)
    row.save()
    return row


def _carry_photos(hazard: Hazard, photos: list[InspectionPhoto], actor) -> None:
    """The hazard shows the same files (no copy): capture time and place carried over."""
    for photo in photos:
        row = HazardPhoto(hazard=hazard, stage=HazardPhoto.Stage.FOUND, image=photo.image.name, taken_at=photo.taken_at,
                          latitude=photo.latitude, longitude=photo.longitude, uploaded_by=actor)
        row._history_user = actor
        row._change_reason = "督导检查照片"
        row.save()


# ---------------------------------------------------------------- feedback


def feedback_draft(inspection: Inspection) -> str:
    """Problems found, one per line, to start the 反馈意见 from."""
    lines = []
    for index, hazard in enumerate(inspection.hazards.order_by("id"), start=1):
        lines.append(f"{index}. {hazard.description}（{hazard.get_level_display()}）")
    return "\n".join(lines)


def feedback_snapshot(inspection: Inspection) -> dict:
    """The names a 反馈意见 letter is sent with, as they are now (``InspectionFeedback.snapshot``)."""
    group = inspection.group
    return {"taken_at": timezone.now().isoformat(), "issuer_full_name": unit_full_name(department=group.lead_department),
            "addressee": inspection.target.name, "group_name": group.name, "method": inspection.get_method_display(),
            "layout": ORDER_LAYOUT}


def feedback_record(
    *,
    actor,
    reason: str,
    inspection: Inspection,
    problems: str,
    suggestions: str = "",
    rectification_deadline: datetime.date | None = None,
    deadline_note: str = "",
    delivered_on: datetime.date | None = None,
    recipient: str = "",
) -> InspectionFeedback:
    """反馈意见: record (or correct) what the inspected unit was told."""
    if actor is None or not can_write(actor, InspectionFeedback):
        raise NotAllowed("您无权填写反馈意见")
    if not scope_for(actor).everything and not scoped(Inspection.objects.filter(pk=inspection.pk), actor).exists():
        raise NotAllowed("该督导检查不在您的数据范围内")
    problems = (problems or "").replace("\x00", "").strip()
    errors = {}
    if not problems:
        errors["problems"] = "请填写存在问题（未发现问题时写明“未发现问题”）"
    delivered_on = delivered_on or timezone.localdate()
    if delivered_on < inspection.inspected_on:
        errors["delivered_on"] = "反馈日期不能早于检查日期"
    if rectification_deadline and rectification_deadline < inspection.inspected_on:
        errors["rectification_deadline"] = "整改期限不能早于检查日期"
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
        feedback = InspectionFeedback.objects.filter(inspection=inspection).first() or InspectionFeedback(inspection=inspection, created_by=actor)
        feedback.problems = problems
        feedback.suggestions = (suggestions or "").strip()
        feedback.rectification_deadline = rectification_deadline
        feedback.deadline_note = (deadline_note or "").strip()[:500]
        feedback.delivered_on = delivered_on
        feedback.recipient = (recipient or "").strip()[:100]
        feedback.snapshot = feedback_snapshot(inspection)
        feedback._change_reason = checked_reason(reason, default="填写反馈意见")
        feedback._history_user = actor
        feedback.save()
    return feedback
