"""The checklist builder page as a user reads it: after v2 is published, v1 reads 已停用（已被第2版替代）
(not 已发布); an error names what is wrong in words, never a field name ("title：…")."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from cms.checklists import services
from cms.roles import Role

from .factories import build_template

pytestmark = pytest.mark.django_db


def test_versions_read_current_superseded_and_draft_and_errors_name_no_field(ref, users):
    office = users[Role.OFFICE_ADMIN]
    template = build_template(office, [ref["sectors"]["危化品"]])
    v2 = services.checklist_draft(actor=office, reason="修订", template=template)
    services.checklist_publish(actor=office, reason="发布第2版", version=v2, note="修订")
    services.checklist_draft(actor=office, reason="再修订", template=template)
    client = Client()
    client.force_login(office)
    url = f"/admin/checklists/builder/{template.pk}/"
    html = client.get(url).content.decode()
    status = {n: unescape(re.sub(r"<[^>]+>", "", s)).strip() for n, s in re.findall(r'data-version-status="(\d+)">(.*?)</td>', html)}
    assert status == {"1": "已停用（已被第2版替代）", "2": "现行（已发布）", "3": "草稿"}

    response = client.post(url, {"action": "add_section", "title": ""})
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("请填写分组标题" in m for m in shown)
    assert not any(re.search(r"[A-Za-z_]+：", m) for m in shown)
