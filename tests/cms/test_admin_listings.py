"""Every admin listing, for every role: it answers (200, or 403 where the role may not look),
never a 500; and the busiest listings run a constant number of queries whatever the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

from cms.roles import Role
from workflows.hazards.services import hazard_register

LISTINGS = sorted(
    (m._meta.label, reverse(m.snippet_viewset.get_url_name("list")))
    for m in get_snippet_models()
    if m._meta.app_label in {"directory", "checklists", "inspections", "hazards", "reporting", "assessment", "notices"}
)


@pytest.mark.parametrize("role", list(Role), ids=[r.name.lower() for r in Role])
@pytest.mark.parametrize("label,url", LISTINGS, ids=[label for label, _ in LISTINGS])
def test_every_listing_answers_every_role(label, url, role, users, client):
    client.force_login(users[role])
    response = client.get(url)
    # refused: 403, or Wagtail's own refusal (back to the dashboard with a message)
    refused = response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")
    assert response.status_code == 200 or refused, (label, role, response.status_code)
    if role in (Role.OFFICE_ADMIN, Role.AUDITOR):
        assert response.status_code == 200, (label, role)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/admin/snippets/directory/target/", "/admin/snippets/hazards/hazard/"])
def test_listing_query_count_does_not_grow_with_rows(url, users, client, make_target, ref):
    client.force_login(users[Role.OFFICE_ADMIN])
    sector = ref["sectors"]["危化品"]

    def add(n, start):
        for i in range(start, start + n):
            target = make_target(f"查询计数对象{i}")
            hazard_register(actor=None, reason="测试", description=f"隐患{i}", target=target, sector=sector)

    add(2, 0)
    small = _queries(client, url)
    add(18, 2)
    assert _queries(client, url) == small
