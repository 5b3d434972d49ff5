import datetime

import pytest
from django.utils import timezone

from cms.errors import InvalidInput, NotAllowed, StateConflict
from cms.roles import Role
from workflows.hazards.models import Hazard, HazardState, Order, OrderStatus
from workflows.hazards.services_orders import order_acknowledge, order_answer, order_close, order_issue

pytestmark = pytest.mark.django_db


def issue(actor, ref, kind="assignment", **extra):
    return order_issue(actor=actor, reason="发文", kind=kind, content="请整改", due_date=timezone.localdate() + datetime.timedelta(days=5),
                       recipient_department=ref["departments"]["应急管理局"], **extra)


def test_numbers_are_per_kind_and_year(users, ref):
    office = users[Role.OFFICE_EDITOR]
    year = timezone.localdate().year
    a1, a2 = issue(office, ref), issue(office, ref)
    s1 = issue(office, ref, kind="supervision")
    r1 = issue(office, ref, kind="reminder")
    assert [a1.number, a2.number] == [f"荔安办交〔{year}〕1号", f"荔安办交〔{year}〕2号"]
    assert s1.number == f"荔安办督〔{year}〕1号"
    assert r1.number == f"荔安办提〔{year}〕1号"
    assert a1.issuing_department.short_name == "区安办"
    next_year = order_issue(actor=office, reason="", kind="assignment", content="x", due_date=timezone.localdate(),
                            recipient_department=ref["departments"]["应急管理局"],
                            issued_at=timezone.now().replace(year=year + 1))
    assert next_year.number == f"荔安办交〔{year + 1}〕1号"


def test_status_flow_and_who_may_act(users, ref):
    office, dept, jur = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT], users[Role.JURISDICTION]
    order = issue(office, ref)
    with pytest.raises(NotAllowed):
        issue(dept, ref)
    with pytest.raises(NotAllowed):
        order_acknowledge(order=order, actor=jur, reason="")  # not the recipient
    with pytest.raises(NotAllowed):
        order_acknowledge(order=order, actor=users[Role.AUDITOR])
    with pytest.raises(StateConflict):
        order_answer(order=order, actor=dept, reply="已整改")  # not yet acknowledged
    order_acknowledge(order=order, actor=dept, reason="已收到", expected_version=1)
    with pytest.raises(StateConflict):
        order_acknowledge(order=order, actor=dept, reason="again")
    with pytest.raises(InvalidInput):
        order_answer(order=order, actor=dept, reply="  ")
    order_answer(order=order, actor=dept, reply="已全部整改完毕", reason="回复")
    with pytest.raises(NotAllowed):
        order_close(order=order, actor=dept)
    order_close(order=order, actor=office, reason="办结")
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.reply == "已全部整改完毕" and order.version == 4
    actions = [h.last_action for h in Order.history.filter(id=order.pk).order_by("history_id")]
    assert actions == ["issue", "acknowledge", "answer", "close"]
    assert all(h.history_change_reason for h in Order.history.filter(id=order.pk))


