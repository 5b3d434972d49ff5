"""三单 services: issue, acknowledge, answer, close. The only code that writes an order's status.

Each takes the acting user (``None`` = the system, e.g. ``send_reminders``) and a reason, locks
the row, checks the status table and who may act, and writes the row and its history in one
transaction. Numbers come from a locked yearly counter, so they have no gaps or duplicates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from cms.directory.models import Department, Jurisdiction
from cms.directory.names import department_full_name, jurisdiction_full_name
from cms.errors import InvalidInput, NotAllowed, StateConflict
from cms.inputs import checked_reason
from cms.roles import OFFICE_ROLES, Role, role_of
from cms.scope import scope_for

from .models import Hazard, HazardState
from .models_orders import ORDER_PREFIX, Order, OrderAction, OrderKind, OrderStatus
from .numbering import next_number

# status transitions: action -> (allowed from, to)
ORDER_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    OrderAction.ACKNOWLEDGE: (frozenset({OrderStatus.ISSUED}), OrderStatus.ACKNOWLEDGED),
    OrderAction.ANSWER: (frozenset({OrderStatus.ACKNOWLEDGED}), OrderStatus.ANSWERED),
    OrderAction.CLOSE: (frozenset({OrderStatus.ANSWERED}), OrderStatus.CLOSED),
}


def office_department() -> Department:
    office = Department.objects.filter(kind=Department.Kind.OFFICE).order_by("sort_order", "id").first()
    if office is None:
        raise InvalidInput("名录中没有区安办，无法发文")
    return office


def format_number(kind: str, year: int, serial: int) -> str:
    return f"{ORDER_PREFIX[OrderKind(kind)]}〔{year}〕{serial}号"


def is_recipient(actor, order: Order) -> bool:
    """Does ``actor`` belong to the unit the order was sent to?"""
    scope = scope_for(actor)
    if scope.role in (Role.DEPARTMENT, Role.INSPECTOR):
        return order.recipient_department_id is not None and order.recipient_department_id in scope.department_ids
    if scope.role == Role.JURISDICTION:
        return order.recipient_jurisdiction_id is not None and order.recipient_jurisdiction_id in scope.jurisdiction_ids
    return False


def allowed_order_actions(actor, order: Order) -> list[str]:
    """What ``actor`` may do to ``order`` now (the admin shows only these buttons)."""
    role = role_of(actor)
    actions = []
    for action, (sources, _) in ORDER_TRANSITIONS.items():
        if order.status not in sources:
            continue
        if role in OFFICE_ROLES or (action != OrderAction.CLOSE and is_recipient(actor, order)):
            actions.append(str(action))
    return actions


# The 三单's printed layout (exports.official.HAZARD_WIDTHS_BY_LAYOUT): each order keeps the layout
# it was sent with (and each 反馈意见 letter, InspectionFeedback.snapshot), so a later change of
# column widths does not reflow a document already sent.
# 1: the first layout (隐患编号 wrapped at its hyphen); 2: from 2026-11-30, 隐患编号 on one line.
ORDER_LAYOUT = 2

ORDER_SNAPSHOT_KEYS = ("code", "target", "problem", "level", "state", "deadline", "is_overdue", "responsible_unit",
                       "responsible_person", "measures", "jurisdiction", "sector", "is_prominent")


def hazard_snapshot(hazard: Hazard, *, today: datetime.date) -> dict:
    """One hazard as an order prints it, as it is now (labels, not codes: they are what was sent)."""
    return {
        "code": hazard.code, "target": hazard.target.name, "problem": hazard.description,
        "level": hazard.get_level_display() + ("（突出）" if hazard.is_prominent else ""),
        "state": hazard.get_state_display(), "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
        "is_overdue": hazard.state != HazardState.CLOSED and hazard.deadline is not None and hazard.deadline < today,
        "responsible_unit": hazard.responsible_unit_name, "responsible_person": hazard.responsible_person,
        "measures": hazard.rectification_measures, "jurisdiction": hazard.jurisdiction.name, "sector": hazard.sector.name,
        "is_prominent": hazard.is_prominent,
    }


# The office's full name as its documents sign it (落款). ``notices`` owns that setting (公文版式,
# ``OfficeDocumentSettings.issuing_office``) and registers how to read it when the site starts
# (``NoticesConfig.ready``): workflows may not import notices. Until then, the name the notice signs.
OFFICE_SIGNATURE_NAME = "荔城区人民政府安全生产委员会办公室"


def _default_office_full_name() -> str:
    return OFFICE_SIGNATURE_NAME


_office_full_name: Callable[[], str] = _default_office_full_name


def register_office_full_name(source: Callable[[], str]) -> None:
    """Where ``order_issue`` reads the office's full name from (called by ``notices`` at start-up)."""
    global _office_full_name
    _office_full_name = source


