"""Daily reminders (run by cron through ``manage.py send_reminders``): a 提醒单 to each
responsible unit for its hazards nearing or past their deadline, and overdue hazards flagged
for 督办. Idempotent: a hazard is reminded once per stage and deadline (``ReminderLog``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Hazard, HazardState
from .models_orders import OrderKind, ReminderLog
from .services import hazard_flag_overdue, recipient_of
from .services_orders import order_issue

REMINDED_STATES = (HazardState.ASSIGNED, HazardState.RECTIFYING)


@dataclass
class ReminderRun:
    orders: list = field(default_factory=list)
    reminded_hazards: int = 0
    flagged_hazards: int = 0


def _recipient_key(hazard: Hazard) -> tuple[str, int]:
    recipient = recipient_of(hazard)
    if "recipient_department" in recipient:
        return ("department", recipient["recipient_department"].pk)
    return ("jurisdiction", recipient["recipient_jurisdiction"].pk)


def send_reminders(*, today: datetime.date | None = None, days: int = 3) -> ReminderRun:
    today = today or timezone.localdate()
    run = ReminderRun()
    horizon = today + datetime.timedelta(days=days)
    candidates = (
        Hazard.objects.filter(state__in=REMINDED_STATES, deadline__isnull=False, deadline__lte=horizon)
        .select_related("responsible_department", "responsible_jurisdiction", "jurisdiction")
        .order_by("deadline", "id")
    )
    done = set(ReminderLog.objects.filter(hazard__in=candidates).values_list("hazard_id", "stage", "deadline"))
    groups: dict[tuple, list[Hazard]] = defaultdict(list)
    for hazard in candidates:
        stage = ReminderLog.Stage.OVERDUE if hazard.deadline < today else ReminderLog.Stage.DUE_SOON
        if (hazard.pk, stage, hazard.deadline) in done:
            continue
        groups[(stage, *_recipient_key(hazard))].append(hazard)
    for (stage, _, _), hazards in groups.items():
        try:
            with transaction.atomic():
                # re-check under lock: a concurrent run may have reminded them meanwhile
                locked = list(Hazard.objects.select_for_update().filter(pk__in=[h.pk for h in hazards]).order_by("deadline", "id"))
                locked = [h for h in locked if not ReminderLog.objects.filter(hazard=h, stage=stage, deadline=h.deadline).exists()]
                if not locked:
                    continue
                overdue = stage == ReminderLog.Stage.OVERDUE
                lines = "；".join(f"{h.code}（整改时限 {h.deadline:%Y-%m-%d}）" for h in locked)
                content = (f"以下隐患已超过整改时限，请立即整改并说明原因：{lines}" if overdue
                           else f"以下隐患将于{days}日内到期，请按时完成整改：{lines}")
                due = today + datetime.timedelta(days=3) if overdue else min(h.deadline for h in locked)
                order = order_issue(actor=None, reason="系统每日提醒（逾期）" if overdue else "系统每日提醒（临近时限）",
                                    kind=OrderKind.REMINDER, content=content, due_date=due, hazards=locked,
                                    **recipient_of(locked[0]))
                for hazard in locked:
                    ReminderLog.objects.create(hazard=hazard, stage=stage, deadline=hazard.deadline, order=order, created_on=today)
                run.orders.append(order)
                run.reminded_hazards += len(locked)
        except IntegrityError:
            continue  # another run got there first; nothing issued by this one
        if stage == ReminderLog.Stage.OVERDUE:
            for hazard in hazards:
                if hazard_flag_overdue(hazard=hazard) is not None:
                    run.flagged_hazards += 1
    return run
