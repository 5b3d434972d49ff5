"""会商研判: 1–2 sectors, lead and participating departments, measures; a measure becomes a
工作交办单 (the 三单 loop) to its unit; scope and the admin form's validation."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from cms.errors import InvalidInput, NotAllowed, StateConflict
from cms.roles import Role
from workflows.hazards.models import Order, OrderKind, OrderStatus
from workflows.reporting.models import Consultation, ConsultationMeasure
from workflows.reporting.selectors import consultations_in_month
from workflows.reporting.services import ConsultationInput, MeasureInput, consultation_save, measure_issue

pytestmark = pytest.mark.django_db


def payload(ref, sectors=("危化品",), **extra):
    body = {
        "held_on": "2026-10-15", "title": "危化品、燃气行业安全形势会商",
        "sectors": [ref["sectors"][s].pk for s in sectors],
        "lead_departments": [ref["departments"]["应急管理局"].pk],
        "participating_departments": [ref["departments"]["住建局"].pk, ref["departments"]["消防救援大队"].pk],
        "situation_analysis": "三季度危化品使用企业隐患数量上升。", "risks": "小微企业储存不规范，存在火灾爆炸风险。",
        "measures": [
            {"content": "开展危化品使用企业专项检查", "responsible_department": ref["departments"]["应急管理局"].pk, "deadline": "2026-11-30"},
            {"content": "督促拱辰街道排查出租房燃气使用", "responsible_jurisdiction": ref["jurisdictions"]["拱辰街道"].pk},
        ],
        "reason": "十月会商",
    }
    body.update(extra)
    return body


def test_sector_count_is_one_or_two(ref, users, api_for):
    office = api_for(users[Role.OFFICE_EDITOR])
    none = office.post("/api/v1/consultations/", payload(ref, sectors=()), format="json")
    assert none.status_code == 400 and "sectors" in none.json()["errors"]
    three = office.post("/api/v1/consultations/", payload(ref, sectors=("危化品", "燃气", "消防")), format="json")
    assert three.status_code == 400 and "1–2" in three.json()["errors"]["sectors"][0]
    two = office.post("/api/v1/consultations/", payload(ref, sectors=("危化品", "燃气")), format="json")
    assert two.status_code == 201, two.json()
    body = two.json()
    assert len(body["sectors"]) == 2 and len(body["measures"]) == 2
    assert body["measures"][0]["status"] == "planned"
    assert Consultation.objects.count() == 1
    assert consultations_in_month(datetime.date(2026, 10, 1)).count() == 1
    assert consultations_in_month(datetime.date(2026, 11, 1)).count() == 0


def test_only_the_office_records_consultations(ref, users, api_for):
    assert api_for(users[Role.DEPARTMENT]).post("/api/v1/consultations/", payload(ref), format="json").status_code == 403
    with pytest.raises(NotAllowed):
        consultation_save(actor=users[Role.AUDITOR], reason="", data=ConsultationInput(
            held_on=datetime.date(2026, 10, 15), title="x", situation_analysis="x", risks="x",
            sectors=[ref["sectors"]["危化品"]], lead_departments=[ref["departments"]["应急管理局"]]))


def test_consultations_are_scoped_to_their_departments(ref, users, api_for, make_user):
    created = api_for(users[Role.OFFICE_EDITOR]).post("/api/v1/consultations/", payload(ref), format="json").json()
    lead = {c["id"] for c in api_for(users[Role.DEPARTMENT]).get("/api/v1/consultations/").json()["results"]}
    assert created["id"] in lead
    stranger = make_user(Role.DEPARTMENT, department="教育局", username="t_edu")
    assert api_for(stranger).get(f"/api/v1/consultations/{created['id']}/").status_code == 404
    jur = {m["id"] for m in api_for(users[Role.JURISDICTION]).get("/api/v1/consultation-measures/").json()["results"]}
    assert jur == {created["measures"][1]["id"]}  # only the measure given to 拱辰街道


def test_measure_becomes_a_work_order_with_its_loop(ref, users, api_for):
    office = users[Role.OFFICE_ADMIN]
    created = api_for(office).post("/api/v1/consultations/", payload(ref), format="json").json()
    first, second = created["measures"]
    assert api_for(users[Role.DEPARTMENT]).post(f"/api/v1/consultation-measures/{first['id']}/issue/", {}, format="json").status_code == 403
    issued = api_for(office).post(f"/api/v1/consultation-measures/{first['id']}/issue/", {"reason": "交办"}, format="json")
    assert issued.status_code == 200, issued.json()
    assert issued.json()["status"] == "issued"
    order = Order.objects.get(pk=issued.json()["order"])
    assert order.kind == OrderKind.ASSIGNMENT and order.status == OrderStatus.ISSUED
    assert order.recipient_department.short_name == "应急管理局" and order.due_date == datetime.date(2026, 11, 30)
    assert "开展危化品使用企业专项检查" in order.content
    again = api_for(office).post(f"/api/v1/consultation-measures/{first['id']}/issue/", {}, format="json")
    assert again.status_code == 409
    no_deadline = api_for(office).post(f"/api/v1/consultation-measures/{second['id']}/issue/", {}, format="json")
    assert no_deadline.status_code == 400
    to_town = api_for(office).post(f"/api/v1/consultation-measures/{second['id']}/issue/", {"deadline": "2026-12-15"}, format="json")
    assert to_town.status_code == 200
    assert Order.objects.get(pk=to_town.json()["order"]).recipient_jurisdiction.name == "拱辰街道"
    measure = ConsultationMeasure.objects.get(pk=first["id"])
    assert measure.history.filter(status="issued").exists()


def test_editing_keeps_issued_measures(ref, users):
    office = users[Role.OFFICE_ADMIN]
    data = ConsultationInput(
        held_on=datetime.date(2026, 10, 15), title="会商", situation_analysis="形势", risks="风险",
        sectors=[ref["sectors"]["燃气"]], lead_departments=[ref["departments"]["住建局"]],
        measures=[MeasureInput(content="燃气专项检查", responsible_department=ref["departments"]["住建局"], deadline=datetime.date(2026, 11, 30)),
                  MeasureInput(content="临时措施")],
    )
    consultation = consultation_save(actor=office, reason="新增", data=data)
    issued, planned = consultation.measures.order_by("sort_order")
    measure_issue(actor=office, reason="", measure=issued)
    with pytest.raises(StateConflict):
        measure_issue(actor=office, reason="", measure=issued)
    data.measures = [MeasureInput(content="新的措施", responsible_department=ref["departments"]["住建局"])]
    consultation_save(actor=office, reason="修改措施", data=data, consultation=consultation)
    contents = set(consultation.measures.values_list("content", flat=True))
    assert contents == {"燃气专项检查", "新的措施"}
    with pytest.raises(InvalidInput):
        consultation_save(actor=office, reason="", data=ConsultationInput(
            held_on=datetime.date(2026, 10, 15), title="会商", situation_analysis="形势", risks="风险",
            sectors=[ref["sectors"]["燃气"]], lead_departments=[ref["departments"]["住建局"]],
            measures=[MeasureInput(content="两个责任主体", responsible_department=ref["departments"]["住建局"],
                                   responsible_jurisdiction=ref["jurisdictions"]["拱辰街道"])]))


def test_admin_form_refuses_three_sectors(ref, users):
    c = Client()
    c.force_login(users[Role.OFFICE_EDITOR])
    url = "/admin/snippets/reporting/consultation/add/"
    assert c.get(url).status_code == 200
    data = {"held_on": "2026-10-15", "title": "三个领域", "situation_analysis": "形势", "risks": "风险",
            "sectors": [ref["sectors"][s].pk for s in ("危化品", "燃气", "消防")], "lead_departments": [ref["departments"]["应急管理局"].pk]}
    response = c.post(url, data)
    assert response.status_code == 200 and "1–2 个行业领域" in response.content.decode()
    data["sectors"] = data["sectors"][:2]
    assert c.post(url, data).status_code == 302
    assert Consultation.objects.get().sectors.count() == 2
