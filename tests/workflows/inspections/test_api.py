"""The inspection API: one request per visit, 400 per field with nothing written, data scope per role."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.roles import Role
from workflows.hazards.models import Hazard
from workflows.inspections.models import Inspection, InspectionAnswer, InspectionPhoto

from .conftest import answers_for, b64, jpeg_bytes, started

pytestmark = pytest.mark.django_db


def payload(group, target, version, **extra):
    body = {
        "group": group.pk, "target": target.pk, "inspected_on": str(timezone.localdate()), "method": "unannounced",
        "checklist_version": version.pk, "started_at": started(900).isoformat(),
        "answers": answers_for(version, fail={"消防通道是否畅通"}),
        "photos": [{"name": "门口.jpg", "data": b64(jpeg_bytes())}],
    }
    body.update(extra)
    return body


def counts():
    return (Inspection.objects.count(), InspectionAnswer.objects.count(), InspectionPhoto.objects.count(), Hazard.objects.count())


def test_a_phone_submits_a_whole_visit_and_gets_the_hazards_back(users, api_for, checklist, group, target):
    version = checklist.current_version
    body = payload(group, target, version, extra_hazards=[{"description": "员工未佩戴防护用品", "level": "general",
                                                            "photos": [{"name": "x.jpg", "data": "data:image/jpeg;base64," + b64(jpeg_bytes())}]}])
    response = api_for(users[Role.INSPECTOR]).post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert {h["description"] for h in data["hazards"]} == {"消防通道不畅通：现场发现问题", "员工未佩戴防护用品"}
    assert all(h["state"] == "reported" for h in data["hazards"])
    assert len(data["answers"]) == version.items.count()
    assert data["photos"][0]["taken_at"] and data["photos"][0]["latitude"]
    assert data["flag_no_evidence"] is False
    detail = api_for(users[Role.OFFICE_EDITOR]).get(f"/api/v1/inspections/{data['id']}/").json()
    assert detail["checklist_version"] == version.pk


@pytest.mark.parametrize("mutate,field", [
    (lambda b, v: b["answers"].pop(0), "answers.{first}"),
    (lambda b, v: b["answers"][2].update(value="很多"), "answers.{third}"),
    (lambda b, v: b.update(target=987654), "target"),
    (lambda b, v: b.update(inspected_on=str(timezone.localdate() + datetime.timedelta(days=3))), "inspected_on"),
    (lambda b, v: b.update(photos=[{"name": "a.jpg", "data": b64(b"not an image at all")}]), "photos"),
    (lambda b, v: b.update(photos=[{"name": "a.jpg", "data": "%%%not-base64%%%"}]), "photos"),
    (lambda b, v: b["answers"].append({"item": 10**9, "value": "合格"}), "answers[{n}].item"),
    (lambda b, v: b.update(method="随便看看"), "method"),
])
def test_bad_submissions_are_400_with_chinese_messages_and_write_nothing(users, api_for, checklist, group, target, mutate, field):
    version = checklist.current_version
    body = payload(group, target, version)
    items = list(version.items.order_by("sort_order"))
    mutate(body, version)
    field = field.format(first=items[0].pk, third=items[2].pk, n=len(body["answers"]) - 1)
    before = counts()
    response = api_for(users[Role.INSPECTOR]).post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert field in errors, errors
    assert counts() == before


def test_each_role_sees_only_inspections_in_its_scope(users, api_for, make_user, checklist, group, target, make_target, ref):
    from cms.records import save_record
    from workflows.inspections.models import InspectionGroup
    from workflows.inspections.services import inspection_submit

    version = checklist.current_version
    ours = inspection_submit(actor=users[Role.INSPECTOR], reason="t", group=group, target=target, inspected_on=timezone.localdate(),
                             method="planned", inspectors=[], checklist_version=version, answers=answers_for(version), started_at=started()).inspection
    zjj_group = save_record(instance=InspectionGroup(name="住建局行业组", kind="industry", lead_department=ref["departments"]["住建局"]),
                            actor=None, reason="t", m2m={"sectors": [ref["sectors"]["建筑施工"]]})
    site = make_target("北高某工地", jurisdiction="北高镇", sectors=("建筑施工",))
    zjj_user = make_user(Role.DEPARTMENT, department="住建局")
    theirs = inspection_submit(actor=zjj_user, reason="t", group=zjj_group, target=site, inspected_on=timezone.localdate(), method="planned",
                               inspectors=[], checklist_version=None, answers=[], summary="现场座谈", started_at=started()).inspection

    def ids(user, query=""):
        return {row["id"] for row in api_for(user).get(f"/api/v1/inspections/{query}").json()["results"]}

    assert ids(users[Role.OFFICE_EDITOR]) == {ours.pk, theirs.pk}
    assert ids(users[Role.AUDITOR]) == {ours.pk, theirs.pk}
    assert ids(users[Role.DEPARTMENT]) == {ours.pk}
    assert ids(users[Role.INSPECTOR]) == {ours.pk}
    assert ids(users[Role.JURISDICTION]) == {ours.pk}  # 拱辰街道
    assert ids(zjj_user) == {theirs.pk}
    assert api_for(zjj_user).get(f"/api/v1/inspections/{ours.pk}/").status_code == 404
    assert ids(users[Role.OFFICE_EDITOR], f"?month={timezone.localdate():%Y-%m}&jurisdiction={site.jurisdiction_id}") == {theirs.pk}
    assert ids(users[Role.OFFICE_EDITOR], f"?sector={ref['sectors']['危化品'].pk}") == {ours.pk}
    assert ids(users[Role.OFFICE_EDITOR], f"?group={zjj_group.pk}&target={site.pk}") == {theirs.pk}
    assert api_for(users[Role.OFFICE_EDITOR]).get("/api/v1/inspections/?month=2026-13").status_code == 400
    # groups and plans are scoped the same way
    group_ids = {g["id"] for g in api_for(zjj_user).get("/api/v1/groups/").json()["results"]}
    assert zjj_group.pk in group_ids and group.pk not in group_ids
    assert api_for(users[Role.AUDITOR]).post("/api/v1/inspections/", payload(group, target, version), format="json").status_code == 403
    assert api_for(users[Role.JURISDICTION]).post("/api/v1/inspections/", payload(group, target, version), format="json").status_code == 403


def test_checklists_api_lists_versions_and_items(users, api_for, checklist):
    data = api_for(users[Role.INSPECTOR]).get("/api/v1/checklists/").json()["results"]
    row = next(r for r in data if r["id"] == checklist.pk)
    assert row["current_version"]["number"] == 1
    assert {i["answer_type"] for i in row["current_version"]["items"]} == {"pass_fail", "number", "choice", "text", "photo"}
    assert [v["number"] for v in row["versions"]] == [1]


def test_feedback_is_recorded_through_the_api(users, api_for, checklist, group, target):
    response = api_for(users[Role.INSPECTOR]).post("/api/v1/inspections/", payload(group, target, checklist.current_version), format="json")
    pk = response.json()["id"]
    bad = api_for(users[Role.INSPECTOR]).post(f"/api/v1/inspections/{pk}/feedback/", {"problems": ""}, format="json")
    assert bad.status_code == 400
    ok = api_for(users[Role.INSPECTOR]).post(f"/api/v1/inspections/{pk}/feedback/", {
        "problems": "1. 消防通道堵塞", "suggestions": "立即清理", "rectification_deadline": str(timezone.localdate() + datetime.timedelta(days=7)),
        "recipient": "张经理"}, format="json")
    assert ok.status_code == 200, ok.json()
    assert api_for(users[Role.OFFICE_EDITOR]).get(f"/api/v1/inspections/{pk}/").json()["feedback"]["recipient"] == "张经理"


def test_fifty_item_submission_uses_a_bounded_number_of_queries(users, api_for, ref, group, target):
    from tests.cms.checklists.factories import build_template

    template = build_template(users[Role.OFFICE_EDITOR], [ref["sectors"]["危化品"]], name="五十项检查表", items=44)
    version = template.current_version
    assert version.items.count() == 50
    body = payload(group, target, version, answers=answers_for(version, fail={"附加检查项1", "附加检查项2"}))
    with CaptureQueriesContext(connection) as ctx:
        response = api_for(users[Role.INSPECTOR]).post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 201, response.json()
    assert len(response.json()["hazards"]) == 2
    assert len(ctx.captured_queries) < 150, len(ctx.captured_queries)


def test_schema_documents_the_inspection_endpoints(users, api_for):
    response = api_for(users[Role.OFFICE_EDITOR]).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for p in ("/api/v1/inspections/", "/api/v1/checklists/", "/api/v1/groups/", "/api/v1/plans/", "/api/v1/compliance/"):
        assert p in paths
