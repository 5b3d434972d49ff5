"""The reporting admin: listings are scoped, the report's prose is edited through the service,
the action pages (报送, 采纳, 交办) call the services, and the settings page opens."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from cms.roles import Role
from workflows.hazards.models import Order
from workflows.reporting.models import ConsultationMeasure, MonthlyReport, ReportState
from workflows.reporting.services import ConsultationInput, MeasureInput, consultation_save, reports_open

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2026, 10, 1)


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def reports(ref):
    reports_open(actor=None, reason="测试", month=OCTOBER)
    return {r.department.short_name: r for r in MonthlyReport.objects.for_month(OCTOBER)}


def test_department_edits_and_submits_its_report_in_the_admin(reports, users):
    dept = login(users[Role.DEPARTMENT])
    mine, theirs = reports["应急管理局"], reports["住建局"]
    listing = dept.get("/admin/snippets/reporting/monthlyreport/").content.decode()
    assert str(mine) in listing and str(theirs) not in listing
    assert dept.get(f"/admin/snippets/reporting/monthlyreport/edit/{theirs.pk}/").status_code == 404
    edit_url = f"/admin/snippets/reporting/monthlyreport/edit/{mine.pk}/"
    assert dept.get(edit_url).status_code == 200
    response = dept.post(edit_url, {"highlights": "亮点", "problems": "问题", "next_steps": "打算", "change_reason": "填写正文"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.highlights == "亮点" and mine.history.first().history_change_reason == "填写正文"
    assert dept.get(f"/admin/monthly-reports/{mine.pk}/submit/").status_code == 200
    assert dept.post(f"/admin/monthly-reports/{mine.pk}/submit/", {"reason": "按时报送"}).status_code == 302
    mine.refresh_from_db()
    assert mine.state == ReportState.SUBMITTED
    refused = dept.post(f"/admin/monthly-reports/{mine.pk}/accept/", {})
    assert refused.status_code == 302 and MonthlyReport.objects.get(pk=mine.pk).state == ReportState.SUBMITTED
    office = login(users[Role.OFFICE_ADMIN])
    assert office.post(f"/admin/monthly-reports/{mine.pk}/accept/", {"comment": "同意"}).status_code == 302
    assert MonthlyReport.objects.get(pk=mine.pk).state == ReportState.ACCEPTED
    assert office.get(f"/admin/snippets/reporting/monthlyreport/inspect/{mine.pk}/").status_code == 200
    assert office.get(f"/admin/snippets/reporting/monthlyreport/changes/{mine.pk}/").status_code == 200


def test_office_issues_a_measure_from_the_admin(ref, users):
    office_user = users[Role.OFFICE_ADMIN]
    consultation = consultation_save(actor=office_user, reason="新增", data=ConsultationInput(
        held_on=datetime.date(2026, 10, 15), title="燃气会商", situation_analysis="形势", risks="风险",
        sectors=[ref["sectors"]["燃气"]], lead_departments=[ref["departments"]["住建局"]],
        measures=[MeasureInput(content="燃气专项检查", responsible_department=ref["departments"]["住建局"], deadline=datetime.date(2026, 11, 30))]))
    measure = consultation.measures.get()
    office = login(office_user)
    assert "燃气会商" in office.get("/admin/snippets/reporting/consultation/").content.decode()
    assert "燃气专项检查" in office.get("/admin/snippets/reporting/consultationmeasure/").content.decode()
    assert office.post(f"/admin/consultation-measures/{measure.pk}/issue/", {"reason": "交办"}).status_code == 302
    measure.refresh_from_db()
    assert measure.status == ConsultationMeasure.Status.ISSUED and Order.objects.filter(pk=measure.order_id).exists()


def test_reporting_settings_page_opens_for_the_office(ref, users):
    office = login(users[Role.OFFICE_ADMIN])
    response = office.get("/admin/settings/reporting/reportingsettings/", follow=True)
    assert response.status_code == 200 and "报送截止日" in response.content.decode()
