"""Guards of the loop: what each action needs, and who may close supervised/major hazards."""

import datetime

import pytest
from django.utils import timezone

from cms.errors import InvalidInput, NotAllowed, StateConflict
from cms.roles import Role
from workflows.hazards import services
from workflows.hazards.models import Hazard, HazardEvidence, HazardLevel, HazardPlan, HazardState, Order

from .factories import GENERAL_PLAN, MAJOR_PLAN, advance, png_upload, register

pytestmark = pytest.mark.django_db


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_major_plan_needs_all_six_parts(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("重大厂"), level=HazardLevel.MAJOR), HazardState.ASSIGNED, office=office, responsible=dept)
    with pytest.raises(InvalidInput) as exc:
        services.hazard_plan(hazard=hazard, actor=dept, reason="", deadline=in_days(5), **GENERAL_PLAN)
    assert set(exc.value.fields) == set(HazardPlan.MAJOR_FIELDS)
    assert "治理目标和任务" in exc.value.fields["goal_and_tasks"][0]
    hazard.refresh_from_db()
    assert hazard.state == HazardState.ASSIGNED and not HazardPlan.objects.exists()
    services.hazard_plan(hazard=hazard, actor=dept, reason="", deadline=in_days(5), **MAJOR_PLAN)
    hazard.refresh_from_db()
    assert hazard.state == HazardState.RECTIFYING and hazard.rectification_measures == MAJOR_PLAN["measures"]


def test_plan_guards(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("方案厂")), HazardState.ASSIGNED, office=office, responsible=dept)
    with pytest.raises(InvalidInput) as exc:
        services.hazard_plan(hazard=hazard, actor=dept, reason="", measures="", deadline=None, responsible_person="")
    assert set(exc.value.fields) == {"measures", "deadline", "responsible_person"}
    with pytest.raises(InvalidInput) as exc:
        services.hazard_plan(hazard=hazard, actor=dept, reason="", deadline=in_days(30), **GENERAL_PLAN)
    assert "不能晚于交办时限" in exc.value.fields["deadline"][0]


def test_assign_guards(users, make_target, ref):
    office = users[Role.OFFICE_ADMIN]
    hazard = register(office, make_target("交办厂"))
    with pytest.raises(InvalidInput) as exc:
        services.hazard_assign(hazard=hazard, actor=office, responsible_kind="jurisdiction", responsible_person="", deadline=in_days(-1))
    assert set(exc.value.fields) == {"responsible_jurisdiction", "responsible_person", "deadline"}
    services.hazard_assign(hazard=hazard, actor=office, responsible_kind="jurisdiction", responsible_jurisdiction=ref["jurisdictions"]["拱辰街道"],
                           responsible_person="街道安监办", deadline=in_days(3), issue_order=True, reason="交属地")
    order = Order.objects.get(hazards=hazard)
    assert order.recipient_jurisdiction.name == "拱辰街道" and order.due_date == in_days(3)
    # the jurisdiction user is now the responsible unit and may plan
    jur = users[Role.JURISDICTION]
    assert services.allowed_actions(jur, Hazard.objects.get(pk=hazard.pk)) == ["plan"]


def test_submit_and_fix_on_spot_need_evidence(users, make_target):
    office, dept, inspector = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT], users[Role.INSPECTOR]
    hazard = advance(register(office, make_target("佐证厂")), HazardState.RECTIFYING, office=office, responsible=dept)
    with pytest.raises(InvalidInput):
        services.hazard_submit(hazard=hazard, actor=dept, text=" ")
    on_spot = register(inspector, make_target("即改厂"))
    with pytest.raises(InvalidInput):
        services.hazard_fix_on_spot(hazard=on_spot, actor=inspector, text="")
    evidence = services.hazard_fix_on_spot(hazard=on_spot, actor=inspector, text="当场关闭阀门", photos=[png_upload()])
    assert evidence.kind == HazardEvidence.Kind.ON_SPOT and evidence.photos.count() == 1
    on_spot.refresh_from_db()
    assert on_spot.state == HazardState.SUBMITTED
    with pytest.raises(InvalidInput):
        services.hazard_submit(hazard=advance(register(office, make_target("坏图厂")), HazardState.RECTIFYING, office=office, responsible=dept),
                               actor=dept, text="x", photos=[png_upload().__class__("x.png", b"not an image", content_type="image/png")])


def test_major_hazard_cannot_be_fixed_on_the_spot(users, make_target):
    inspector = users[Role.INSPECTOR]
    hazard = register(inspector, make_target("重大即改厂"), level=HazardLevel.MAJOR)
    with pytest.raises(InvalidInput):
        services.hazard_fix_on_spot(hazard=hazard, actor=inspector, text="当场整改")
    assert "fix_on_spot" not in services.allowed_actions(inspector, hazard)


def test_reject_needs_a_reason(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("退回厂")), HazardState.SUBMITTED, office=office, responsible=dept)
    with pytest.raises(InvalidInput):
        services.hazard_reject(hazard=hazard, actor=office, reason="  ")
    hazard.refresh_from_db()
    assert hazard.state == HazardState.SUBMITTED


def test_supervised_hazard_only_office_closes(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("督办厂")), HazardState.SUBMITTED, office=office, responsible=dept, supervise=True)
    assert hazard.is_supervised
    order = Order.objects.get(hazards=hazard, kind="supervision")
    assert order.number.startswith("荔安办督〔") and order.recipient_department.short_name == "应急管理局"
    with pytest.raises(NotAllowed) as exc:
        services.hazard_verify(hazard=hazard, actor=dept)
    assert "区安办" in exc.value.message
    with pytest.raises(StateConflict):
        services.hazard_supervise(hazard=hazard, actor=office)
    assert services.allowed_actions(dept, hazard) == []
    services.hazard_verify(hazard=hazard, actor=office, reason="区安办复核")
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED and hazard.closed_by == office


def test_major_hazard_only_office_closes(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("重大销号厂"), level=HazardLevel.MAJOR), HazardState.SUBMITTED, office=office, responsible=dept)
    with pytest.raises(NotAllowed):
        services.hazard_verify(hazard=hazard, actor=dept)


def test_history_complete_for_every_action(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("历史厂")), HazardState.SUBMITTED, office=office, responsible=dept, supervise=True)
    services.hazard_reject(hazard=hazard, actor=office, reason="不合格")
    rows = list(Hazard.history.filter(id=hazard.pk).order_by("history_id"))
    assert [r.last_action for r in rows] == ["register", "assign", "supervise", "plan", "submit", "reject"]
    assert [r.state for r in rows] == ["reported", "assigned", "assigned", "rectifying", "submitted", "rectifying"]
    assert [r.version for r in rows] == [1, 2, 3, 4, 5, 6]
    assert all(r.history_change_reason for r in rows)
    assert [r.history_user_id for r in rows] == [office.pk, office.pk, office.pk, dept.pk, dept.pk, office.pk]
    assert HazardPlan.history.filter(hazard_id=hazard.pk).count() == 1
    assert HazardEvidence.history.filter(hazard_id=hazard.pk).count() == 1
    assert Order.history.filter(id__in=hazard.orders.values("pk")).exists()
    assert all(r.chain_seq and r.row_hash for r in rows)
