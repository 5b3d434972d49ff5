"""变更历史 of one record, as an auditor reads it: actions by their Chinese names, related records
by name, fields by verbose name, times in Asia/Shanghai."""

import datetime
import re

import pytest
from django.utils import timezone

from cms.roles import Role
from tests.workflows.hazards.factories import advance, register
from workflows.hazards import services
from workflows.hazards.models import Hazard

pytestmark = pytest.mark.django_db


def cells(html: str) -> list[list[str]]:
    body = html.split('class="listing object-history"', 1)[1]
    return [[re.sub(r"<[^>]+>", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]]


def test_hazard_history_names_every_state_change_and_related_record(client, users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    hazard = advance(register(office, make_target("历史一厂")), "submitted", office=office, responsible=dept)
    services.hazard_reject(hazard=hazard, actor=office, reason="照片不清晰")
    hazard.refresh_from_db()
    services.hazard_submit(hazard=hazard, actor=dept, reason="再次提交", text="已重新整改")
    hazard.refresh_from_db()
    services.hazard_verify(hazard=hazard, actor=office, reason="复核通过")
    client.force_login(users[Role.AUDITOR])
    html = client.get(f"/admin/snippets/hazards/hazard/changes/{hazard.pk}/").content.decode()
    rows = cells(html)
    actions = [r[1] for r in rows]
    for label in ("登记", "交办", "整改方案", "整改完成", "退回", "复核销号"):
        assert any(a.startswith(label) for a in actions), (label, actions)
    assert "—" not in actions
    assert "责任单位</strong>：（空） → 区应急管理局" in html
    assert "状态</strong>：待复核 → 已销号" in html
    # people by their names, never their usernames
    assert office.first_name and f"销号人</strong>：（空） → {office.first_name}" in html
    assert f"→ {office.username}" not in html
    assert "responsible_department" not in html and "jurisdiction</strong>" not in html
    assert users[Role.OFFICE_ADMIN].first_name in html  # names, not usernames
    # the 销号时间 diff reads Asia/Shanghai, as the time column does
    closed = Hazard.objects.get(pk=hazard.pk).closed_at
    assert f"销号时间</strong>：（空） → {timezone.localtime(closed):%Y-%m-%d %H:%M}" in html
    assert f"{timezone.localtime(closed):%Y-%m-%d %H:%M}" in rows[0][0]


def test_diff_times_are_local_not_utc():
    from cms.audit.diff import show
    from workflows.hazards.models import Hazard as H

    field = H._meta.get_field("closed_at")
    moment = datetime.datetime(2026, 11, 20, 17, 26, tzinfo=datetime.UTC)
    assert show(field, moment, {}) == "2026-11-21 01:26"


def test_detail_pages_are_titled_view_not_inspect(client, users, make_target):
    target = make_target("标题厂")
    client.force_login(users[Role.OFFICE_ADMIN])
    html = client.get(f"/admin/snippets/directory/target/inspect/{target.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "查看" in title and "检查" not in title
