"""An inspector sees and acts on the hazards they found (issue 16): on a 危化品+建筑施工 target an
应急管理局 inspector (whose unit leads 危化品) records a 建筑施工 hazard; they must then see it and
fix it on the spot (即行即改, 五（三）), and the service decides that with the same scope rule as the
views (``cms.scope``), not with an exception of its own."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cms.records import save_record
from cms.roles import Role
from cms.scope import in_scope
from workflows.hazards.models import Hazard, HazardState
from workflows.inspections.models import InspectionGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(ref, users, make_target, api_for):
    inspector = users[Role.INSPECTOR]
    group = save_record(instance=InspectionGroup(name="应急管理局行业督导检查组", kind=InspectionGroup.Kind.INDUSTRY,
                                                 lead_department=ref["departments"]["应急管理局"]),
                        actor=None, reason="测试", m2m={"sectors": [ref["sectors"]["危化品"]], "members": [inspector]})
    target = make_target("荔城化工建设项目", sectors=("危化品", "建筑施工"))
    response = api_for(inspector).post("/api/v1/inspections/", {
        "group": group.pk, "target": target.pk, "inspected_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "method": "planned", "started_at": (timezone.now() - datetime.timedelta(minutes=30)).isoformat(),
        "extra_hazards": [{"description": "脚手架未设置防护网", "sector": ref["sectors"]["建筑施工"].pk}],
    }, format="json")
    assert response.status_code == 201, response.json()
    hazard = Hazard.objects.get(pk=response.json()["hazards"][0]["id"])
    assert hazard.sector.name == "建筑施工" and hazard.found_by == inspector
    return hazard


def test_the_finder_sees_and_fixes_on_the_spot_a_hazard_outside_their_units_sectors(recorded, users, api_for):
    inspector = users[Role.INSPECTOR]
    client = api_for(inspector)
    assert in_scope(inspector, recorded)
    detail = client.get(f"/api/v1/hazards/{recorded.pk}/")
    assert detail.status_code == 200 and "fix_on_spot" in detail.json()["allowed_actions"]
    assert recorded.pk in {h["id"] for h in client.get("/api/v1/hazards/").json()["results"]}
    fixed = client.post(f"/api/v1/hazards/{recorded.pk}/fix-on-spot/", {"text": "当场加设防护网"}, format="json")
    assert fixed.status_code == 200, fixed.json()
    assert Hazard.objects.get(pk=recorded.pk).state == HazardState.SUBMITTED


def test_another_inspector_of_the_same_unit_does_not_see_it(recorded, make_user, api_for):
    """Not a blanket exception: an inspector of the same unit who was not on that visit sees only the unit's sectors."""
    colleague = make_user(Role.INSPECTOR, department="应急管理局", username="t_inspector_2")
    assert not in_scope(colleague, recorded)
    assert api_for(colleague).get(f"/api/v1/hazards/{recorded.pk}/").status_code == 404
    assert api_for(colleague).post(f"/api/v1/hazards/{recorded.pk}/fix-on-spot/", {"text": "x"}, format="json").status_code == 404
