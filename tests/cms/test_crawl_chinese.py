"""No English and no raw value on any admin page a user can reach (issue 14): logged in as each of
the six roles, the crawler (tests/cms/crawler.py) walks every menu link, every listing, the first
rows' view / edit / history pages and the add forms, against the demo data (every listing has
rows), and fails on Latin words outside a short allowlist and on "None", "True", "False" or a
Python dict or list printed as text. Usernames and the directory's codes are data, not words."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from cms.directory.demo import DEMO_USERS
from cms.directory.models import Department, Jurisdiction, Sector, TargetCategory
from cms.roles import Role, role_of
from notices.models import TipOffFormPage
from notices.services import notice_draft_month_results, tipoff_submit
from workflows.reporting.services import ConsultationInput, MeasureInput, consultation_save

from .crawler import crawl

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(ref):
    call_command("setup_site", stdout=None)
    call_command("load_demo", password="demo-pass-1234")
    call_command("load_inspection_demo")
    call_command("load_loop_demo")
    call_command("open_monthly_reports")
    User = get_user_model()
    office = User.objects.get(username="office_admin")
    tipoff_submit(page=TipOffFormPage.objects.get(), place="拱辰街道某小作坊", description="消防通道堵塞")
    notice_draft_month_results(actor=office, reason="演示", month=datetime.date.today().replace(day=1))
    consultation_save(actor=office, reason="演示", data=ConsultationInput(
        held_on=datetime.date.today(), title="危化品行业会商", situation_analysis="形势平稳", risks="节前停产检修风险",
        sectors=[ref["sectors"]["危化品"]], lead_departments=[ref["departments"]["应急管理局"]],
        measures=[MeasureInput(content="开展停产检修专项检查", responsible_department=ref["departments"]["应急管理局"])]))
    return {role: User.objects.get(username=username) for username, role, *_ in DEMO_USERS}


def data_words() -> set[str]:
    """Latin text that is data someone typed: usernames and the directory's codes."""
    words = set(get_user_model().objects.values_list("username", flat=True))
    for model in (Department, Jurisdiction, Sector, TargetCategory):
        words |= {c for c in model.objects.values_list("code", flat=True) if c}
    return words


def test_every_reachable_admin_page_reads_chinese(demo):
    allowed = data_words()
    problems, visited = {}, {}
    for role in Role:
        user = demo[role]
        assert role_of(user) == role
        client = Client()
        client.force_login(user)
        found, pages = crawl(client, allowed=allowed)
        visited[role] = pages
        problems.update({f"{role.value} {url}": words for url, words in found.items()})
    # the walk really reached rows' view, edit and history pages, for every role
    for role, pages in visited.items():
        assert len(pages) > 20, role
        assert any("/inspect/" in p or "/sheet/" in p for p in pages), role
        assert any("/history/" in p or "/changes/" in p for p in pages), role
    assert any("/edit/" in p for p in visited[Role.OFFICE_ADMIN])
    assert any(p.startswith("/admin/pages/") and p.endswith("/edit/") for p in visited[Role.OFFICE_ADMIN])
    assert not problems, "页面上有英文或原始值：\n" + "\n".join(f"{url}\n    " + "\n    ".join(words) for url, words in sorted(problems.items()))
