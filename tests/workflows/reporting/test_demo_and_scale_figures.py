"""The figures on the data a new user meets (``make run``'s demo) and on ``generate_load --scale district``
data (PostgreSQL, slow suite): every view of a month agrees there too."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cms.roles import Role
from workflows.assessment.dashboard import month_counts
from workflows.hazards.models import Hazard
from workflows.periods import Period, previous_month
from workflows.reporting.models import MonthlyReport

from .one_truth import assert_month_agrees, body, excel_codes, word_parts

pytestmark = pytest.mark.django_db


def test_the_demo_month_shows_the_same_non_zero_figures_in_record_word_and_excel(ref, api_for, users):
    for command, args in (("load_demo", ["--password", "demo-pass-1234"]), ("load_inspection_demo", []), ("load_loop_demo", []),
                          ("open_monthly_reports", [])):
        call_command(command, *args)
    month = previous_month()
    office = api_for(users[Role.OFFICE_ADMIN])
    with_hazards = [r for r in MonthlyReport.objects.filter(month=month, department__isnull=False).select_related("department")
                    if r.snapshot["facts"]["hazard_total"]]
    assert len(with_hazards) >= 3  # the demo tells a story: several units found hazards last month
    for report in with_hazards:
        total = report.snapshot["facts"]["hazard_total"]
        params = {"department": report.department_id, "month": f"{month:%Y-%m}"}
        _, rows = word_parts(office.get("/api/v1/exports/monthly-report/", params).content)
        xlsx = office.get("/api/v1/exports/four-lists/", {**params, "format": "xlsx"})
        assert total == len(report.four_lists) == len(rows) == len(excel_codes(body(xlsx))), report.department.name
    # and the dashboard shows this month's findings, dated by their inspections (the demo's first visit of a month is the 2nd)
    today = timezone.localdate()
    if today.day >= 2:
        assert month_counts(users[Role.OFFICE_ADMIN], today)["found"] > 0


@pytest.mark.slow
@pytest.mark.postgres
def test_a_generated_district_month_agrees_in_every_view(ref, users, api_for):
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL：规模数据只在 PostgreSQL 上生成（make test-slow）")
    call_command("generate_load", scale="district")
    months = Counter(timezone.localdate(at).replace(day=1) for at in Hazard.objects.values_list("found_at", flat=True)
                     .order_by("-found_at")[:20000].iterator())
    busiest = max(months, key=months.get)
    office = users[Role.OFFICE_ADMIN]
    totals = assert_month_agrees(Period.of_month(busiest), office_client=api_for(office), office_user=office,
                                 today=timezone.localdate(), word_for={"区应急管理局", "区住建局", "区消防救援大队"})
    assert sum(totals.values()) > 100
    assert isinstance(busiest, datetime.date)
