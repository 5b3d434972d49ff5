"""Hazard services: the only code that writes a hazard's state.

Each takes the acting user and a reason, locks the row, checks the transition table and
guards, and writes the row and its history in one transaction.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from cms.directory.models import Sector, Target
from cms.errors import InvalidInput, NotAllowed
from cms.scope import can_write, in_scope

from .models import Hazard, HazardLevel, HazardState
from .numbering import next_hazard_code


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
        if not can_write(actor, Hazard):
            raise NotAllowed("您无权登记隐患")
        if not in_scope(actor, target) and inspection is None:
            raise NotAllowed("该监管对象不在您的数据范围内")
    description = (description or "").replace("\x00", "").strip()
    if not description:
        raise InvalidInput(fields={"description": "请填写隐患问题"})
    if level not in HazardLevel.values:
        raise InvalidInput(fields={"level": "隐患等级只能是一般隐患或重大隐患"})
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
        hazard._change_reason = reason or "登记隐患"
        if actor is not None:
            hazard._history_user = actor
        hazard.save()
    return hazard
