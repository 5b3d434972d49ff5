import csv
import datetime
import io

import pytest
from django.utils import timezone

from cms.roles import Role
from tests.workflows.hazards.factories import advance, register
from workflows.hazards import services

pytestmark = pytest.mark.django_db
URL = "/admin/audit/"


@pytest.fixture
def trail(users, make_target):
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    one = advance(register(office, make_target("审计一厂")), "submitted", office=office, responsible=dept, supervise=True)
    services.hazard_reject(hazard=one, actor=office, reason="佐证照片不清晰")
    two = register(office, make_target("审计二厂", jurisdiction="黄石镇"), description="另一条隐患")
    return one, two


def test_only_office_and_auditors_may_open_it(client, users, trail):
    for role in (Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR):
        client.force_login(users[role])
        response = client.get(URL)
        assert response.status_code == 302 and response["Location"] == "/admin/"
    client.force_login(users[Role.AUDITOR])
    assert client.get(URL).status_code == 200


def test_filters_and_field_diffs(client, users, trail):
    one, two = trail
    client.force_login(users[Role.AUDITOR])
    html = client.get(URL, {"hazard": one.code}).content.decode()
    assert "佐证照片不清晰" in html and "退回" in html
    assert "<strong>状态</strong>：待复核 → 整改中" in html
    assert "另一条隐患" not in html
    assert "三单" in html and "荔安办督" in html  # the 督办单 about it
    html = client.get(URL, {"user": users[Role.DEPARTMENT].pk}).content.decode()
    assert "整改方案" in html and "佐证照片不清晰" not in html
    html = client.get(URL, {"action": "reject"}).content.decode()
    assert "佐证照片不清晰" in html and "制定方案" not in html
    html = client.get(URL, {"jurisdiction": two.jurisdiction_id}).content.decode()
    assert two.code in html and one.code not in html
    html = client.get(URL, {"department": one.responsible_department_id, "source": "hazards.HazardPlan"}).content.decode()
    assert "整改措施" in html and "另一条隐患" not in html
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = client.get(URL, {"date_from": tomorrow.isoformat()}).content.decode()
    assert "没有符合条件的记录" in html


def test_csv_export(client, users, trail):
    one, _ = trail
    client.force_login(users[Role.OFFICE_EDITOR])
    response = client.get(URL, {"hazard": str(one.pk), "format": "csv"})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("时间,记录类型,记录,操作,操作人")
    assert "佐证照片不清晰" in body and "状态：待复核 → 整改中" in body


def test_audit_view_writes_nothing(client, users, trail):
    from cms.audit import chain

    before = {m: m.objects.count() for m in chain.history_models()}
    client.force_login(users[Role.AUDITOR])
    client.get(URL)
    client.post(URL, {})
    assert {m: m.objects.count() for m in chain.history_models()} == before


def _walk(data: dict, limit: int) -> list:
    from cms.audit.views import audit_records, parse_cursor

    seen, cursor = [], None
    while True:
        page, cursor = audit_records({**data, "before": parse_cursor(cursor) if cursor else None}, limit=limit)
        seen.extend(page)
        if cursor is None:
            return seen
        assert len(page) == limit


def test_pages_follow_each_other_without_gaps_or_repeats(users, trail):
    from cms.audit.views import audit_records

    everything, last = audit_records({}, limit=10_000)
    assert last is None and len(everything) >= 10
    for limit in (1, 2, 3, 7):
        walked = _walk({}, limit)
        assert [(type(r).__name__, r.history_id) for r in walked] == [(type(r).__name__, r.history_id) for r in everything]
    one, _ = trail
    by_hazard, _ = audit_records({"hazard": one.code}, limit=10_000)
    from cms.audit.views import AuditFilterForm

    form = AuditFilterForm({"hazard": one.code})
    assert form.is_valid()
    assert [r.history_id for r in _walk(form.cleaned_data, 2)] == [r.history_id for r in by_hazard]


def test_the_page_links_to_the_next_and_refuses_a_forged_cursor(client, users, trail, monkeypatch):
    import re

    import cms.audit.views as views

    monkeypatch.setattr(views, "LIMIT", 4)
    client.force_login(users[Role.AUDITOR])
    def body_rows(page: str) -> int:
        return re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1).count("<tr>")

    html = client.get(URL).content.decode()
    assert body_rows(html) == 4
    link = re.search(r'href="\?([^"]*before=[^"]*)" rel="next"', html)
    assert link, "第一页应有下一页链接"
    second = client.get(f"{URL}?{link.group(1).replace('&amp;', '&')}").content.decode()
    assert "回到第一页" in second and body_rows(second) >= 1
    first_rows = re.findall(r"<td>(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)</td>", html)
    second_rows = re.findall(r"<td>(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)</td>", second)
    assert max(second_rows) <= min(first_rows)
    bad = client.get(URL, {"before": "2026-01-01T00:00:00+00:00~nosuch.Model~1"})
    assert bad.status_code == 200 and "翻页位置无效" in bad.content.decode()


def test_the_page_costs_the_same_queries_for_few_or_many_objects(client, users, make_target):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    client.force_login(users[Role.AUDITOR])

    def queries() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    advance(register(office, make_target("查询数一厂")), "rectifying", office=office, responsible=dept)
    few = queries()
    for i in range(12):  # twelve more hazards, each with its own rows and referenced targets, villages, users
        advance(register(office, make_target(f"查询数厂{i}", jurisdiction="黄石镇" if i % 2 else "拱辰街道")), "rectifying",
                office=office, responsible=dept)
    assert queries() == few


def test_csv_export_never_carries_a_formula(client, users, trail):
    one, _ = trail
    services.hazard_submit(hazard=one, actor=users[Role.DEPARTMENT], reason="@整改完成", text="已整改")
    client.force_login(users[Role.OFFICE_EDITOR])
    body = client.get(URL, {"hazard": str(one.pk), "format": "csv"}).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'@整改完成" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@", "-"))]
