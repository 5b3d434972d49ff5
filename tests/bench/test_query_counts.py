"""No N+1 on list endpoints and admin listings: the number of SQL statements does not grow with
the page size (data from ``generate_load --scale tiny``: 50 targets, 200 hazards with history)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from cms.api.router import router


@contextmanager
def count_queries():
    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


@pytest.fixture
def loaded(ref, users):
    from io import StringIO

    call_command("generate_load", scale="tiny", stdout=StringIO())
    return users


def queries_for(client, url: str) -> int:
    client.get(url)  # warm caches (content types, permissions)
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return counter["n"]


ENDPOINTS = [
    ("targets", "/api/v1/targets/?ordering=name&page_size={size}"),
    ("hazards", "/api/v1/hazards/?state=closed&ordering=deadline&page_size={size}"),
    ("hazards", "/api/v1/hazards/?ordering=-found_at&page_size={size}"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "template"), ENDPOINTS)
def test_api_list_query_count_does_not_grow_with_page_size(loaded, prefix, template):
    from cms.roles import Role

    assert prefix in {p for p, _v, _b in router.registry}
    client = Client()
    client.force_login(loaded[Role.OFFICE_ADMIN])
    counts = {size: queries_for(client, template.format(size=size)) for size in (5, 50, 200)}
    assert counts[5] == counts[50] == counts[200], counts
