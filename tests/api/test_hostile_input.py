"""Hostile strings (HTML/script, SQL-looking, emoji, 10,000 characters, NUL bytes) and dates
out of range: a clear error or a faithful save, nothing half-written, never a 500."""

from __future__ import annotations

import pytest

from cms.api.router import router
from cms.directory.models import Target
from cms.roles import Role

HOSTILE = {
    "html": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE directory_target; --",
    "emoji": "安全生产🚒🔥👷‍♀️",
    "long": "隐" * 10_000,
    "nul": "化工\x00厂",
}
PREFIXES = [prefix for prefix, _, _ in router.registry]


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_search_and_filters_with_hostile_strings_never_fail(prefix, kind, users, api_for):
    client = api_for(users[Role.OFFICE_ADMIN])
    value = HOSTILE[kind]
    for query in ({"search": value}, {"ordering": value}, {"page": value}, {"page_size": value}):
        response = client.get(f"/api/v1/{prefix}/", query)
        assert response.status_code in (200, 400, 404), (prefix, query.keys(), response.status_code)


@pytest.mark.parametrize("kind", HOSTILE)
def test_target_create_with_hostile_names(kind, users, api_for, ref):
    client = api_for(users[Role.OFFICE_EDITOR])
    before = Target.objects.count()
    value = HOSTILE[kind]
    response = client.post("/api/v1/targets/", {
        "name": value, "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk,
        "sectors": [ref["sectors"]["工贸"].pk], "address": value[:200], "note": value[:2000],
    }, format="json")
    if kind in ("long", "nul"):
        assert response.status_code == 400
        body = response.json()
        assert "name" in body.get("errors", {}) or "控制字符" in body["detail"]
        assert Target.objects.count() == before
    else:
        assert response.status_code == 201, response.json()
        saved = Target.objects.get(pk=response.json()["id"])
        assert saved.name == value  # stored as given; escaping is the templates' job
        listing = api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/targets/", {"search": value[:20]})
        assert listing.json()["count"] >= 1


def test_hostile_name_is_escaped_in_the_admin_listing(users, client, make_target):
    make_target(HOSTILE["html"])
    client.force_login(users[Role.OFFICE_EDITOR])
    response = client.get("/admin/snippets/directory/target/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("value", ["0000-01-01", "9999-12-31T25:61:00", "2026-02-30", "明天"])
def test_dates_out_of_range_in_filters_are_refused_cleanly(value, users, api_for):
    client = api_for(users[Role.OFFICE_ADMIN])
    for prefix in PREFIXES:
        response = client.get(f"/api/v1/{prefix}/", {"created_at": value, "found_from": value, "month": value})
        assert response.status_code in (200, 400), (prefix, response.status_code)


def test_control_characters_are_refused_at_the_door(users, api_for, ref, client):
    before = Target.objects.count()
    response = api_for(users[Role.OFFICE_EDITOR]).post("/api/v1/targets/", {
        "name": "坏\x07名字", "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk, "sectors": [ref["sectors"]["工贸"].pk],
    }, format="json")
    assert response.status_code == 400 and "控制字符" in response.json()["detail"]
    client.force_login(users[Role.OFFICE_EDITOR])
    response = client.post("/admin/snippets/directory/department/add/", {
        "name": "坏\x1b单位", "short_name": "坏", "code": "bad", "kind": "department", "sort_order": 1})
    assert response.status_code == 200 and "控制字符" in response.content.decode()
    assert Target.objects.count() == before
    # and what is stored can always be exported to Excel
    assert client.get("/admin/snippets/directory/target/?export=xlsx").status_code == 200
