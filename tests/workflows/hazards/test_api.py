import datetime

import pytest
from django.utils import timezone

from cms.directory.models import Department, Sector
from cms.roles import Role
from workflows.hazards.models import Hazard, HazardState, Order

from .factories import GENERAL_PLAN, advance, png_upload, register

pytestmark = pytest.mark.django_db


def soon(days=7):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_whole_loop_through_the_api_with_history(users, api_for, make_target):
    target = make_target("荔城化工")
    inspector = api_for(users[Role.INSPECTOR])
    response = inspector.post("/api/v1/hazards/", {"description": "储罐区静电接地断开", "target": target.pk,
                                                   "sector": Sector.objects.get(name="危化品").pk, "reason": "现场检查"}, format="json")
    assert response.status_code == 201, response.json()
    hid = response.json()["id"]
    assert response.json()["state"] == "reported"
    assert "fix_on_spot" in response.json()["allowed_actions"]

    office = api_for(users[Role.OFFICE_EDITOR])
    dept_id = Department.objects.get(short_name="应急管理局").pk
    r = office.post(f"/api/v1/hazards/{hid}/assign/", {"responsible_kind": "department", "responsible_department": dept_id,
                                                       "responsible_person": "王五", "deadline": soon(), "issue_order": True,
                                                       "version": 1, "reason": "交应急局整改"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "assigned" and r.json()["version"] == 2
    order = Order.objects.get(hazards=hid)
    assert order.kind == "assignment" and order.number.startswith("荔安办交〔") and order.recipient_department_id == dept_id

    dept = api_for(users[Role.DEPARTMENT])
    r = dept.post(f"/api/v1/hazards/{hid}/plan/", {**GENERAL_PLAN, "deadline": soon(5), "version": 2}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "rectifying"
    r = dept.post(f"/api/v1/hazards/{hid}/submit/", {"text": "已恢复接地", "photos": [png_upload()], "version": 3}, format="multipart")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "submitted"
    r = office.post(f"/api/v1/hazards/{hid}/reject/", {"reason": "照片看不清接地线", "version": 4}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "rectifying"
    assert r.json()["last_reject_reason"] == "照片看不清接地线"
    r = dept.post(f"/api/v1/hazards/{hid}/submit/", {"text": "重新拍照", "version": 5}, format="json")
    assert r.status_code == 200
    r = office.post(f"/api/v1/hazards/{hid}/verify/", {"version": 6, "reason": "复核通过"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "closed"

    history = api_for(users[Role.AUDITOR]).get(f"/api/v1/hazards/{hid}/history/")
    assert history.status_code == 200
    rows = history.json()
    hazard_actions = [row["action"] for row in rows if row["object_type"] == "隐患"]
    assert hazard_actions == ["verify", "submit", "reject", "submit", "plan", "assign", "register"]
    verify_row = rows[0]
    assert verify_row["user"] and verify_row["reason"] == "复核通过" and verify_row["ip_address"] == "127.0.0.1"
    state_change = next(c for c in verify_row["changes"] if c["field"] == "state")
    assert (state_change["label"], state_change["old"], state_change["new"]) == ("状态", "待复核", "已销号")
    kinds = {row["object_type"] for row in rows}
    assert {"隐患", "整改方案", "整改佐证", "隐患照片", "三单"} <= kinds


def test_stale_version_is_409_and_changes_nothing(users, api_for, make_target):
    hazard = register(users[Role.OFFICE_ADMIN], make_target("甲"))
    office = api_for(users[Role.OFFICE_ADMIN])
    body = {"responsible_kind": "target", "responsible_person": "厂长", "deadline": soon(), "version": 7}
    r = office.post(f"/api/v1/hazards/{hazard.pk}/assign/", body, format="json")
    assert r.status_code == 409 and "版本" in r.json()["detail"]
    hazard.refresh_from_db()
    assert hazard.state == HazardState.REPORTED and hazard.version == 1


def test_refusals_have_chinese_messages_and_codes(users, api_for, make_target):
    hazard = register(users[Role.OFFICE_ADMIN], make_target("乙"))
    r = api_for(users[Role.AUDITOR]).post(f"/api/v1/hazards/{hazard.pk}/assign/", {}, format="json")
    assert r.status_code == 403
    r = api_for(users[Role.DEPARTMENT]).post(f"/api/v1/hazards/{hazard.pk}/assign/", {"responsible_kind": "target",
                                                "responsible_person": "x", "deadline": soon()}, format="json")
    assert r.status_code == 403 and "交办" in r.json()["detail"]
    r = api_for(users[Role.OFFICE_ADMIN]).post(f"/api/v1/hazards/{hazard.pk}/verify/", {}, format="json")
    assert r.status_code == 409 and "登记" in r.json()["detail"]
    r = api_for(users[Role.OFFICE_ADMIN]).post(f"/api/v1/hazards/{hazard.pk}/assign/", {"responsible_kind": "department",
                                               "responsible_person": "x", "deadline": soon()}, format="json")
    assert r.status_code == 400 and r.json()["errors"]["responsible_department"] == ["请选择责任单位"]
    hazard.refresh_from_db()
    assert hazard.version == 1 and Hazard.history.filter(id=hazard.pk).count() == 1


def test_hazard_outside_scope_is_404(users, api_for, make_target):
    hazard = register(users[Role.OFFICE_ADMIN], make_target("丙", jurisdiction="黄石镇", sectors=("消防",)), sector="消防")
    r = api_for(users[Role.JURISDICTION]).get(f"/api/v1/hazards/{hazard.pk}/")
    assert r.status_code == 404
    r = api_for(users[Role.JURISDICTION]).post(f"/api/v1/hazards/{hazard.pk}/plan/", {}, format="json")
    assert r.status_code == 404


@pytest.fixture
def three(users, make_target):
    """a: assigned to 应急管理局 (deadline in 10 days), supervised; b: reported in 黄石镇, found on the 1st of
    last month; c: assigned, found today, deadline in 10 days, not supervised."""
    office = users[Role.OFFICE_ADMIN]
    a = advance(register(office, make_target("丁厂"), description="消防通道堵塞"), HazardState.ASSIGNED, office=office,
                responsible=users[Role.DEPARTMENT], supervise=True)
    b = register(office, make_target("戊厂", jurisdiction="黄石镇"), description="气瓶未固定")
    first_of_last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    from tests.exports.builders import set_fields

    set_fields(b, found_at=timezone.make_aware(datetime.datetime.combine(first_of_last_month, datetime.time(0, 30))))
    c = advance(register(office, make_target("己厂"), description="配电箱未接地"), HazardState.ASSIGNED, office=office,
                responsible=users[Role.DEPARTMENT])
    return {"a": a, "b": b, "c": c, "first_of_last_month": first_of_last_month}


def _filter_cases(three):
    a, b, c, day = three["a"], three["b"], three["c"], three["first_of_last_month"]
    return [
        ({"search": "通道"}, {a}),
        ({"state": "reported"}, {b}),
        ({"state": ["reported", "assigned"]}, {a, b, c}),
        ({"jurisdiction": b.jurisdiction_id}, {b}),
        ({"responsible_department": a.responsible_department_id}, {a, c}),
        ({"supervised": "true"}, {a}),
        ({"supervised": "false"}, {b, c}),
        ({"overdue": "false"}, {a, b, c}),
        ({"overdue": "true"}, set()),
        ({"deadline_from": soon(9), "deadline_to": soon(11)}, {a, c}),
        ({"found_from": day.isoformat(), "found_to": day.isoformat()}, {b}),  # 00:30 local on that day: a local-day bound
        ({"found_from": (day + datetime.timedelta(days=1)).isoformat()}, {a, c}),
    ]


def test_filters_and_search(three, users, api_for):
    """Each filter of the hazard list selects exactly the hazards it names (an ignored filter would
    return all three), with the names shared by the admin and the ledger export."""
    client = api_for(users[Role.OFFICE_ADMIN])
    for params, expected in _filter_cases(three):
        response = client.get("/api/v1/hazards/", params)
        assert response.status_code == 200, response.json()
        assert {row["id"] for row in response.json()["results"]} == {h.pk for h in expected}, params
    ordered = client.get("/api/v1/hazards/", {"ordering": "-found_at"}).json()["results"]
    assert [row["id"] for row in ordered] == [three["c"].pk, three["a"].pk, three["b"].pk]


def test_the_admin_listing_and_the_ledger_filter_with_the_same_names(three, users, api_for):
    import io

    from django.test import Client
    from openpyxl import load_workbook

    admin = Client()
    admin.force_login(users[Role.OFFICE_ADMIN])
    export = api_for(users[Role.OFFICE_ADMIN])
    for params, expected in _filter_cases(three):
        if "search" not in params:  # the admin searches with its own box (q), over the same fields
            page = admin.get("/admin/snippets/hazards/hazard/", params)
            assert page.status_code == 200
            listed = {h.code for h in (three["a"], three["b"], three["c"]) if h.code in page.content.decode()}
            assert listed == {h.code for h in expected}, ("admin", params)
        response = export.get("/api/v1/exports/hazard-ledger/", params)
        assert response.status_code == 200, ("ledger", params)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["隐患台账"]
        rows = list(sheet.iter_rows(values_only=True))
        header = next(i for i, row in enumerate(rows) if "隐患编号" in row)  # below the sheet's title row
        column = rows[header].index("隐患编号")
        codes = {row[column] for row in rows[header + 1:] if row[column]}
        assert codes == {h.code for h in expected}, ("ledger", params)
    searched = admin.get("/admin/snippets/hazards/hazard/", {"q": "通道"}).content.decode()
    assert three["a"].code in searched and three["b"].code not in searched


@pytest.mark.parametrize("url", ["/api/v1/hazards/", "/api/v1/exports/hazard-ledger/"])
def test_unknown_or_old_parameter_names_are_refused(three, users, api_for, url):
    client = api_for(users[Role.OFFICE_ADMIN])
    for old in ("is_supervised", "found_after", "found_before", "deadline_after", "statee"):
        response = client.get(url, {old: "true"})
        assert response.status_code == 400, (url, old)
        assert response.json()["errors"] == {old: ["不支持的查询参数"]} and "不支持的查询参数" in response.json()["detail"]
    bad_value = client.get(url, {"supervised": "maybe"})
    assert bad_value.status_code == 400 and bad_value.json()["errors"]["supervised"] == ["只能是 true 或 false"]


def test_list_query_count_does_not_grow(users, api_for, make_target, django_assert_num_queries):
    office = users[Role.OFFICE_ADMIN]
    target = make_target("己厂")
    client = api_for(users[Role.DEPARTMENT])
    from workflows.hazards.services import hazard_supervise

    first = advance(register(office, target), HazardState.RECTIFYING, office=office, responsible=users[Role.DEPARTMENT])
    hazard_supervise(hazard=first, actor=office, reason="督办")
    client.get("/api/v1/hazards/")  # warm the role/scope lookups of this user object
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/hazards/").json()["count"] == 1
        assert client.get("/api/v1/orders/").json()["count"] == 1
    for i in range(6):
        advance(register(office, target, description=f"隐患{i}"), HazardState.ASSIGNED, office=office, responsible=users[Role.DEPARTMENT])
        hazard_supervise(hazard=Hazard.objects.order_by("-id").first(), actor=office, reason="督办")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/hazards/").json()["count"] == 7
        assert client.get("/api/v1/orders/").json()["count"] == 7
