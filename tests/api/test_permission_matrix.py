"""Every role × every registered API resource × every method: allowed or refused as designed.

Expectations come from the design, not from the code under test: reads need a login; the
auditor never writes; a role may create only what the model's ``write_roles`` grants it.
Resources registered later by any app are covered automatically.
"""

from __future__ import annotations

import pytest

from cms.api.router import router
from cms.roles import OFFICE_ROLES, Role

RESOURCES = [(prefix, viewset) for prefix, viewset, _ in router.registry]


def _writes(viewset) -> bool:
    return any(hasattr(viewset, m) for m in ("create", "update", "destroy"))


@pytest.mark.parametrize("prefix,viewset", RESOURCES, ids=[p for p, _, _ in router.registry])
def test_anonymous_is_refused_everywhere(prefix, viewset, api_for, ref):
    client = api_for(None)
    assert client.get(f"/api/v1/{prefix}/").status_code == 401
    if _writes(viewset):
        assert client.post(f"/api/v1/{prefix}/", {}, format="json").status_code == 401


@pytest.mark.parametrize("role", list(Role), ids=[r.name.lower() for r in Role])
@pytest.mark.parametrize("prefix,viewset", RESOURCES, ids=[p for p, _, _ in router.registry])
def test_each_role_reads_and_writes_as_designed(prefix, viewset, role, users, api_for):
    client = api_for(users[role])
    listing = client.get(f"/api/v1/{prefix}/")
    assert listing.status_code == 200, listing.content[:300]
    body = listing.json()
    if isinstance(body, dict) and "results" in body:
        assert set(body) >= {"count", "next", "previous", "results"}
    if not hasattr(viewset, "create"):
        return
    model = viewset.queryset.model if getattr(viewset, "queryset", None) is not None else None
    writers = getattr(model, "write_roles", OFFICE_ROLES)
    response = client.post(f"/api/v1/{prefix}/", {}, format="json")
    if role == Role.AUDITOR or role not in writers:
        assert response.status_code == 403, (prefix, role, response.status_code)
        assert response.json()["detail"]
    else:
        # allowed to try: an empty body is a 400 with Chinese field errors, never a 500
        assert response.status_code in (400, 201), (prefix, role, response.status_code)