def test_recipient_sees_order_and_others_do_not(users, ref, api_for):
    order = issue(users[Role.OFFICE_ADMIN], ref)
    assert api_for(users[Role.DEPARTMENT]).get(f"/api/v1/orders/{order.pk}/").status_code == 200
    assert api_for(users[Role.JURISDICTION]).get(f"/api/v1/orders/{order.pk}/").status_code == 404
    r = api_for(users[Role.DEPARTMENT]).post(f"/api/v1/orders/{order.pk}/acknowledge/", {"version": 1}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = api_for(users[Role.DEPARTMENT]).post(f"/api/v1/orders/{order.pk}/answer/", {"reply": ""}, format="json")
    assert r.status_code == 400
    r = api_for(users[Role.DEPARTMENT]).post(f"/api/v1/orders/{order.pk}/answer/", {"reply": "已落实", "version": 1}, format="json")
    assert r.status_code == 409
    r = api_for(users[Role.DEPARTMENT]).post(f"/api/v1/orders/{order.pk}/answer/", {"reply": "已落实", "version": 2}, format="json")
    assert r.status_code == 200 and r.json()["status_label"] == "已回复"
    r = api_for(users[Role.OFFICE_ADMIN]).post("/api/v1/orders/", {"kind": "reminder", "content": "注意时限", "due_date": "2030-01-01",
                                                "recipient_jurisdiction": ref["jurisdictions"]["拱辰街道"].pk}, format="json")
    assert r.status_code == 201 and r.json()["number"].startswith("荔安办提")


def test_an_order_keeps_what_it_said_at_issue(users, ref, make_target):
    """The snapshot is taken by order_issue: the hazards with their state and deadline then;
    whatever happens to them afterwards, the order still says what it said."""
    from .factories import advance, register

    office = users[Role.OFFICE_ADMIN]
    hazard = register(office, make_target("荔园化工有限公司", jurisdiction="拱辰街道", sectors=("危化品",)))
    order = issue(office, ref, hazards=[hazard])
    (item,) = order.snapshot["hazards"]
    assert item["code"] == hazard.code and item["state"] == "登记" and item["deadline"] is None
    assert item["target"] == "荔园化工有限公司" and item["problem"] == "配电箱电线老化破损" and item["level"] == "一般隐患"
    assert order.snapshot["recipient"] == "区应急管理局" and order.snapshot["issuer"] == "荔城区安委会办公室"
    advance(hazard, HazardState.CLOSED, office=office, responsible=users[Role.DEPARTMENT])
    order.refresh_from_db()
    assert order.snapshot["hazards"][0]["state"] == "登记"
    assert "snapshot" not in {f.name for f in Order.history.model._meta.fields}  # written once, not a history column


def test_orders_issued_before_the_snapshot_are_filled_from_history(users, ref, make_target):
    """Migration 0011 fills old orders with their hazards as their history says they were at issue."""
    import importlib

    from django.apps import apps

    from .factories import advance, register

    office = users[Role.OFFICE_ADMIN]
    hazard = register(office, make_target("荔园化工有限公司", jurisdiction="拱辰街道", sectors=("危化品",)))
    advance(hazard, HazardState.ASSIGNED, office=office, responsible=users[Role.DEPARTMENT])
    order = issue(office, ref, hazards=[hazard])
    hazard.refresh_from_db()
    hazard.state = "rectifying"  # a change after the issue: its history row is newer than issued_at
    hazard._change_reason = "测试：发文之后的变化"
    hazard.save()
    assert Hazard.history.filter(id=hazard.pk, history_date__gt=order.issued_at).exists()
    order.snapshot = {}  # as before migration 0010
    order._change_reason = "测试：清空快照"
    order.save()
    fill = importlib.import_module("workflows.hazards.migrations.0011_order_snapshot_fill").fill
    fill(apps, None)
    order.refresh_from_db()
    (item,) = order.snapshot["hazards"]
    assert item["state"] == "已交办" and item["code"] == hazard.code and item["responsible_unit"] == "区应急管理局"
    assert order.snapshot["recipient"] == "区应急管理局" and order.snapshot["filled_from_history"]


def test_orders_issued_before_the_names_were_kept_get_them_from_the_current_names(users, ref):
    """Migration 0012 adds the full names and the date an order is printed with to the snapshot of
    orders issued before ``order_issue`` kept them: as they read when it runs."""
    import importlib

    from django.apps import apps

    office = users[Role.OFFICE_ADMIN]
    order = issue(office, ref)
    kept = dict(order.snapshot)
    assert kept["issuer_full_name"] == "荔城区人民政府安全生产委员会办公室"
    assert kept["recipient_full_name"] == "荔城区应急管理局" and kept["issued_on"] == timezone.localdate().isoformat()
    order.snapshot = {k: v for k, v in kept.items() if k not in ("issuer_full_name", "recipient_full_name", "issued_on")}
    order._change_reason = "测试：如迁移0012之前"
    order.save()
    fill = importlib.import_module("workflows.hazards.migrations.0012_order_snapshot_names").fill
    fill(apps, None)
    order.refresh_from_db()
    assert order.snapshot == kept
    history = Order.history.filter(id=order.pk).count()
    fill(apps, None)  # a second run changes nothing
    order.refresh_from_db()
    assert order.snapshot == kept and Order.history.filter(id=order.pk).count() == history
