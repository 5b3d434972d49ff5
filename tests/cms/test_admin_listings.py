"""Every admin listing, for every role: it answers as the design says, never a 500; and the busiest
listings run a constant number of queries whatever the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

from cms.roles import OFFICE_ROLES, Role
from workflows.hazards.services import hazard_register

LISTINGS = sorted(
    (m._meta.label, reverse(m.snippet_viewset.get_url_name("list")))
    for m in get_snippet_models()
    if m._meta.app_label in {"directory", "checklists", "inspections", "hazards", "reporting", "assessment", "notices"}
)

# README 角色与数据范围: every role reads every listing, filtered to its scope (read-only roles see
# theirs without buttons). The one exception: 受理举报 is the office's triage queue, which the
# auditors review; other roles are sent back to the dashboard (Wagtail's refusal).
OFFICE_AND_AUDITOR_ONLY = {"notices.TipOff"}


def expected_status(label: str, role: Role) -> int:
    if label in OFFICE_AND_AUDITOR_ONLY and role not in OFFICE_ROLES | {Role.AUDITOR}:
        return 302
    return 200


@pytest.mark.parametrize("role", list(Role), ids=[r.name.lower() for r in Role])
@pytest.mark.parametrize("label,url", LISTINGS, ids=[label for label, _ in LISTINGS])
def test_every_listing_answers_every_role(label, url, role, users, client):
    client.force_login(users[role])
    response = client.get(url)
    assert response.status_code == expected_status(label, role), (label, role, response.status_code)
    if response.status_code == 302:
        assert response.url == "/admin/"


def test_the_listings_are_the_ones_the_design_names():
    labels = {label for label, _ in LISTINGS}
    assert OFFICE_AND_AUDITOR_ONLY <= labels
    assert {"directory.Target", "hazards.Hazard", "hazards.Order", "inspections.Inspection", "inspections.InspectionPlan",
            "reporting.MonthlyReport", "reporting.Consultation"} <= labels


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
