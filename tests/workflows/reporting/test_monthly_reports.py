"""月度督导检查情况: drafts opened on the 1st from the data, the deadline (the 5th, moved past
weekends and configured holidays), on-time / late / missing, submit → return → resubmit → accept
with history, the API actions and scope, reminders (提醒单) for missing reports and the office
dashboard panel."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cms.errors import InvalidInput, NotAllowed, StateConflict
from cms.roles import Role
from workflows.hazards.models import HazardLevel, Order, OrderKind
from workflows.hazards.services import hazard_register
from workflows.inspections.models import InspectionGroup
from workflows.reporting.models import MonthlyReport, ReportingSettings, ReportState
from workflows.reporting.selectors import missing_reports, report_status_for_month, reporting_departments
from workflows.reporting.services import (
    report_accept,
    report_remind,
    report_return,
    report_save_draft,
    report_submit,
    reports_open,
)

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2026, 10, 1)
NOVEMBER = datetime.date(2026, 11, 1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def settings_row(ref):
    row = ReportingSettings.load()
    row.due_day, row.holidays, row.extra_workdays = 5, "", ""
    row.save()
    return row


@pytest.fixture
def special_group(ref):
    return InspectionGroup.objects.create(name="市场监管局专项督导组", kind=InspectionGroup.Kind.SPECIAL,
                                          lead_department=ref["departments"]["市场监管局"])


@pytest.fixture
def opened(settings_row, special_group):
    reports_open(actor=None, reason="测试", month=OCTOBER)
    return {r.department.short_name if r.department else r.group.name: r for r in MonthlyReport.objects.for_month(OCTOBER)}


def write_prose(report, actor):
    return report_save_draft(actor=actor, reason="填写", report=report, highlights="推行“四不两直”暗查。",
                             problems="小作坊消防通道堵塞问题突出。", next_steps="开展专项整治。")


# ---------------------------------------------------------------- deadline

def test_deadline_is_the_5th_when_a_working_day(settings_row):
    assert settings_row.due_date(OCTOBER) == datetime.date(2026, 11, 5)  # Thursday


def test_deadline_moves_past_the_weekend(settings_row):
    # 2026-12-05 is a Saturday: the report on November is due Monday 2026-12-07
    assert datetime.date(2026, 12, 5).weekday() == 5
    assert settings_row.due_date(NOVEMBER) == datetime.date(2026, 12, 7)


def test_deadline_moves_past_configured_holidays_and_honours_makeup_workdays(settings_row):
    settings_row.holidays = "2026-11-05\n2026-11-06"
    settings_row.save()
    assert settings_row.due_date(OCTOBER) == datetime.date(2026, 11, 9)  # Thu, Fri holidays; Sat, Sun weekend
    settings_row.extra_workdays = "2026-12-05"
    settings_row.save()
    assert settings_row.due_date(NOVEMBER) == datetime.date(2026, 12, 5)  # a 调休 Saturday counts as a working day


def test_deadline_day_is_configurable(settings_row):
    settings_row.due_day = 10
    settings_row.save()
    assert settings_row.due_date(OCTOBER) == datetime.date(2026, 11, 10)


# ---------------------------------------------------------------- opening the drafts

def test_open_monthly_reports_creates_one_draft_per_department_and_special_group_idempotently(settings_row, special_group, capsys):
    call_command("open_monthly_reports", "--month", "2026-10")
    expected = reporting_departments().count() + 1
    assert MonthlyReport.objects.for_month(OCTOBER).count() == expected == 21
    call_command("open_monthly_reports", "--month", "2026-10")
    assert MonthlyReport.objects.for_month(OCTOBER).count() == expected
    assert "新建 0 份" in capsys.readouterr().out
    group_report = MonthlyReport.objects.get(month=OCTOBER, group=special_group)
    assert group_report.state == ReportState.DRAFT and group_report.deadline == datetime.date(2026, 11, 5)


def test_draft_is_prefilled_from_what_the_units_own_supervision_found(settings_row, make_target, ref):
    """口径: the inspections of the groups the department leads and the hazards they found (dated by the
    inspection), not every hazard of its sectors: a hazard registered by nobody of the department is
    not in its report, whatever its sector."""
    from tests.exports.builders import make_group, make_hazard, make_inspection

    target = make_target("荔城化工厂", jurisdiction="拱辰街道", sectors=("危化品",))
    hazchem = ref["sectors"]["危化品"]
    group = make_group("应急管理局危化品督导检查组", ref["departments"]["应急管理局"])
    visit = make_inspection(group, target, datetime.date(2026, 10, 12))
    make_hazard(target, hazchem, inspection=visit, level=HazardLevel.MAJOR, description="储罐区未设防火堤")
    make_hazard(target, hazchem, inspection=make_inspection(group, target, datetime.date(2026, 10, 20)), prominent=True,
                description="消防通道堵塞")
    make_hazard(target, hazchem, inspection=make_inspection(group, target, datetime.date(2026, 9, 20)), description="九月的隐患")
    hazard_register(actor=None, reason="测试", description="系统导入的隐患", target=target, sector=hazchem,
                    found_at=at(datetime.date(2026, 10, 15)))
    reports_open(actor=None, reason="测试", month=OCTOBER)
    report = MonthlyReport.objects.get(month=OCTOBER, department=ref["departments"]["应急管理局"])
    facts = report.snapshot["facts"]
    assert "危化品" in facts["sector_names"]
    assert (facts["hazard_total"], facts["major_count"], facts["general_count"], facts["prominent_count"]) == (2, 1, 1, 1)
    assert facts["jurisdiction_names"] == ["拱辰街道"] and facts["target_count"] == 1
    assert (facts["inspection_count"], facts["group_count"]) == (2, 1)
    assert (facts["start"], facts["end"]) == ("2026-10-12", "2026-10-20")
    assert [row["problem"] for row in report.four_lists] == ["储罐区未设防火堤", "消防通道堵塞"]
    assert report.four_lists[0]["target"] == "荔城化工厂" and report.four_lists[0]["level"] == "重大隐患"
    assert report.four_lists[0]["found_on"] == "2026-10-12"
    other = MonthlyReport.objects.get(month=OCTOBER, department=ref["departments"]["住建局"])
    assert other.snapshot["facts"]["hazard_total"] == 0 and other.four_lists == []


# ---------------------------------------------------------------- on time, late, missing

def test_on_time_late_and_missing(opened, users):
    office = users[Role.OFFICE_ADMIN]
    on_time, late, missing = opened["应急管理局"], opened["住建局"], opened["交通运输局"]
    for report in (on_time, late):
        write_prose(report, office)
    report_submit(actor=office, reason="", report=on_time, at=at(datetime.date(2026, 11, 5), 23))
    report_submit(actor=office, reason="", report=late, at=at(datetime.date(2026, 11, 6), 0))
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.timeliness == "按时报送" and on_time.is_on_time is True
    assert late.timeliness == "逾期报送" and late.is_on_time is False
    assert missing.timeliness == "逾期未报"  # today (after 2026-11-05) with nothing submitted
    assert missing not in missing_reports(today=datetime.date(2026, 11, 5))
    overdue = set(missing_reports(today=datetime.date(2026, 11, 6)))
    assert missing in overdue and on_time not in overdue and late not in overdue
    counts = report_status_for_month(OCTOBER)
    assert counts["按时报送"] == 1 and counts["逾期报送"] == 1 and counts["逾期未报"] == counts["应报"] - 2


def test_return_and_resubmit_keeps_the_first_submission_for_timeliness(opened, users):
    office = users[Role.OFFICE_ADMIN]
    dept = users[Role.DEPARTMENT]  # 应急管理局
    report = write_prose(opened["应急管理局"], dept)
    report_submit(actor=dept, reason="按时报送", report=report, at=at(datetime.date(2026, 11, 4)))
    with pytest.raises(InvalidInput):
        report_return(actor=office, reason="", report=report, comment=" ")
    report_return(actor=office, reason="", report=report, comment="问题研判不够具体，请补充案例")
    report = report_save_draft(actor=dept, reason="按意见修改", report=report, problems="补充两个典型案例。")
    report_submit(actor=dept, reason="重新报送", report=report, at=at(datetime.date(2026, 11, 10)))
    report = report_accept(actor=office, reason="", report=report, comment="同意")
    assert report.state == ReportState.ACCEPTED and report.timeliness == "按时报送"
    reasons = list(report.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert "退回月报：问题研判不够具体，请补充案例" in reasons and "重新报送" in reasons and "采纳月报" in reasons
    assert report.history.filter(state="returned").exists()
    with pytest.raises(StateConflict):
        report_save_draft(actor=dept, reason="", report=report, highlights="再改")


def test_submit_requires_the_prose_and_only_the_office_reviews(opened, users):
    dept = users[Role.DEPARTMENT]
    report = opened["应急管理局"]
    with pytest.raises(InvalidInput) as err:
        report_submit(actor=dept, reason="", report=report)
    assert "特色亮点" in err.value.message
    write_prose(report, dept)
    report_submit(actor=dept, reason="", report=report)
    with pytest.raises(NotAllowed):
        report_accept(actor=dept, reason="", report=report)
    with pytest.raises(NotAllowed):
        report_submit(actor=dept, reason="", report=opened["住建局"])  # not its report


# ---------------------------------------------------------------- API

def test_api_submit_accept_return_and_scope(opened, users, api_for, outsider_dept):
    dept, office = users[Role.DEPARTMENT], users[Role.OFFICE_ADMIN]
    mine, theirs = opened["应急管理局"], opened["住建局"]
    listed = {r["id"] for r in api_for(dept).get("/api/v1/monthly-reports/", {"month": "2026-10-01", "page_size": 100}).json()["results"]}
    assert mine.pk in listed and theirs.pk not in listed
    assert api_for(dept).get(f"/api/v1/monthly-reports/{theirs.pk}/").status_code == 404
    assert api_for(users[Role.JURISDICTION]).get(f"/api/v1/monthly-reports/{mine.pk}/").status_code == 404
    patch = api_for(dept).patch(f"/api/v1/monthly-reports/{mine.pk}/", {"highlights": "亮点", "problems": "问题", "next_steps": "打算",
                                                                        "state": "accepted"}, format="json")
    assert patch.status_code == 200 and patch.json()["state"] == "draft"
    submitted = api_for(dept).post(f"/api/v1/monthly-reports/{mine.pk}/submit/", {"reason": "报送"}, format="json")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert api_for(dept).post(f"/api/v1/monthly-reports/{mine.pk}/submit/", {}, format="json").status_code == 409
    assert api_for(dept).post(f"/api/v1/monthly-reports/{mine.pk}/accept/", {}, format="json").status_code == 403
    assert api_for(users[Role.AUDITOR]).post(f"/api/v1/monthly-reports/{mine.pk}/accept/", {}, format="json").status_code == 403
    no_comment = api_for(office).post(f"/api/v1/monthly-reports/{mine.pk}/return/", {}, format="json")
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["errors"]
    returned = api_for(office).post(f"/api/v1/monthly-reports/{mine.pk}/return/", {"comment": "请补充数据"}, format="json")
    assert returned.status_code == 200 and returned.json()["state"] == "returned" and returned.json()["review_comment"] == "请补充数据"
    api_for(dept).post(f"/api/v1/monthly-reports/{mine.pk}/submit/", {}, format="json")
    accepted = api_for(office).post(f"/api/v1/monthly-reports/{mine.pk}/accept/", {"comment": "好"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    missing = api_for(office).get("/api/v1/monthly-reports/", {"missing": "true", "page_size": 100}).json()
    assert mine.pk not in {r["id"] for r in missing["results"]} and theirs.pk in {r["id"] for r in missing["results"]}


@pytest.fixture
def outsider_dept(make_user):
    return make_user(Role.DEPARTMENT, department="住建局", username="t_zjj")


# ---------------------------------------------------------------- reminders and dashboard

def test_missing_report_earns_a_reminder_order_once_a_day(opened, users):
    office = users[Role.OFFICE_ADMIN]
    report = opened["住建局"]
    report = report_remind(actor=office, reason="", report=report)
    order = report.reminder_order
    assert order.kind == OrderKind.REMINDER and order.recipient_department.short_name == "住建局"
    assert "逾期" in order.content
    with pytest.raises(StateConflict):
        report_remind(actor=office, reason="", report=report)
    assert Order.objects.filter(kind=OrderKind.REMINDER).count() == 1
    group_report = opened["市场监管局专项督导组"]
    assert report_remind(actor=None, reason="定时催报", report=group_report).reminder_order.recipient_department.short_name == "市场监管局"


def test_office_dashboard_lists_missing_reports(opened, users):
    c = Client()
    c.force_login(users[Role.OFFICE_EDITOR])
    body = c.get("/admin/").content.decode()
    assert "逾期未报的月度督导检查情况" in body and str(opened["住建局"]) in body
    d = Client()
    d.force_login(users[Role.DEPARTMENT])
    assert "逾期未报的月度督导检查情况" not in d.get("/admin/").content.decode()
