"""Hazard services: the only code that writes a hazard's state.

Each takes the acting user and a reason, locks the row, checks the transition table and
guards, and writes the row and its history in one transaction.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cms.directory.models import Department, Jurisdiction, Sector, Target
from cms.errors import InvalidInput, NotAllowed, StateConflict
from cms.inputs import checked_reason
from cms.roles import OFFICE_ROLES, Role, role_of
from cms.scope import can_write, in_scope, scope_for
from cms.uploads import CheckedPhoto, clean_photos
from workflows.periods import found_at_for

from .models import Hazard, HazardAction, HazardEvidence, HazardLevel, HazardPhoto, HazardPlan, HazardState
from .models_orders import Order, OrderKind
from .numbering import next_hazard_code
from .services_orders import close_reminders_of, order_issue

#: 登记: the office, a department (its inspections and its own findings), an inspector. A 属地 rectifies
#: and answers (README 角色与数据范围); a tip-off becomes a hazard through the office.
REGISTER_ROLES: frozenset[Role] = frozenset(OFFICE_ROLES | {Role.DEPARTMENT, Role.INSPECTOR})


def hazard_register(
    *,
    actor,
    reason: str,
    description: str,
    target: Target,
    sector: Sector,
    level: str = HazardLevel.GENERAL,
    is_prominent: bool = False,
    source: str = Hazard.Source.INSPECTION,
    inspection=None,
    checklist_item=None,
    legal_basis: str = "",
    found_at: datetime.datetime | None = None,
) -> Hazard:
    """登记: record a new hazard in state ``reported``."""
    if actor is not None:
        if role_of(actor) not in REGISTER_ROLES or not can_write(actor, Hazard):
            raise NotAllowed("您无权登记隐患")
        if not in_scope(actor, target) and inspection is None:
            raise NotAllowed("该监管对象不在您的数据范围内")
    if sector is None or not target.sectors.filter(pk=sector.pk).exists():
        raise InvalidInput(fields={"sector": "该监管对象不属于所选行业领域"})
    description = (description or "").replace("\x00", "").strip()
    if not description:
        raise InvalidInput(fields={"description": "请填写隐患问题"})
    if level not in HazardLevel.values:
        raise InvalidInput(fields={"level": "隐患等级只能是一般隐患或重大隐患"})
    if inspection is not None:
        # found on the day of the inspection, whenever it is typed in (that moment is created_at, 登记时间)
        found_at = found_at_for(inspection.inspected_on, entered=found_at or timezone.now())
    with transaction.atomic():
        hazard = Hazard(
            code=next_hazard_code(),
            description=description,
            level=level,
            is_prominent=is_prominent,
            state=HazardState.REPORTED,
            sector=sector,
            target=target,
            jurisdiction_id=target.jurisdiction_id,
            village_id=target.village_id,
            source=source,
            inspection=inspection,
            checklist_item=checklist_item,
            legal_basis=legal_basis or "",
            found_at=found_at or timezone.now(),
            found_by=actor,
        )
        hazard._change_reason = checked_reason(reason, default="登记隐患")
        if actor is not None:
            hazard._history_user = actor
        hazard.save()
    return hazard


# ---------------------------------------------------------------------------------------------
# The closed loop. The transition table: action -> (states it may start from, state it leads to).
# ``None`` as the target means the state does not change (挂牌督办 only marks the hazard).

TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    HazardAction.ASSIGN: (frozenset({HazardState.REPORTED}), HazardState.ASSIGNED),
    HazardAction.PLAN: (frozenset({HazardState.ASSIGNED, HazardState.RECTIFYING}), HazardState.RECTIFYING),
    HazardAction.SUBMIT: (frozenset({HazardState.RECTIFYING}), HazardState.SUBMITTED),
    HazardAction.FIX_ON_SPOT: (frozenset({HazardState.REPORTED}), HazardState.SUBMITTED),
    HazardAction.VERIFY: (frozenset({HazardState.SUBMITTED}), HazardState.CLOSED),
    HazardAction.REJECT: (frozenset({HazardState.SUBMITTED}), HazardState.RECTIFYING),
    HazardAction.SUPERVISE: (frozenset({HazardState.ASSIGNED, HazardState.RECTIFYING, HazardState.SUBMITTED}), None),
}

# Which roles may take each action at all; per hazard, ``_may_act`` narrows it further.
ACTION_ROLES: dict[str, frozenset[Role]] = {
    HazardAction.ASSIGN: frozenset(OFFICE_ROLES),
    HazardAction.PLAN: frozenset(OFFICE_ROLES | {Role.DEPARTMENT, Role.JURISDICTION}),
    HazardAction.SUBMIT: frozenset(OFFICE_ROLES | {Role.DEPARTMENT, Role.JURISDICTION}),
    HazardAction.FIX_ON_SPOT: frozenset(OFFICE_ROLES | {Role.INSPECTOR}),
    HazardAction.VERIFY: frozenset(OFFICE_ROLES | {Role.DEPARTMENT}),
    HazardAction.REJECT: frozenset(OFFICE_ROLES | {Role.DEPARTMENT}),
    HazardAction.SUPERVISE: frozenset(OFFICE_ROLES),
}

LOOP_ACTIONS = tuple(TRANSITIONS)


def is_responsible(actor, hazard: Hazard) -> bool:
    """Is ``actor`` a user of the hazard's responsible unit? When the target itself is
    responsible, its 属地 answers for it (the target has no users of its own)."""
    scope = scope_for(actor)
    kind = hazard.responsible_kind
    if scope.role == Role.DEPARTMENT:
        return kind == Hazard.ResponsibleKind.DEPARTMENT and hazard.responsible_department_id in scope.department_ids
    if scope.role == Role.JURISDICTION:
        if kind == Hazard.ResponsibleKind.JURISDICTION:
            return hazard.responsible_jurisdiction_id in scope.jurisdiction_ids
        return kind == Hazard.ResponsibleKind.TARGET and hazard.jurisdiction_id in scope.jurisdiction_ids
    return False


def leads_sector(actor, hazard: Hazard) -> bool:
    """管行业必须管安全: a department user whose department leads the hazard's sector."""
    scope = scope_for(actor)
    return scope.role == Role.DEPARTMENT and hazard.sector_id in scope.sector_ids


