"""What a user reads in the admin is Chinese: Wagtail 8.0's own zh_Hans catalogue misses the keyboard
shortcuts dialog, the no-JavaScript notice, network errors, theme preferences and more, which
``locale/zh_Hans`` supplies; listings print booleans as 是/否, not True/False. Text nodes and the
labels a screen reader reads (aria-label, title, placeholder) are checked on the common pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from cms.roles import Role
from workflows.hazards.services import hazard_register

pytestmark = pytest.mark.django_db

ENGLISH_WORD = re.compile(r"(?<![\w/.#-])[A-Za-z]{4,}(?![\w/.-])")
CJK = re.compile(r"[\u4e00-\u9fff]")
KEYS = {"Ctrl", "Shift", "Enter", "Wagtail"}  # key names in the shortcuts table; the product's engine in the guide link


class EnglishText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skip = 0
        self.found: list[str] = []

    def check(self, text: str, where: str) -> None:
        text = text.strip()
        if text and not CJK.search(text) and set(ENGLISH_WORD.findall(text)) - KEYS:
            self.found.append(f"{where}{text[:80]}")

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template") and tag != "template":
            self.skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.check(value, f"@{name}: ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.check(data, "")


@pytest.fixture
def pages(ref, make_target):
    target = make_target("荔城中文界面测试企业", jurisdiction="拱辰街道", sectors=("危化品",))
    hazard = hazard_register(actor=None, reason="测试数据", description="消防通道堵塞", target=target, sector=ref["sectors"]["危化品"])
    return ["/admin/", "/admin/account/", "/admin/audit/", "/admin/snippets/hazards/hazard/", "/admin/snippets/hazards/hazard/add/",
            f"/admin/snippets/hazards/hazard/inspect/{hazard.pk}/", "/admin/snippets/hazards/order/", "/admin/snippets/directory/target/",
            f"/admin/snippets/directory/target/edit/{target.pk}/", "/admin/snippets/directory/department/", "/admin/snippets/directory/sector/",
            "/admin/snippets/inspections/inspection/", "/admin/inspections/fill/"]


@pytest.mark.parametrize("role", [Role.OFFICE_ADMIN, Role.DEPARTMENT])
def test_common_admin_pages_show_no_english(client, users, pages, role):
    client.force_login(users[role])
    english = {}
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue  # a page this role may not open (checked elsewhere)
        parser = EnglishText()
        parser.feed(response.content.decode())
        if parser.found:
            english[url] = sorted(set(parser.found))
    assert english == {}
