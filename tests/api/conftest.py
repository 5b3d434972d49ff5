"""Fixtures of the API tests that call the app in-process (Schemathesis through WSGI)."""

from __future__ import annotations

import pytest


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