def only_office_closes(hazard: Hazard) -> bool:
    return hazard.is_supervised or hazard.level == HazardLevel.MAJOR


def _refusal(actor, hazard: Hazard, action: str) -> NotAllowed | None:
    """The per-hazard part of who may act (the role part is ``ACTION_ROLES``)."""
    role = role_of(actor)
    if role in OFFICE_ROLES:
        return None
    if action in (HazardAction.PLAN, HazardAction.SUBMIT):
        if not is_responsible(actor, hazard):
            return NotAllowed("只有责任单位可以制定整改方案、提交整改结果")
    elif action == HazardAction.FIX_ON_SPOT:
        if not in_scope(actor, hazard):
            return NotAllowed("该隐患不在您的数据范围内")
    elif action in (HazardAction.VERIFY, HazardAction.REJECT):
        if only_office_closes(hazard):
            return NotAllowed("挂牌督办或重大隐患只能由区安办复核销号")
        if not leads_sector(actor, hazard):
            return NotAllowed("只有区安办或该行业领域的主管单位可以复核")
    return None


def allowed_actions(actor, hazard: Hazard) -> list[str]:
    """The actions ``actor`` may take on ``hazard`` in its current state (admin buttons)."""
    role = role_of(actor)
    result = []
    for action, (sources, _) in TRANSITIONS.items():
        if role not in ACTION_ROLES[action] or hazard.state not in sources:
            continue
        if action == HazardAction.SUPERVISE and hazard.is_supervised:
            continue
        if action == HazardAction.FIX_ON_SPOT and hazard.level == HazardLevel.MAJOR:
            continue
        if _refusal(actor, hazard, action) is None:
            result.append(str(action))
    return result


def _lock(hazard: Hazard | int, actor, action: str, expected_version: int | None) -> Hazard:
    """Check role, lock the row, then check version, state and per-hazard permission.
    Must run inside ``transaction.atomic()``."""
    role = role_of(actor)
    label = HazardAction(action).label
    if role not in ACTION_ROLES[action]:
        raise NotAllowed(f"您的角色（{role.value if role else '未登录'}）不能执行“{label}”")
    pk = hazard.pk if isinstance(hazard, Hazard) else hazard
    locked = Hazard.objects.select_for_update().filter(pk=pk).first()
    if locked is None or (role not in OFFICE_ROLES and not in_scope(actor, locked)):
        raise NotAllowed("该隐患不存在或不在您的数据范围内")
    if expected_version is not None and int(expected_version) != locked.version:
        raise StateConflict(f"该隐患已被他人处理（当前版本 {locked.version}，您看到的是 {expected_version}），请刷新后重试")
    sources, _ = TRANSITIONS[action]
    if locked.state not in sources:
        raise StateConflict(f"隐患当前为“{locked.get_state_display()}”，不能{label}")
    refusal = _refusal(actor, locked, action)
    if refusal is not None:
        raise refusal
    return locked