def unit_full_name(department: Department | None = None, jurisdiction: Jurisdiction | None = None) -> str:
    """A unit as a document names it: the office by its full name (the setting), a department
    with the district (荔城区应急管理局), a town or street with its office (拱辰街道办事处)."""
    if department is not None:
        return _office_full_name() if department.kind == Department.Kind.OFFICE else department_full_name(department)
    return jurisdiction_full_name(jurisdiction)


def snapshot_of(order: Order, hazards: Iterable[Hazard]) -> dict:
    """What ``order`` says at issue, so that it prints the same ever after: its hazards then, who
    sent it to whom (short names and the full names it is addressed and signed with, as they are
    now: a unit renamed later or a new 公文版式 does not rewrite an order already sent), and the
    date it is signed with."""
    today = timezone.localtime(order.issued_at).date()
    return {
        "taken_at": order.issued_at.isoformat(),
        "issued_on": today.isoformat(),
        "issuer": order.issuing_department.name,
        "issuer_full_name": unit_full_name(department=order.issuing_department),
        "recipient": order.recipient_name,
        "recipient_full_name": unit_full_name(department=order.recipient_department, jurisdiction=order.recipient_jurisdiction),
        "recipient_kind": "department" if order.recipient_department_id else "jurisdiction",
        "hazards": [hazard_snapshot(h, today=today) for h in hazards],
        "layout": ORDER_LAYOUT,
    }


def order_issue(
    *,
    actor,
    reason: str,
    kind: str,
    content: str,
    due_date: datetime.date,
    recipient_department: Department | None = None,
    recipient_jurisdiction: Jurisdiction | None = None,
    hazards: Iterable = (),
    issued_at: datetime.datetime | None = None,
) -> Order:
    """发出一份三单 (office only; ``actor=None`` is the system)."""
    if actor is not None and role_of(actor) not in OFFICE_ROLES:
        raise NotAllowed("只有区安办可以发出交办单、提醒单、督办单")
    errors: dict[str, str] = {}
    if kind not in OrderKind.values:
        errors["kind"] = "类别只能是工作交办单、提醒单或督办单"
    if (recipient_department is None) == (recipient_jurisdiction is None):
        errors["recipient"] = "请选择一个接收单位或接收属地"
    content = (content or "").replace("\x00", "").strip()
    if not content:
        errors["content"] = "请填写事项"
    if not isinstance(due_date, datetime.date):
        errors["due_date"] = "请填写办理时限"
    if errors:
        raise InvalidInput(fields=errors)
    issued_at = issued_at or timezone.now()
    with transaction.atomic():
        year, serial = next_number(f"order-{kind}", timezone.localtime(issued_at).year)
        order = Order(
            kind=kind,
            number=format_number(kind, year, serial),
            year=year,
            serial=serial,
            issuing_department=office_department(),
            recipient_department=recipient_department,
            recipient_jurisdiction=recipient_jurisdiction,
            content=content,
            due_date=due_date,
            status=OrderStatus.ISSUED,
            issued_by=actor,
            issued_at=issued_at,
            last_action=OrderAction.ISSUE,
        )
        hazards = list(hazards)
        listed = Hazard.objects.filter(pk__in=[h.pk for h in hazards]).select_related(
            "target", "sector", "jurisdiction", "responsible_department", "responsible_jurisdiction").order_by("found_at", "id")
        order.snapshot = snapshot_of(order, listed)  # read inside the caller's transaction: what is sent
        _stamp(order, actor, reason or f"发出{order.get_kind_display()}")
        order.save()
        hazards = list(hazards)
        if hazards:
            order.hazards.set(hazards)  # m2m history row (same reason and user)
    return order


