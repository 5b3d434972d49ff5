"""待我处理 on each role's dashboard: the office sees reports to review, hazards to assign or verify,
replies to close, 通报 awaiting its approval and tip-offs to triage; a department its reports to
fill, hazards to rectify and orders to answer; a 属地 user and an inspector their hazards and
orders; the auditor nothing to act on. Counts are the selectors' counts within cms.scope, and
each row links to the page where the action is (opening it answers 200 for that user)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from cms.roles import Role
from notices.models import NoticeIndexPage, NoticePage, TipOffFormPage
from notices.services import tipoff_submit
from notices.site_setup import setup_site
from workflows.hazards.selectors import hazards_awaiting, orders_awaiting
from workflows.hazards.services import hazard_assign, hazard_register
from workflows.reporting.models import MonthlyReport
from workflows.reporting.selectors import reports_awaiting
from workflows.reporting.services import report_save_draft, report_submit, reports_open

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def sections(html: str) -> dict[str, tuple[int, list[str]]]:
    """{section key: (count in its heading, links of its rows)} of the 待我处理 panel."""
    panel = re.search(r'<section class="w-panel awaiting-panel"[\s\S]*?</section>', html).group(0)
    found = {}
    for key, body in re.findall(r'data-todo="(\w+)">([\s\S]*?)(?=<div class="todo-section"|</div>\s*</section>)', panel):
        count = int(re.search(r"（(\d+)）</h3>", body).group(1))
        found[key] = (count, re.findall(r'<td><a href="([^"]+)"', body))
    return found


@pytest.fixture
def work(ref, users, make_target):
    setup_site()
    office = users[Role.OFFICE_ADMIN]
    target = make_target("待办测试企业", jurisdiction="拱辰街道", sectors=("危化品",))
    reported = hazard_register(actor=users[Role.INSPECTOR], reason="检查发现", description="消防通道堵塞", target=target,
                               sector=ref["sectors"]["危化品"])
    assigned = hazard_register(actor=office, reason="测试", description="静电接地缺失", target=target, sector=ref["sectors"]["危化品"])
    hazard_assign(actor=office, reason="交办", hazard=assigned, responsible_kind="department", issue_order=True,
                  responsible_department=ref["departments"]["应急管理局"],
                  deadline=datetime.date(2030, 1, 31), responsible_person="李明")
    reports_open(actor=None, reason="测试", month=datetime.date(2025, 3, 1))
    mine = MonthlyReport.objects.get(month=datetime.date(2025, 3, 1), department=ref["departments"]["应急管理局"])
    other = MonthlyReport.objects.get(month=datetime.date(2025, 3, 1), department=ref["departments"]["住建局"])
    report_save_draft(actor=office, reason="", report=other, highlights="亮点", problems="问题", next_steps="打算")
    report_submit(actor=office, reason="代报测试", report=other)
    tipoff = tipoff_submit(page=TipOffFormPage.objects.get(), place="拱辰街道某小作坊", description="通道堵塞")
    index = NoticeIndexPage.objects.get()
    notice = NoticePage(title="关于三月督导检查情况的通报", document_number="荔安办〔2026〕9号", visibility="public", addressee_text="各镇街")
    index.add_child(instance=notice)
    revision = notice.save_revision(user=users[Role.OFFICE_EDITOR])
    index.get_workflow().start(notice, users[Role.OFFICE_EDITOR])
    return {"reported": reported, "assigned": assigned, "mine": mine, "other": other, "tipoff": tipoff, "notice": notice,
            "revision": revision}


def test_each_role_sees_what_it_must_act_on(work, users):
    expected_keys = {
        Role.OFFICE_ADMIN: {"reports", "hazards", "orders", "notices", "tipoffs"},
        Role.OFFICE_EDITOR: {"reports", "hazards", "orders", "notices", "tipoffs"},
        Role.DEPARTMENT: {"reports", "hazards", "orders"},
        Role.JURISDICTION: {"hazards", "orders"},
        Role.INSPECTOR: {"hazards", "orders"},
        Role.AUDITOR: set(),
    }
    for role, keys in expected_keys.items():
        user = users[role]
        client = login(user)
        found = sections(client.get("/admin/").content.decode())
        assert set(found) == keys, role
        counts = {"reports": reports_awaiting(user).count(), "hazards": hazards_awaiting(user).count(),
                  "orders": orders_awaiting(user).count()}
        for key, (count, links) in found.items():
            if key in counts:
                assert count == counts[key], (role, key)
            assert len(links) == min(count, 10), (role, key)
            for link in links:  # every row opens, for this user, the page where the action is
                assert client.get(link).status_code == 200, (role, link)

    office = sections(login(users[Role.OFFICE_ADMIN]).get("/admin/").content.decode())
    assert office["reports"][1] == [f"/admin/snippets/reporting/monthlyreport/inspect/{work['other'].pk}/"]
    assert f"/admin/snippets/hazards/hazard/inspect/{work['reported'].pk}/" in office["hazards"][1]
    assert office["tipoffs"] == (1, [f"/admin/tipoffs/{work['tipoff'].pk}/accept/"])
    approver_links = office["notices"][1]
    assert approver_links == [f"/admin/pages/{work['notice'].pk}/edit/"]

    dept = sections(login(users[Role.DEPARTMENT]).get("/admin/").content.decode())
    assert dept["reports"][1][0] == f"/admin/snippets/reporting/monthlyreport/inspect/{work['mine'].pk}/"
    assert f"/admin/snippets/reporting/monthlyreport/inspect/{work['other'].pk}/" not in dept["reports"][1]  # not its own
    assert f"/admin/snippets/hazards/hazard/inspect/{work['assigned'].pk}/" in dept["hazards"][1]
    assert dept["orders"][0] == 1  # the 工作交办单 of the assignment, to be signed

    inspector = sections(login(users[Role.INSPECTOR]).get("/admin/").content.decode())
    assert f"/admin/snippets/hazards/hazard/inspect/{work['reported'].pk}/" in inspector["hazards"][1]
