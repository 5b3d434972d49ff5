"""Every view of one month, compared: the report record, the API, the Word report (基本情况 and annex),
the Excel 四个清单, the district roll-up, the dashboard tiles and heat map, and the assessment inputs.

Used on a month built through the services (``test_one_truth.py``) and on ``generate_load`` data on
PostgreSQL (the slow suite). The expected numbers are counted here from the records by the notice's
words — inspections by the groups the unit leads, hazards found in them or registered by its own
people, dated by the day found — not read from the code under test.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import asdict

import openpyxl
from django.db.models import Q

from cms.directory.models import Department
from exports.monthly_report import basic_sentence
from tests.exports.docx_checks import open_docx
from workflows.assessment.dashboard import jurisdiction_sector_matrix, month_counts
from workflows.assessment.selectors import department_hazards_found
from workflows.hazards.models import Hazard
from workflows.inspections.models import Inspection, InspectionGroup
from workflows.periods import Period
from workflows.reporting import figures
from workflows.reporting.models import MonthlyReport
from workflows.reporting.services import reports_open

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def found_in_month(period: Period) -> list[dict]:
    """Every hazard whose local day found falls in the period, with who found it (read once)."""
    rows = Hazard.objects.values("code", "found_at", "inspection__group_id", "inspection__group__lead_department_id",
                                 "found_by__profile__department_id", "inspection_id")
    return [r for r in rows.iterator(chunk_size=5000) if period.start <= r["found_at"].astimezone(SHANGHAI).date() <= period.end]


def expected_hazards(unit, found: list[dict]) -> set[str]:
    """By hand: hazards found in the month by the unit's own supervision — in an inspection of its group
    (a department: of any group it leads), or, outside an inspection, registered by its own people."""
    if isinstance(unit, InspectionGroup):
        return {r["code"] for r in found if r["inspection__group_id"] == unit.pk}
    return {r["code"] for r in found if (r["inspection__group__lead_department_id"] == unit.pk if r["inspection_id"]
                                         else r["found_by__profile__department_id"] == unit.pk)}


def expected_inspections(unit, period: Period) -> int:
    q = Q(group=unit) if isinstance(unit, InspectionGroup) else Q(group__lead_department=unit)
    return Inspection.objects.filter(q, inspected_on__gte=period.start, inspected_on__lte=period.end).count()


def word_parts(content: bytes) -> tuple[list[str], list[list[str]]]:
    doc = open_docx(content)
    paragraphs = [p.text for p in doc.paragraphs]
    annex = doc.tables[-1]
    rows = [[c.text for c in r.cells] for r in annex.rows]
    return paragraphs, [r for r in rows if r and r[0].strip().isdigit()]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def excel_codes(content: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if "隐患编号" in row)
    column = rows[header].index("隐患编号")
    return [row[column] for row in rows[header + 1:] if row and row[column]]


def units() -> list:
    return list(figures.reporting_departments()) + list(figures.reporting_groups())


def assert_month_agrees(period: Period, *, office_client, office_user, today: datetime.date, word_for=None) -> dict:
    """Assert every view of ``period`` agrees; returns {unit name: hazards} for the caller's own checks.
    ``word_for``: the units whose Word and Excel files are downloaded and read (default: every unit)."""
    reports_open(actor=None, reason="测试：生成月报", month=period.start)
    month = f"{period.start:%Y-%m}"
    api_reports = office_client.get("/api/v1/monthly-reports/", {"month": period.start.isoformat(), "page_size": 200}).json()["results"]
    api_by_key = {(r["department"], r["group"]): r for r in api_reports}
    totals: dict[str, int] = {}
    found = found_in_month(period)
    for unit in units():
        is_group = isinstance(unit, InspectionGroup)
        codes = expected_hazards(unit, found)
        content = figures.unit_month(unit, period.start, today=today)
        facts = content.facts
        name = unit.name
        totals[name] = len(codes)
        # the figure, by the definition, equals the hazards counted by hand and the 四个清单 rows
        assert facts.hazard_total == len(codes) == len(content.rows), name
        assert {row["code"] for row in content.rows} == codes, name
        assert facts.inspection_count == expected_inspections(unit, period), name
        assert facts.major_count + facts.general_count == facts.hazard_total, name
        # the report record (opened from the data) and the API state the same
        record = MonthlyReport.objects.get(month=period.start, **({"group": unit} if is_group else {"department": unit}))
        assert record.snapshot["facts"] == figures._jsonable(asdict(facts)), name
        assert [r["code"] for r in record.four_lists] == [r["code"] for r in content.rows], name
        api = api_by_key[(None, unit.pk) if is_group else (unit.pk, None)]
        assert api["snapshot"]["facts"]["hazard_total"] == facts.hazard_total and len(api["four_lists"]) == facts.hazard_total, name
        # the assessment's inputs
        if not is_group:
            assert department_hazards_found(unit.pk, period).count() == facts.hazard_total, name
            assert figures.inspected_months(unit.pk, period) == ({period.start} if facts.inspection_count else set()), name
        if word_for is not None and name not in word_for:
            continue
        # the Word file: the sentence of 基本情况 with these figures, and exactly these rows in the annex
        params = {"group": unit.pk} if is_group else {"department": unit.pk}
        response = office_client.get("/api/v1/exports/monthly-report/", {**params, "month": month})
        assert response.status_code == 200, (name, response.content[:300])
        paragraphs, rows = word_parts(response.content)
        assert basic_sentence(facts, period.start.month) in paragraphs, name
        assert len(rows) == facts.hazard_total, name
        assert [r[3] for r in rows] == [row["problem"] for row in content.rows], name
        if not is_group:  # the Excel 四个清单 of the unit and month: the same hazards
            xlsx = office_client.get("/api/v1/exports/four-lists/", {"department": unit.pk, "month": month, "format": "xlsx"})
            assert xlsx.status_code == 200, name
            assert sorted(excel_codes(body(xlsx))) == sorted(codes), name

    # the district: total = units + others = sum by sector = annex rows = Excel rows
    district = figures.district_month(period, today=today)
    in_month = {r["code"] for r in found}
    assert district.total == len(in_month)
    department_totals = sum(totals[d.name] for d in Department.objects.filter(pk__in=[u.department_id for u in district.units]))
    assert district.units_total == department_totals
    assert district.units_total + district.others["total"] == district.total
    assert sum(n for _, n, _ in district.sector_breakdown) == district.total
    roll_up = office_client.get("/api/v1/exports/district-report/", {"month": month})
    assert roll_up.status_code == 200
    paragraphs, rows = word_parts(roll_up.content)
    assert len(rows) == district.total
    assert any(f"发现隐患问题{district.total}项" in p for p in paragraphs)
    xlsx = office_client.get("/api/v1/exports/four-lists/", {"month": month, "format": "xlsx"})
    assert sorted(excel_codes(body(xlsx))) == sorted(in_month)

    # the dashboard (the office sees everything): this month's tile, and open = the heat map's sum
    counts = month_counts(office_user, today)
    if period.start == today.replace(day=1):
        assert counts["found"] == district.total
    _, _, matrix = jurisdiction_sector_matrix(office_user)
    assert counts["open"] == sum(matrix.values()) == Hazard.objects.open().count()
    return totals
