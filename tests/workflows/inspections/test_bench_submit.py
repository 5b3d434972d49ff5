"""Measure: a 50-item inspection submitted through the API (median of several runs, queries). `-m slow -s` prints it."""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.roles import Role
from tests.cms.checklists.factories import build_template

from .conftest import answers_for
from .test_api import payload

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_fifty_item_submission_timing(users, api_for, ref, group, target):
    template = build_template(users[Role.OFFICE_EDITOR], [ref["sectors"]["危化品"]], name="五十项检查表", items=44)
    version = template.current_version
    client = api_for(users[Role.INSPECTOR])
    timings, queries = [], []
    for _ in range(7):
        body = payload(group, target, version, answers=answers_for(version, fail={"附加检查项1", "附加检查项2", "附加检查项3"}))
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.post("/api/v1/inspections/", body, format="json")
            timings.append(time.perf_counter() - start)
        assert response.status_code == 201
        queries.append(len(ctx.captured_queries))
    print(f"\n50 项、3 项不合格、1 张照片：中位数 {statistics.median(timings) * 1000:.0f} ms（{', '.join(f'{t * 1000:.0f}' for t in timings)}），查询 {statistics.median(queries)} 次，{connection.vendor}")
    assert statistics.median(timings) < 5
