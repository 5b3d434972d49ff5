import datetime

import pytest
from django.utils import timezone

from cms.roles import Role
from workflows.hazards.models import Hazard, HazardState, Order

from .factories import advance, register

pytestmark = pytest.mark.django_db
LIST = "/admin/snippets/hazards/hazard/"


def detail(pk):
    return f"{LIST}inspect/{pk}/"


def buttons(html):
    import re

    return sorted(set(re.findall(r'data-loop-action="([a-z_]+)"', html)))


def test_listing_filters_search_and_scope(client, users, make_target):
    office = users[Role.OFFICE_ADMIN]
    a = register(office, make_target("荔城油库"), description="消防通道堵塞")
    b = register(office, make_target("黄石气站", jurisdiction="黄石镇", sectors=("燃气",)), description="气瓶未固定", sector="燃气")
    client.force_login(office)
    html = client.get(LIST).content.decode()
    assert a.code in html and b.code in html
    html = client.get(LIST, {"q": "通道"}).content.decode()
    assert a.code in html and b.code not in html
    html = client.get(LIST, {"jurisdiction": b.jurisdiction_id}).content.decode()
    assert b.code in html and a.code not in html
    html = client.get(LIST, {"overdue": "true"}).content.decode()
    assert a.code not in html
    client.force_login(users[Role.JURISDICTION])  # 拱辰街道 sees only its own
    html = client.get(LIST).content.decode()
    assert a.code in html and b.code not in html
    assert client.get(detail(b.pk)).status_code == 404


def test_detail_shows_only_allowed_buttons(client, users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("按钮厂")), HazardState.SUBMITTED, office=office, responsible=dept)
    expected = {
        Role.OFFICE_ADMIN: ["reject", "supervise", "verify"],
        Role.DEPARTMENT: ["reject", "verify"],
        Role.JURISDICTION: [],
        Role.INSPECTOR: [],
        Role.AUDITOR: [],
    }
    for role, want in expected.items():
        client.force_login(users[role])
        response = client.get(detail(hazard.pk))
        assert response.status_code == 200, role
        assert buttons(response.content.decode()) == want, role


def test_action_form_calls_the_service(client, users, make_target, ref):
    office = users[Role.OFFICE_EDITOR]
    hazard = register(office, make_target("表单厂"))
    client.force_login(office)
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(f"{LIST}act/{hazard.pk}/assign/", {
        "assign-version": 1, "assign-responsible_kind": "department", "assign-responsible_department": ref["departments"]["应急管理局"].pk,
        "assign-responsible_person": "王五", "assign-deadline": deadline, "assign-issue_order": "on", "assign-reason": "后台交办",
    }, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == HazardState.ASSIGNED
    row = Hazard.history.filter(id=hazard.pk).latest("history_id")
    assert (row.history_change_reason, row.ip_address, row.history_user_id) == ("后台交办", "10.1.2.3", office.pk)
    assert Order.objects.filter(hazards=hazard, kind="assignment").exists()
    changes = client.get(f"{LIST}changes/{hazard.pk}/").content.decode()
    assert "后台交办" in changes and "10.1.2.3" in changes and "已交办" in changes
    # stale version: refused, nothing changes
    response = client.post(f"{LIST}act/{hazard.pk}/supervise/", {"supervise-version": 1}, follow=True)
    assert "已被他人处理" in response.content.decode()
    hazard.refresh_from_db()
    assert not hazard.is_supervised
    # a role that may not act gets a message, not a change
    client.force_login(users[Role.AUDITOR])
    response = client.post(f"{LIST}act/{hazard.pk}/supervise/", {"supervise-version": 2}, follow=True)
    assert "不能执行" in response.content.decode()


def test_inspector_registers_through_the_admin(client, users, make_target, ref):
    target = make_target("检查员厂")
    client.force_login(users[Role.INSPECTOR])
    response = client.post(f"{LIST}add/", {"description": "灭火器过期", "level": "general", "target": target.pk,
                                            "sector": ref["sectors"]["危化品"].pk, "source": "manual", "legal_basis": "",
                                            "change_reason": "现场检查"})
    assert response.status_code == 302, response.content.decode()[:2000]
    hazard = Hazard.objects.get(description="灭火器过期")
    assert hazard.found_by == users[Role.INSPECTOR] and hazard.code.startswith("YH")


def test_edit_and_delete_are_closed(client, users, make_target):
    hazard = register(users[Role.OFFICE_ADMIN], make_target("不可编辑厂"))
    client.force_login(users[Role.OFFICE_ADMIN])
    # Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard
    for response in (client.get(f"{LIST}edit/{hazard.pk}/"), client.post(f"{LIST}delete/{hazard.pk}/")):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert Hazard.objects.filter(pk=hazard.pk).exists()


def test_orders_admin_acknowledge_and_answer(client, users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("单据厂")), HazardState.ASSIGNED, office=office, responsible=dept, supervise=True)
    order = Order.objects.get(hazards=hazard)
    client.force_login(dept)
    url = f"/admin/snippets/hazards/order/inspect/{order.pk}/"
    assert buttons(client.get(url).content.decode()) == ["acknowledge"]
    client.post(f"/admin/snippets/hazards/order/act/{order.pk}/acknowledge/", {"acknowledge-version": 1})
    assert buttons(client.get(url).content.decode()) == ["answer"]
    client.post(f"/admin/snippets/hazards/order/act/{order.pk}/answer/", {"answer-version": 2, "answer-reply": "已停产整改"})
    order.refresh_from_db()
    assert order.status == "answered" and order.reply == "已停产整改"
    client.force_login(office)
    assert buttons(client.get(url).content.decode()) == ["close"]
    assert order.number in client.get("/admin/snippets/hazards/order/").content.decode()


def test_dashboard_shows_what_awaits_me(client, users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    waiting = advance(register(office, make_target("待办厂")), HazardState.ASSIGNED, office=office, responsible=dept)
    reported = register(office, make_target("待交办厂"))
    client.force_login(dept)
    html = client.get("/admin/").content.decode()
    assert "待我处理" in html and waiting.code in html and reported.code not in html
    client.force_login(office)
    html = client.get("/admin/").content.decode()
    assert reported.code in html and waiting.code not in html
