"""Every (state, action, role) triple against the transition table of issue 4.

The expected outcome is derived from the table written out below (not from the code's table):
a role that may never take the action → 403; the right role in the wrong state → 409; the right
role and state but not the hazard's responsible/lead unit → 403; otherwise it succeeds. Nothing
changes on a refusal.
"""

import datetime

import pytest
from django.utils import timezone

from cms.directory.models import Department
from cms.errors import NotAllowed, StateConflict
from cms.roles import Role
from workflows.hazards import services
from workflows.hazards.models import Hazard

from .factories import GENERAL_PLAN, advance, register

OA, OE, DEPT, JUR, INSP, AUD = Role.OFFICE_ADMIN, Role.OFFICE_EDITOR, Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR, Role.AUDITOR
R, A, RE, S, C = "reported", "assigned", "rectifying", "submitted", "closed"

# action: (from states, to state, roles that may take it at all, roles refused for this hazard)
# The hazard: general, in 拱辰街道, sector 危化品 (led by 应急管理局), assigned to 应急管理局.
# The jurisdiction user (拱辰街道) sees it but is not the responsible unit.
TABLE = {
    "assign": ({R}, A, {OA, OE}, set()),
    "plan": ({A, RE}, RE, {OA, OE, DEPT, JUR}, {JUR}),
    "submit": ({RE}, S, {OA, OE, DEPT, JUR}, {JUR}),
    "fix_on_spot": ({R}, S, {OA, OE, INSP}, set()),
    "verify": ({S}, C, {OA, OE, DEPT}, set()),
    "reject": ({S}, RE, {OA, OE, DEPT}, set()),
    "supervise": ({A, RE, S}, None, {OA, OE}, set()),
}


def expected(state, action, role):
    sources, target, roles, refused = TABLE[action]
    if role not in roles:
        return 403
    if state not in sources:
        return 409
    if role in refused:
        return 403
    return target or state


def call(action, hazard, actor):
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    kwargs = {"hazard": hazard, "actor": actor}
    if action == "assign":
        return services.hazard_assign(reason="交办", responsible_kind="department", responsible_person="王五", deadline=deadline,
                                      responsible_department=Department.objects.get(short_name="应急管理局"), **kwargs)
    if action == "plan":
        return services.hazard_plan(reason="方案", deadline=deadline, **GENERAL_PLAN, **kwargs)
    if action == "submit":
        return services.hazard_submit(reason="完成", text="已整改", **kwargs)
    if action == "fix_on_spot":
        return services.hazard_fix_on_spot(reason="当场整改", text="当场更换", **kwargs)
    if action == "verify":
        return services.hazard_verify(reason="通过", **kwargs)
    if action == "reject":
        return services.hazard_reject(reason="照片不清晰", **kwargs)
    return services.hazard_supervise(reason="督办", **kwargs)


@pytest.mark.parametrize("role", list(Role), ids=[r.name for r in Role])
@pytest.mark.parametrize("action", list(TABLE))
@pytest.mark.parametrize("state", [R, A, RE, S, C])
def test_transition_table(state, action, role, users, make_target):
    office, dept = users[OA], users[DEPT]
    hazard = advance(register(office, make_target("测试化工厂")), state, office=office, responsible=dept)
    before = Hazard.history.filter(id=hazard.pk).count(), hazard.version
    outcome = expected(state, action, role)
    if isinstance(outcome, int):
        error = {403: NotAllowed, 409: StateConflict}[outcome]
        with pytest.raises(error) as exc:
            call(action, hazard, users[role])
        assert exc.value.status_code == outcome
        hazard.refresh_from_db()
        assert hazard.state == state
        assert (Hazard.history.filter(id=hazard.pk).count(), hazard.version) == before
    else:
        call(action, hazard, users[role])
        hazard.refresh_from_db()
        assert hazard.state == outcome
        assert hazard.version == before[1] + 1
        last = Hazard.history.filter(id=hazard.pk).latest("history_id")
        assert last.history_user_id == users[role].pk
        assert last.last_action == action
        assert last.history_change_reason


def test_allowed_actions_match_the_table(users, make_target):
    office, dept = users[OA], users[DEPT]
    for state in [R, A, RE, S, C]:
        hazard = advance(register(office, make_target(f"对象{state}")), state, office=office, responsible=dept)
        for role in Role:
            want = sorted(a for a in TABLE if expected(state, a, role) not in (403, 409))
            assert sorted(services.allowed_actions(users[role], hazard)) == want, (state, role)


