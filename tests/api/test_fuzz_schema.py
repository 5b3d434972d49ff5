"""Schemathesis against /api/schema/, authenticated as each role: no 5xx, and every
response body matches the schema. Runs in-process through the WSGI app (real database)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error, response_schema_conformance

from cms.roles import Role

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# Uploads and streamed files are exercised by their own tests; fuzzing them only writes junk files.
SKIP_PATHS = ("/import/", "/exports/")


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


@pytest.mark.parametrize("role", list(Role), ids=[r.name.lower() for r in Role])
def test_no_server_error_and_responses_match_the_schema(role, users, make_target, keep_test_connection):
    from django.core.wsgi import get_wsgi_application

    make_target("模糊测试某化工有限公司")
    token = Token.objects.create(user=users[role])
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    failures: list[str] = []
    for op in _operations(schema):

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def run(case):
            case.call_and_validate(headers={"Authorization": f"Token {token.key}"},
                                   checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report all
            failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)