def _save(hazard: Hazard, actor, action: str, reason: str) -> Hazard:
    _, target_state = TRANSITIONS.get(action, (None, None))
    if target_state is not None:
        hazard.state = target_state
    hazard.last_action = action
    hazard.version += 1
    hazard._change_reason = checked_reason(reason, default=HazardAction(action).label)
    if actor is not None:
        hazard._history_user = actor
    hazard.save()
    return hazard


def _clean(text) -> str:
    return (text or "").replace("\x00", "").strip()


def recipient_of(hazard: Hazard) -> dict:
    """The unit that receives 三单 about this hazard: its responsible department or 属地
    (for a target that answers for itself, the target's 属地)."""
    if hazard.responsible_kind == Hazard.ResponsibleKind.DEPARTMENT and hazard.responsible_department_id:
        return {"recipient_department": hazard.responsible_department}
    if hazard.responsible_kind == Hazard.ResponsibleKind.JURISDICTION and hazard.responsible_jurisdiction_id:
        return {"recipient_jurisdiction": hazard.responsible_jurisdiction}
    return {"recipient_jurisdiction": hazard.jurisdiction}


def hazard_assign(
    *,
    hazard: Hazard | int,
    actor,
    reason: str = "",
    responsible_kind: str,
    responsible_department: Department | None = None,
    responsible_jurisdiction: Jurisdiction | None = None,
    responsible_person: str,
    deadline: datetime.date | None,
    issue_order: bool = False,
    expected_version: int | None = None,
) -> Hazard:
    """交办: name the responsible unit, person and deadline; optionally issue a 工作交办单."""
    with transaction.atomic():
        locked = _lock(hazard, actor, HazardAction.ASSIGN, expected_version)
        errors: dict[str, str] = {}
        if responsible_kind not in Hazard.ResponsibleKind.values:
            errors["responsible_kind"] = "请选择责任主体类型：行业主管单位、属地或监管对象自身"
        elif responsible_kind == Hazard.ResponsibleKind.DEPARTMENT and responsible_department is None:
            errors["responsible_department"] = "请选择责任单位"
        elif responsible_kind == Hazard.ResponsibleKind.JURISDICTION and responsible_jurisdiction is None:
            errors["responsible_jurisdiction"] = "请选择责任属地"
        person = _clean(responsible_person)
        if not person:
            errors["responsible_person"] = "请填写责任人"
        if deadline is None:
            errors["deadline"] = "请填写整改时限"
        elif deadline < timezone.localdate():
            errors["deadline"] = "整改时限不能早于今天"
        if errors:
            raise InvalidInput(fields=errors)
        locked.responsible_kind = responsible_kind
        locked.responsible_department = responsible_department if responsible_kind == Hazard.ResponsibleKind.DEPARTMENT else None
        locked.responsible_jurisdiction = responsible_jurisdiction if responsible_kind == Hazard.ResponsibleKind.JURISDICTION else None
        locked.responsible_person = person
        locked.deadline = deadline
        locked.assigned_at = timezone.now()
        _save(locked, actor, HazardAction.ASSIGN, reason)
        if issue_order:
            order_issue(
                actor=actor, reason=reason or "交办隐患", kind=OrderKind.ASSIGNMENT, due_date=deadline,
                content=f"请于{deadline:%Y年%m月%d日}前完成隐患整改并回复：{locked.code} {locked.description[:200]}",
                hazards=[locked], **recipient_of(locked),
            )
    return locked


