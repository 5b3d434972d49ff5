"""Real concurrency on PostgreSQL: threads, each with its own database connection, calling the
services at the same moment. SQLite serializes writers, so these run only on PostgreSQL."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from cms.errors import StateConflict
from cms.roles import Role
from workflows.hazards import models_tally, services
from workflows.hazards.models import Hazard, HazardState, Order, ReminderLog
from workflows.hazards.reminders import send_reminders
from workflows.hazards.services_orders import order_issue

from .factories import advance, register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（SQLite 串行写入）")


def run_at_once(n, work):
    """Run ``work(i)`` in n threads released together; return [(result | exception)]."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_verifiers_exactly_one_wins(users, make_target):
    office_a, office_b = users[Role.OFFICE_ADMIN], users[Role.OFFICE_EDITOR]
    hazard = advance(register(office_a, make_target("并发厂")), HazardState.SUBMITTED, office=office_a, responsible=users[Role.DEPARTMENT])
    actors = [office_a, office_b]
    results = run_at_once(2, lambda i: services.hazard_verify(hazard=hazard.pk, actor=actors[i], reason=f"复核{i}"))
    wins = [r for r in results if isinstance(r, Hazard)]
    conflicts = [r for r in results if isinstance(r, StateConflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED and hazard.closed_by_id == wins[0].closed_by_id
    assert Hazard.history.filter(id=hazard.pk, last_action="verify").count() == 1
    assert models_tally.mismatches() == {}  # one move of the count, by the winner


def test_verify_and_reject_race_one_wins(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("竞态厂")), HazardState.SUBMITTED, office=office, responsible=dept)

    def work(i):
        if i == 0:
            return services.hazard_verify(hazard=hazard.pk, actor=office, reason="通过", expected_version=hazard.version)
        return services.hazard_reject(hazard=hazard.pk, actor=dept, reason="退回", expected_version=hazard.version)

    before = hazard.version
    results = run_at_once(2, work)
    assert sum(isinstance(r, Hazard) for r in results) == 1
    assert sum(isinstance(r, StateConflict) for r in results) == 1, results
    hazard.refresh_from_db()
    assert hazard.version == before + 1  # exactly one action went through
    assert models_tally.mismatches() == {}


def test_twenty_concurrent_order_issues_number_without_gaps(users, ref):
    office = users[Role.OFFICE_ADMIN]
    due = timezone.localdate() + datetime.timedelta(days=5)
    results = run_at_once(20, lambda i: order_issue(actor=office, reason="并发发文", kind="supervision", content=f"督办{i}",
                                                     due_date=due, recipient_department=ref["departments"]["应急管理局"]))
    assert all(isinstance(r, Order) for r in results), results
    serials = sorted(Order.objects.filter(kind="supervision").values_list("serial", flat=True))
    assert serials == list(range(1, 21))
    year = timezone.localdate().year
    assert set(Order.objects.values_list("number", flat=True)) == {f"荔安办督〔{year}〕{n}号" for n in range(1, 21)}


def test_concurrent_reminder_runs_issue_once(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazards = [advance(register(office, make_target(f"提醒厂{i}")), HazardState.RECTIFYING, office=office, responsible=dept) for i in range(3)]
    day = hazards[0].deadline - datetime.timedelta(days=1)
    results = run_at_once(3, lambda i: send_reminders(today=day))
    assert not any(isinstance(r, Exception) for r in results), results
    assert Order.objects.filter(kind="reminder").count() == 1
    assert ReminderLog.objects.count() == 3
    assert sorted(Order.objects.values_list("serial", flat=True)) == [1]


def test_two_concurrent_http_verify_requests_one_wins(users, make_target, live_server):
    """The same race through the API over HTTP (live server, one thread per request): one 200, one 409."""
    import json
    import urllib.error
    import urllib.request

    from rest_framework.authtoken.models import Token

    office_a, office_b = users[Role.OFFICE_ADMIN], users[Role.OFFICE_EDITOR]
    hazard = advance(register(office_a, make_target("接口并发厂")), HazardState.SUBMITTED, office=office_a, responsible=users[Role.DEPARTMENT])
    tokens = [Token.objects.create(user=u).key for u in (office_a, office_b)]
    url = f"{live_server.url}/api/v1/hazards/{hazard.pk}/verify/"

    def post(i):
        body = json.dumps({"version": hazard.version, "reason": f"复核{i}"}).encode()
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Authorization": f"Token {tokens[i]}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    results = run_at_once(2, post)
    assert sorted(status for status, _ in results) == [200, 409], results
    conflict = next(body for status, body in results if status == 409)
    assert "请刷新后重试" in conflict["detail"]
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    assert Hazard.history.filter(id=hazard.pk, last_action="verify").count() == 1
