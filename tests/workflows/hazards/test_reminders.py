import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.roles import Role
from workflows.hazards.models import Hazard, HazardState, Order, ReminderLog

from .factories import advance, register

pytestmark = pytest.mark.django_db


def run(today) -> str:
    out = io.StringIO()
    call_command("send_reminders", today=today.isoformat(), stdout=out)
    return out.getvalue()


def test_reminders_are_idempotent_and_flag_overdue(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazards = [advance(register(office, make_target(f"厂{i}")), HazardState.RECTIFYING, office=office, responsible=dept) for i in range(3)]
    closed = advance(register(office, make_target("已销号厂")), HazardState.CLOSED, office=office, responsible=dept)
    deadline = hazards[0].deadline  # all: today + 10
    # 8 days later: due within 3 days -> one 提醒单 to 应急管理局 covering the three open hazards
    day = deadline - datetime.timedelta(days=2)
    assert "发出提醒单 1 份，涉及隐患 3 条" in run(day)
    order = Order.objects.get(kind="reminder")
    assert set(order.hazards.values_list("pk", flat=True)) == {h.pk for h in hazards}
    assert order.recipient_department.short_name == "应急管理局" and order.number.startswith("荔安办提")
    assert closed.pk not in set(order.hazards.values_list("pk", flat=True))
    # same day again, and the next day: nothing new
    assert "发出提醒单 0 份" in run(day)
    assert "发出提醒单 0 份" in run(day + datetime.timedelta(days=1))
    assert Order.objects.filter(kind="reminder").count() == 1
    # past the deadline: one overdue 提醒单, hazards flagged for 督办 (once)
    late = deadline + datetime.timedelta(days=1)
    output = run(late)
    assert "发出提醒单 1 份，涉及隐患 3 条；标记待督办 3 条" in output
    assert "发出提醒单 0 份，涉及隐患 0 条；标记待督办 0 条" in run(late)
    assert Order.objects.filter(kind="reminder").count() == 2
    assert ReminderLog.objects.count() == 6
    flagged = Hazard.objects.get(pk=hazards[0].pk)
    assert flagged.needs_supervision and flagged.last_action == "flag"
    assert Hazard.history.filter(id=flagged.pk, last_action="flag").count() == 1
    assert Hazard.history.filter(id=flagged.pk, last_action="flag").get().history_user is None  # the system


def test_overdue_is_derived_from_deadline(users, make_target):
    office = users[Role.OFFICE_ADMIN]
    hazard = advance(register(office, make_target("逾期厂")), HazardState.ASSIGNED, office=office, responsible=users[Role.DEPARTMENT])
    later = hazard.deadline + datetime.timedelta(days=1)
    assert not hazard.is_overdue
    assert list(Hazard.objects.overdue(today=later)) == [hazard]
    assert list(Hazard.objects.overdue(today=timezone.localdate())) == []


def test_a_reminder_closes_itself_when_its_last_hazard_is_closed(users, make_target):
    from workflows.hazards import services
    from workflows.hazards.services_orders import order_issue

    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    first, second = (advance(register(office, make_target(f"提醒厂{i}")), HazardState.RECTIFYING, office=office, responsible=dept) for i in range(2))
    assert "发出提醒单 1 份，涉及隐患 2 条" in run(first.deadline - datetime.timedelta(days=1))
    reminder = Order.objects.get(kind="reminder")
    assignment = order_issue(actor=office, reason="交办", kind="assignment", content="请整改", due_date=first.deadline,
                             hazards=[first, second], recipient_department=reminder.recipient_department)

    for hazard in (first, second):
        services.hazard_submit(hazard=hazard, actor=dept, reason="整改完成", text="已整改", photos=[])
    services.hazard_verify(hazard=first, actor=office, reason="复核通过")
    reminder.refresh_from_db()
    assert reminder.status != "closed"  # one of its hazards is still open

    services.hazard_verify(hazard=second, actor=office, reason="复核通过")
    reminder.refresh_from_db()
    assert reminder.status == "closed" and reminder.last_action == "auto_close" and reminder.closed_by is None
    last = Order.history.filter(id=reminder.pk).order_by("-history_date", "-history_id").first()
    assert last.history_user is None and second.code in last.history_change_reason and last.last_action == "auto_close"
    assignment.refresh_from_db()
    assert assignment.status == "issued"  # 交办单 are answered and closed by people