def hazard_plan(
    *,
    hazard: Hazard | int,
    actor,
    reason: str = "",
    measures: str,
    deadline: datetime.date | None,
    responsible_person: str,
    funds: str = "",
    interim_measures: str = "",
    goal_and_tasks: str = "",
    methods_and_measures: str = "",
    funds_and_materials: str = "",
    organization_and_people: str = "",
    timeline_and_requirements: str = "",
    safety_and_emergency: str = "",
    expected_version: int | None = None,
) -> HazardPlan:
    """整改方案: required before work on a hazard that cannot be fixed at once (五（三）);
    for a 重大隐患 all six parts of a 治理方案. Moves 已交办 → 整改中 (or revises the plan)."""
    with transaction.atomic():
        locked = _lock(hazard, actor, HazardAction.PLAN, expected_version)
        plan = HazardPlan(
            hazard=locked, measures=_clean(measures), deadline=deadline, responsible_person=_clean(responsible_person),
            funds=_clean(funds), interim_measures=_clean(interim_measures), goal_and_tasks=_clean(goal_and_tasks),
            methods_and_measures=_clean(methods_and_measures), funds_and_materials=_clean(funds_and_materials),
            organization_and_people=_clean(organization_and_people), timeline_and_requirements=_clean(timeline_and_requirements),
            safety_and_emergency=_clean(safety_and_emergency), created_by=actor,
        )
        errors: dict[str, str] = {}
        if not plan.measures:
            errors["measures"] = "请填写整改措施"
        if not plan.responsible_person:
            errors["responsible_person"] = "请填写整改责任人"
        if deadline is None:
            errors["deadline"] = "请填写整改时限"
        elif locked.deadline and deadline > locked.deadline and role_of(actor) not in OFFICE_ROLES:
            errors["deadline"] = f"整改时限不能晚于交办时限（{locked.deadline:%Y-%m-%d}）"
        if locked.level == HazardLevel.MAJOR:
            for name in HazardPlan.MAJOR_FIELDS:
                if not getattr(plan, name):
                    errors[name] = f"重大隐患治理方案须写明“{HazardPlan._meta.get_field(name).verbose_name}”"
        if errors:
            raise InvalidInput("整改方案不完整", fields=errors)
        plan._change_reason = checked_reason(reason, default="制定整改方案")
        if actor is not None:
            plan._history_user = actor
        plan.save()
        locked.rectification_measures = plan.measures
        if locked.deadline is None or role_of(actor) in OFFICE_ROLES:
            locked.deadline = deadline
        _save(locked, actor, HazardAction.PLAN, reason or "制定整改方案")
    return plan


def _photos(hazard: Hazard, evidence: HazardEvidence | None, actor, photos: list[CheckedPhoto], reason: str,
            stage: str = HazardPhoto.Stage.RECTIFIED) -> None:
    for checked in photos:
        photo = HazardPhoto(hazard=hazard, stage=stage, evidence=evidence, uploaded_by=actor,
                            taken_at=checked.taken_at, latitude=checked.latitude, longitude=checked.longitude)
        photo.image.save(checked.stored_name, ContentFile(checked.content), save=False)
        photo._change_reason = reason
        if actor is not None:
            photo._history_user = actor
        photo.save()


def _evidence(locked: Hazard, actor, kind: str, text: str, photos, reason: str) -> HazardEvidence:
    text = _clean(text)
    # The one upload rule (cms.uploads): count, size, type by content, re-encoded.
    photos = clean_photos(photos or ())
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "请填写整改情况"
    if locked.level == HazardLevel.MAJOR and not photos:
        errors["photos"] = "重大隐患须上传整改后照片"
    if errors:
        raise InvalidInput(fields=errors)
    evidence = HazardEvidence(hazard=locked, kind=kind, text=text, submitted_by=actor)
    evidence._change_reason = reason
    if actor is not None:
        evidence._history_user = actor
    evidence.save()
    _photos(locked, evidence, actor, photos, reason)
    return evidence


def hazard_submit(*, hazard: Hazard | int, actor, reason: str = "", text: str, photos=(), expected_version: int | None = None) -> HazardEvidence:
    """整改完成: evidence text and after-photos; 整改中 → 待复核."""
    with transaction.atomic():
        locked = _lock(hazard, actor, HazardAction.SUBMIT, expected_version)
        reason = reason or "提交整改结果"
        evidence = _evidence(locked, actor, HazardEvidence.Kind.SUBMIT, text, photos, reason)
        locked.submitted_at = timezone.now()
        _save(locked, actor, HazardAction.SUBMIT, reason)
    return evidence


