"""Throughput of the loop's services on PostgreSQL, single-threaded, with history rows and the
HMAC chain written for every transition. Run with ``-m slow -s`` to see the figure."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from cms.directory.models import Department
from cms.roles import Role
from workflows.hazards import services

from .factories import GENERAL_PLAN, register

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db]


def test_transitions_per_second(users, make_target):
    if connection.vendor != "postgresql":
        pytest.skip("吞吐量测量在 PostgreSQL 上进行")
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    target = make_target("吞吐量厂")
    unit = Department.objects.get(short_name="应急管理局")
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    hazards = [register(office, target, description=f"隐患{i}") for i in range(60)]
    start = time.perf_counter()
    for hazard in hazards:
        services.hazard_assign(hazard=hazard, actor=office, reason="交办", responsible_kind="department", responsible_department=unit,
                               responsible_person="王五", deadline=deadline)
        services.hazard_plan(hazard=hazard, actor=dept, reason="方案", deadline=deadline, **GENERAL_PLAN)
        services.hazard_submit(hazard=hazard, actor=dept, reason="完成", text="已整改")
        services.hazard_verify(hazard=hazard, actor=office, reason="通过")
    elapsed = time.perf_counter() - start
    transitions = len(hazards) * 4
    rate = transitions / elapsed
    print(f"\n{transitions} 次状态变更用时 {elapsed:.2f} 秒：{rate:.1f} 次/秒（含历史行与摘要链）")
    assert rate > 5
