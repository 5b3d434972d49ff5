"""No export turns user text into a live formula (issue 15, finding 3): every text cell of every
workbook and admin CSV that starts with = + - @, tab or CR reads as text with a leading '."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection

from cms.records import save_record
from cms.roles import Role
from workflows.hazards.models import Hazard

from .builders import at, make_hazard

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x.invalid","点击查看")'
ESCAPED = "'" + FORMULA


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return openpyxl.load_workbook(io.BytesIO(content))


def all_cells(wb: openpyxl.Workbook):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def assert_no_formula(wb: openpyxl.Workbook, *needles: str) -> None:
    cells = list(all_cells(wb))
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    values = {c.value for c in cells if isinstance(c.value, str)}
    for needle in needles:
        assert needle in values, (needle, [v for v in values if "HYPERLINK" in v or v.startswith(("'", "=", "+", "@", "-"))])
    assert not [v for v in values if v.startswith(("=", "+", "@", "\t", "\r"))]


@pytest.fixture
def hostile(ref, make_target):
    target = make_target("=1+2 化工", jurisdiction="拱辰街道", sectors=("危化品",))
    hazard = make_hazard(target, ref["sectors"]["危化品"], description=FORMULA, found_at=at(2026, 3, 3))
    hazard.responsible_person = "@林经理"
    hazard.rectification_measures = "-按标准设置防火堤"
    hazard._change_reason = "+测试"
    hazard.save()
    return hazard


def test_hazard_ledger(hostile, users, api_for):
    wb = workbook(api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/exports/hazard-ledger/"))
    assert_no_formula(wb, ESCAPED, "'=1+2 化工", "'@林经理", "'-按标准设置防火堤")


def test_hazard_history(hostile, users, api_for):
    wb = workbook(api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/exports/hazard-history/", {"hazard": hostile.pk}))
    assert_no_formula(wb, ESCAPED, "'+测试")


def test_four_lists(hostile, users, api_for):
    wb = workbook(api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/exports/four-lists/", {"month": "2026-03", "format": "xlsx"}))
    assert_no_formula(wb, ESCAPED, "'=1+2 化工", "'@林经理")


def test_assessment(ref, users, api_for):
    department = ref["departments"]["应急管理局"]
    department.name = "=HYPERLINK(\"http://x.invalid\",\"应急\")"
    save_record(instance=department, actor=None, reason="测试数据")
    wb = workbook(api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/exports/assessment/", {"year": "2026"}))
    assert_no_formula(wb, "'" + department.name)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("url, needle", [
    ("/admin/snippets/directory/target/", "'=1+2 化工"),
    ("/admin/snippets/hazards/hazard/", ESCAPED),
])
def test_admin_list_exports(url, needle, hostile, users, client):
    client.force_login(users[Role.OFFICE_ADMIN])
    rows = csv_rows(client.get(url, {"export": "csv"}))
    cells = [cell for row in rows for cell in row]
    assert needle in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert_no_formula(workbook(client.get(url, {"export": "xlsx"})), needle)


def test_legacy_control_characters_are_stripped_not_a_500(hostile, users, client, api_for):
    """Rows written before the entry points refused control characters still export."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Hazard._meta.db_table} SET description = %s WHERE id = %s", ["铃声\x07隐患\x1b描述", hostile.pk])
    client.force_login(users[Role.OFFICE_ADMIN])
    for fmt in ("xlsx", "csv"):
        response = client.get("/admin/snippets/hazards/hazard/", {"export": fmt})
        assert response.status_code == 200
    values = {c.value for c in all_cells(workbook(client.get("/admin/snippets/hazards/hazard/", {"export": "xlsx"})))}
    assert "铃声隐患描述" in values
    ledger = workbook(api_for(users[Role.OFFICE_ADMIN]).get("/api/v1/exports/hazard-ledger/"))
    assert "铃声隐患描述" in {c.value for c in all_cells(ledger)}


def test_every_snippet_listing_exports_through_the_safe_cell_rule():
    from wagtail.snippets.models import get_snippet_models

    from cms.admin_views import SafeExportMixin

    checked = []
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        if viewset.list_export:
            assert issubclass(viewset.index_view_class, SafeExportMixin), model
            checked.append(model._meta.model_name)
    assert {"target", "hazard", "tipoff"} <= set(checked)