def hazard_fix_on_spot(*, hazard: Hazard | int, actor, reason: str = "", text: str, photos=(), expected_version: int | None = None) -> HazardEvidence:
    """即行即改 (五（三）: 能立即整改的，要即行即改): 登记 → 待复核 with evidence. Not for 重大隐患."""
    with transaction.atomic():
        locked = _lock(hazard, actor, HazardAction.FIX_ON_SPOT, expected_version)
        if locked.level == HazardLevel.MAJOR:
            raise InvalidInput("重大隐患须制定治理方案、挂牌督办，不能即行即改", fields={"level": "重大隐患不能即行即改"})
        reason = reason or "即行即改"
        evidence = _evidence(locked, actor, HazardEvidence.Kind.ON_SPOT, text, photos, reason)
        locked.submitted_at = timezone.now()
        locked.rectification_measures = locked.rectification_measures or evidence.text
        locked.responsible_kind = locked.responsible_kind or Hazard.ResponsibleKind.TARGET
        _save(locked, actor, HazardAction.FIX_ON_SPOT, reason)
    return evidence


def hazard_verify(*, hazard: Hazard | int, actor, reason: str = "", photos=(), expected_version: int | None = None) -> Hazard:
    """复核销号: 待复核 → 已销号. Supervised and major hazards: 区安办 only. The verifier's own
    photos of the site at 复核 (optional) go through the same upload rule as every other photo."""
    with transaction.atomic():
        locked = _lock(hazard, actor, HazardAction.VERIFY, expected_version)
        reason = reason or "复核通过，予以销号"
        checked = clean_photos(photos or ())
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.needs_supervision = False
        _photos(locked, None, actor, checked, reason, stage=HazardPhoto.Stage.VERIFIED)
        _save(locked, actor, HazardAction.VERIFY, reason)
        close_reminders_of(locked)
    return locked


def hazard_reject(*, hazard: Hazard | int, actor, reason: str, expected_version: int | None = None) -> Hazard:
    """退回: 待复核 → 整改中, with the reason (required)."""
    reason = _clean(reason)
    with transaction.atomic():
        locked = _lock(hazard, actor, HazardAction.REJECT, expected_version)
        if not reason:
            raise InvalidInput(fields={"reason": "请填写退回原因"})
        locked.last_reject_reason = checked_reason(reason)
        locked.submitted_at = None
        _save(locked, actor, HazardAction.REJECT, reason)
    return locked


def hazard_supervise(
    *, hazard: Hazard | int, actor, reason: str = "", due_date: datetime.date | None = None, expected_version: int | None = None
) -> Order:
    """挂牌督办: issues a 督办单 to the responsible unit; afterwards only 区安办 may close the hazard."""
    with transaction.atomic():
        locked = _lock(hazard, actor, HazardAction.SUPERVISE, expected_version)
        if locked.is_supervised:
            raise StateConflict("该隐患已挂牌督办")
        due = due_date or locked.deadline
        if due is None:
            raise InvalidInput(fields={"due_date": "请填写督办时限"})
        locked.is_supervised = True
        locked.supervised_at = timezone.now()
        locked.needs_supervision = False
        _save(locked, actor, HazardAction.SUPERVISE, reason or "挂牌督办")
        order = order_issue(
            actor=actor, reason=reason or "挂牌督办", kind=OrderKind.SUPERVISION, due_date=due,
            content=f"对隐患 {locked.code}（{locked.get_level_display()}）挂牌督办，请于{due:%Y年%m月%d日}前整改到位并书面回复：{locked.description[:200]}",
            hazards=[locked], **recipient_of(locked),
        )
    return order


def hazard_flag_overdue(*, hazard: Hazard | int, reason: str = "逾期未整改，提请挂牌督办") -> Hazard | None:
    """System action of ``send_reminders``: mark an overdue, unsupervised hazard for 督办."""
    with transaction.atomic():
        pk = hazard.pk if isinstance(hazard, Hazard) else hazard
        locked = Hazard.objects.select_for_update().get(pk=pk)
        if locked.is_supervised or locked.needs_supervision or locked.state == HazardState.CLOSED:
            return None
        locked.needs_supervision = True
        locked.last_action = HazardAction.FLAG
        locked.version += 1
        locked._change_reason = reason
        locked.save()
    return locked
