"""What an anonymous visitor types into 受理举报 cannot harm the office (issue 15, findings 3 and 4):
no control character gets in (so the office's export never fails), and a formula arrives in the
office's CSV and Excel as text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.test import Client

from cms.roles import Role
from notices.models import TipOff
from tests.notices.test_tipoff import open_form, post

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://x.invalid","点击查看")'


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("field, value", [("description", "楼道堆放液化气瓶\x07无人看管"), ("place", "拱辰街道\x1b某路"),
                                          ("description", "楼道堆放液化气瓶\x00无人看管"), ("contact", "138\x0800000000")])
def test_control_characters_are_refused_with_a_chinese_message(field, value, site):
    c = Client()
    answer = open_form(c, site["tipoff"])
    response = post(c, site["tipoff"], answer=answer, **{field: value})
    assert response.status_code == 400
    assert "含有不可见的控制字符，请删除后重试" in response.content.decode()
    assert not TipOff.objects.exists()


def test_an_anonymous_formula_reaches_the_office_as_text(site, users):
    visitor = Client()
    answer = open_form(visitor, site["tipoff"])
    assert post(visitor, site["tipoff"], answer=answer, place=FORMULA, description="+楼道堆放大量液化气瓶",
                contact="@someone").status_code == 200
    office = Client()
    office.force_login(users[Role.OFFICE_ADMIN])
    response = office.get("/admin/snippets/notices/tipoff/", {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells and "'+楼道堆放大量液化气瓶" in cells and "'@someone" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
    response = office.get("/admin/snippets/notices/tipoff/", {"export": "xlsx"})
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    cells = [cell for row in wb.active.iter_rows(min_row=2) for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + FORMULA in {c.value for c in cells}


def test_behind_the_proxy_a_forged_or_broken_address_is_never_stored(site):
    from django.test import override_settings

    with override_settings(TRUSTED_PROXY_HOPS=1):
        forger = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.8")
        answer = open_form(forger, site["tipoff"])
        assert post(forger, site["tipoff"], answer=answer).status_code == 200
        broken = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<b>not-an-ip</b>")
        answer = open_form(broken, site["tipoff"])
        assert post(broken, site["tipoff"], answer=answer, place="北高镇某路").status_code == 200
    assert TipOff.objects.get(place="拱辰街道某某路12号").ip_address == "198.51.100.8"  # what our proxy saw, not the claim
    assert TipOff.objects.get(place="北高镇某路").ip_address is None
