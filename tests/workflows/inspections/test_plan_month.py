"""The plan an inspection belongs to is the inspection month's: the fill form offers only that month's
plans of the group, and the service refuses another month's plan with a reason in words."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from cms.errors import InvalidInput
from cms.roles import Role
from workflows.inspections.models import Inspection, InspectionPlan
from workflows.inspections.services import inspection_submit

from .conftest import answers_for, started

pytestmark = pytest.mark.django_db


def plan(group, month: datetime.date, title: str) -> InspectionPlan:
    return InspectionPlan.objects.create(group=group, month=month, title=title)


def test_only_the_inspection_months_plans_are_offered_and_accepted(users, checklist, group, target):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    next_month = (this_month + datetime.timedelta(days=32)).replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    current, following, previous = plan(group, this_month, "本月计划"), plan(group, next_month, "下月计划"), plan(group, last_month, "上月计划")

    client = Client()
    client.force_login(users[Role.INSPECTOR])
    form = client.get(f"/admin/inspections/fill/?group={group.pk}&target={target.pk}").content.decode()
    offered = re.findall(r'<select name="plan">(.*?)</select>', form, re.S)[0]
    assert "本月计划" in offered and "下月计划" not in offered and "上月计划" not in offered
    earlier = client.get(f"/admin/inspections/fill/?group={group.pk}&target={target.pk}&inspected_on={last_month.isoformat()}").content.decode()
    assert "上月计划" in re.findall(r'<select name="plan">(.*?)</select>', earlier, re.S)[0]

    version = checklist.current_version
    kwargs = dict(actor=users[Role.INSPECTOR], reason="测试", group=group, target=target, inspected_on=today, method="planned",
                  inspectors=[users[Role.INSPECTOR]], checklist_version=version, answers=answers_for(version), extra_hazards=[],
                  photos=[], started_at=started())
    with pytest.raises(InvalidInput) as refused:
        inspection_submit(**kwargs, plan=following)
    assert "检查当月" in " ".join(refused.value.fields["plan"]) and not Inspection.objects.exists()
    assert previous.pk  # kept for the earlier month's form above
    result = inspection_submit(**kwargs, plan=current)
    assert Inspection.objects.get(pk=result.inspection.pk).plan_id == current.pk
