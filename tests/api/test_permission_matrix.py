"""Every role × every registered API resource × every method: allowed or refused as designed.

Expectations come from the design (README 角色与数据范围, DESIGN.md "Who uses it"), written out
here, not read from the code under test: reads need a login and are scoped; the auditor never
writes; 区安办 configures the directory, groups, consultations, 三单 and the assessment; a
department plans and runs its inspections and records hazards; an inspector records inspections
and hazards; a 属地 rectifies and answers (through the loop's actions, not by creating records).
"""

from __future__ import annotations

import pytest

from cms.api.router import router
from cms.roles import OFFICE_ROLES, Role

RESOURCES = [(prefix, viewset) for prefix, viewset, _ in router.registry]
OFFICE = frozenset(OFFICE_ROLES)

#: who may create through ``POST /api/v1/<prefix>/``; ``None``: the resource has no create.
CREATORS: dict[str, frozenset[Role] | None] = {
    "departments": OFFICE, "jurisdictions": OFFICE, "villages": OFFICE, "sectors": OFFICE, "special-assignments": OFFICE,
    "experts": OFFICE, "target-categories": OFFICE, "targets": OFFICE,
    "checklists": OFFICE,  # 区安办 builds and distributes checklists (the builder and the API, issue 15)
    "checklist-versions": None,  # versions come from a template's draft and publish actions
    "groups": OFFICE,
    "plans": OFFICE | {Role.DEPARTMENT},
    "inspections": OFFICE | {Role.DEPARTMENT, Role.INSPECTOR},
    "hazards": OFFICE | {Role.DEPARTMENT, Role.INSPECTOR},
    "orders": OFFICE,
    "consultations": OFFICE, "consultation-measures": OFFICE,
    "monthly-reports": None,  # opened by open_monthly_reports on the 1st
    "assessment-schemes": OFFICE,
}


#: resources without a create: who writes them otherwise (a POST is then 405; for everyone else 403)
WRITERS_WITHOUT_CREATE = {"checklist-versions": OFFICE, "monthly-reports": OFFICE | {Role.DEPARTMENT}}


def test_the_table_names_every_registered_resource():
    assert set(CREATORS) == {prefix for prefix, _ in RESOURCES}


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
    assert set(listing.json()) >= {"count", "next", "previous", "results"}
    creators = CREATORS[prefix]
    response = client.post(f"/api/v1/{prefix}/", {}, format="json")
    if creators is None:
        assert response.status_code == (405 if role in WRITERS_WITHOUT_CREATE[prefix] else 403), (prefix, role, response.status_code)
    elif role in creators:
        # allowed to try: an empty body is a 400 naming the missing fields in Chinese, never a 500
        assert response.status_code == 400, (prefix, role, response.status_code, response.content[:300])
        assert response.json()["errors"], (prefix, role)
    else:
        assert response.status_code == 403, (prefix, role, response.status_code)
    assert response.json()["detail"]