def _stamp(order: Order, actor, reason: str) -> None:
    order._change_reason = checked_reason(reason)
    if actor is not None:
        order._history_user = actor


def _act(order: Order | int, actor, action: str, expected_version: int | None) -> Order:
    """Lock the order and check version, status and who may act. Call inside ``atomic``."""
    role = role_of(actor)
    if role is None or role == Role.AUDITOR:
        raise NotAllowed("您没有处理三单的权限")
    if action == OrderAction.CLOSE and role not in OFFICE_ROLES:
        raise NotAllowed("只有区安办可以办结三单")
    pk = order.pk if isinstance(order, Order) else order
    locked = Order.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotAllowed("未找到该三单")
    if expected_version is not None and int(expected_version) != locked.version:
        raise StateConflict(f"该三单已被他人处理（当前版本 {locked.version}），请刷新后重试")
    sources, _ = ORDER_TRANSITIONS[action]
    if locked.status not in sources:
        raise StateConflict(f"该三单当前为“{locked.get_status_display()}”，不能{OrderAction(action).label}")
    if role not in OFFICE_ROLES and not is_recipient(actor, locked):
        raise NotAllowed("只有接收单位可以签收、回复该三单")
    return locked


def _finish(order: Order, actor, action: str, reason: str) -> Order:
    order.status = ORDER_TRANSITIONS[action][1]
    order.last_action = action
    order.version += 1
    _stamp(order, actor, reason or OrderAction(action).label)
    order.save()
    return order


def order_acknowledge(*, order: Order | int, actor, reason: str = "", expected_version: int | None = None) -> Order:
    """签收."""
    with transaction.atomic():
        locked = _act(order, actor, OrderAction.ACKNOWLEDGE, expected_version)
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
        return _finish(locked, actor, OrderAction.ACKNOWLEDGE, reason)


def order_answer(*, order: Order | int, actor, reply: str, reason: str = "", expected_version: int | None = None) -> Order:
    """回复 (the recipient's reply is required)."""
    reply = (reply or "").replace("\x00", "").strip()
    with transaction.atomic():
        locked = _act(order, actor, OrderAction.ANSWER, expected_version)
        if not reply:
            raise InvalidInput(fields={"reply": "请填写回复内容"})
        locked.reply = reply
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        return _finish(locked, actor, OrderAction.ANSWER, reason)


def order_close(*, order: Order | int, actor, reason: str = "", expected_version: int | None = None) -> Order:
    """办结 (office only)."""
    with transaction.atomic():
        locked = _act(order, actor, OrderAction.CLOSE, expected_version)
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        return _finish(locked, actor, OrderAction.CLOSE, reason)


def close_reminders_of(hazard: Hazard) -> list[Order]:
    """A 提醒单 asks a unit to finish its hazards in time; once every hazard on it is 销号 there is
    nothing left to answer, so the system closes it (自动办结, no user, the reason names the
    hazard). Called by ``hazard_verify`` inside its transaction. 交办单 and 督办单 are answered
    and closed by people, as before."""
    ids = list(Order.objects.filter(kind=OrderKind.REMINDER, hazards=hazard).exclude(status=OrderStatus.CLOSED)
               .values_list("pk", flat=True))
    closed = []
    for order in Order.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        if order.status == OrderStatus.CLOSED or order.hazards.exclude(state=HazardState.CLOSED).exists():
            continue
        order.status = OrderStatus.CLOSED
        order.last_action = OrderAction.AUTO_CLOSE
        order.closed_at = timezone.now()
        order.closed_by = None
        order.version += 1
        _stamp(order, None, f"提醒单所列隐患均已销号（最后一条：{hazard.code}），系统自动办结")
        order.save()
        closed.append(order)
    return closed
