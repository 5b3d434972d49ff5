"""年度目标责任考核 on a hand-computed example: every figure and point written out below."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from cms.roles import Role
from tests.exports.builders import at, make_hazard, make_inspection, set_fields
from workflows.assessment.models import AssessmentScheme
from workflows.assessment.selectors import Period, assess, evidence
from workflows.hazards.models import HazardLevel, HazardState
from workflows.reporting.models import MonthlyReport

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 1, 20)  # every 2026 report and deadline has come due


@pytest.fixture
def year_2026(march, ref, users):
    AssessmentScheme.objects.create(
        year=2026, weight_inspection_months=20, weight_reports=15, late_report_credit=50, weight_hazards_found=15,
        hazards_found_target=12, weight_rectified_on_time=20, weight_overdue=10, overdue_penalty=Decimal(2),
        weight_major_closed=10, weight_orders_on_time=10, pass_line=45)
    d = march["department"]
    h1, h2, h3, h4, h5 = march["hazards"]
    # months with inspections: February (fixture), March (fixture), June
    make_inspection(march["groups"][0], march["targets"][0], datetime.date(2026, 6, 8))
    # rectification
    set_fields(h1, state=HazardState.CLOSED, submitted_at=at(2026, 4, 20), closed_at=at(2026, 4, 22))  # on time, major closed
    set_fields(h2, state=HazardState.SUBMITTED, deadline=datetime.date(2026, 4, 10), submitted_at=at(2026, 4, 15))  # late, still open
    set_fields(h3, state=HazardState.RECTIFYING, level=HazardLevel.MAJOR, deadline=datetime.date(2026, 5, 31))  # overdue, major open
    set_fields(h4, state=HazardState.RECTIFYING, deadline=datetime.date(2027, 2, 28))  # not yet due
    february = make_hazard(march["targets"][0], ref["sectors"]["危化品"], found_at=at(2026, 2, 27), description="即行即改的隐患")
    set_fields(february, state=HazardState.CLOSED, submitted_at=at(2026, 2, 27), closed_at=at(2026, 2, 28))  # fixed on the spot
    # monthly reports: January on time, February late, March on time, the rest never sent
    report = MonthlyReport
    for month, deadline, sent in ((1, (2, 5), (2, 3)), (2, (3, 5), (3, 20)), (3, (4, 7), (4, 3))):
        row = report(month=datetime.date(2026, month, 1), department=d, deadline=datetime.date(2026, *deadline),
                     first_submitted_at=at(2026, *sent), submitted_at=at(2026, *sent))
        row._change_reason = "测试数据"
        row.save()
    # 三单 to the department
    from workflows.hazards.services_orders import order_issue

    def order(issued, due, answered=None):
        o = order_issue(actor=users[Role.OFFICE_ADMIN], reason="测试", kind="assignment", content="请整改",
                        due_date=datetime.date(*due), recipient_department=d, issued_at=at(*issued))
        if answered:
            set_fields(o, answered_at=at(*answered), status="answered", reply="已整改")
        return o

    order((2026, 3, 10), (2026, 3, 20), (2026, 3, 18))  # on time
    order((2026, 5, 1), (2026, 5, 10), (2026, 5, 15))  # late
    order((2026, 6, 1), (2026, 6, 10))  # never answered, due
    order((2026, 12, 20), (2027, 2, 1))  # not yet due
    return march


def test_hand_computed_scores(year_2026):
    result = assess(period=Period.year(2026), today=TODAY)
    by_name = {row.department_name: row for row in result.departments}
    yj = by_name["区应急管理局"]
    points = {i.key: i.points for i in yj.indicators}
    assert points == {
        "inspection_months": Decimal("5.00"),  # 20 × 3/12
        "reports": Decimal("3.13"),  # 15 × (2 + 1 × 50%) / 12 = 3.125
        "hazards_found": Decimal("7.50"),  # 15 × 6/12
        "rectified_on_time": Decimal("10.00"),  # 20 × 2/4 (h1, the February one on time; h2 late, h3 overdue)
        "overdue": Decimal("6.00"),  # 10 − 2 × 2 (h2 rectified late but not yet closed is still 逾期, h3)
        "major_closed": Decimal("5.00"),  # 10 × 1/2
        "orders_on_time": Decimal("3.33"),  # 10 × 1/3
    }
    assert yj.total == Decimal("39.96")
    assert yj.indicator("reports").figure == "按时2、逾期1、未报9（应报12）"
    assert yj.indicator("inspection_months").figure == "3/12 个月"
    assert yj.indicator("rectified_on_time").rule == "20.00分 × 2/4（按期整改销号 ÷ 已销号或已过整改时限（按期提交、待复核的暂不计））"
    assert yj.indicator("overdue").rule == "10.00分 − 2 × 2.00分（每项逾期扣分，扣完为止）"

    zj = by_name["区住建局"]  # one inspection in March, one hazard without a deadline, nothing else
    assert [i.points for i in zj.indicators] == [Decimal("1.67"), Decimal("0.00"), Decimal("1.25"), Decimal("20.00"),
                                                 Decimal("10.00"), Decimal("10.00"), Decimal("10.00")]
    assert zj.total == Decimal("52.92")
    idle = by_name["区发改局"]
    assert idle.total == Decimal("50.00")
    assert result.full_marks == Decimal("100.00") and result.pass_line == Decimal("45.00")
    assert [row.department_name for row in result.referrals] == ["区应急管理局"]
    assert len(result.departments) == 20


def test_evidence_lists_the_records_behind_each_figure(year_2026):
    d = year_2026["department"]
    h1, h2, h3, h4, h5 = year_2026["hazards"]
    period = Period.year(2026)
    overdue = evidence(department=d, period=period, key="overdue", today=TODAY)
    assert [row.label for row in overdue] == [h2.code, h3.code]
    rectified = evidence(department=d, period=period, key="rectified_on_time", today=TODAY)
    assert {(row.label, row.status) for row in rectified} >= {(h1.code, "按期"), (h2.code, "未按期"), (h3.code, "未按期")}
    assert len(rectified) == 4
    reports = evidence(department=d, period=period, key="reports", today=TODAY)
    assert [r.status for r in reports[:4]] == ["按时报送", "逾期报送", "按时报送", "逾期未报"]
    assert len(evidence(department=d, period=period, key="inspection_months", today=TODAY)) == 6
    assert len(evidence(department=d, period=period, key="orders_on_time", today=TODAY)) == 3


def test_weights_without_a_scheme_are_the_defaults_and_a_range_scales_the_target(year_2026):
    result = assess(period=Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)), today=TODAY)
    assert not result.scheme_configured and result.full_marks == Decimal("100")
    yj = next(r for r in result.departments if r.department_name == "区应急管理局")
    assert yj.indicator("hazards_found").figure == "0 项（目标6项）"  # 12 a year → 6 for half a year
    assert yj.indicator("inspection_months").figure == "0/6 个月"


def test_scheme_rejects_a_pass_line_above_full_marks():
    from django.core.exceptions import ValidationError

    scheme = AssessmentScheme(year=2030, pass_line=Decimal("101"))
    with pytest.raises(ValidationError) as exc:
        scheme.full_clean()
    assert "合格线不能高于满分" in str(exc.value)


def test_api_scores_match_the_selector_and_respect_scope(year_2026, users, api_for):
    response = api_for(users[Role.OFFICE_EDITOR]).get("/api/v1/assessment/", {"year": 2026})
    assert response.status_code == 200
    body = response.json()
    expected = assess(period=Period.year(2026))
    assert len(body["departments"]) == 20
    yj_api = next(r for r in body["departments"] if r["department_name"] == "区应急管理局")
    yj = next(r for r in expected.departments if r.department_name == "区应急管理局")
    assert Decimal(yj_api["total"]) == yj.total
    assert [i["key"] for i in yj_api["indicators"]] == ["inspection_months", "reports", "hazards_found", "rectified_on_time",
                                                        "overdue", "major_closed", "orders_on_time"]
    link = yj_api["indicators"][4]["evidence_url"]
    assert link.startswith("/admin/") and "indicator=overdue" in link and f"department={year_2026['department'].pk}" in link
    assert body["pass_line"] == "45.00" and body["scheme_configured"] is True

    own = api_for(users[Role.DEPARTMENT]).get("/api/v1/assessment/", {"year": 2026}).json()
    assert [r["department_name"] for r in own["departments"]] == ["区应急管理局"]
    assert api_for(users[Role.JURISDICTION]).get("/api/v1/assessment/", {"year": 2026}).status_code == 403
    assert api_for(users[Role.OFFICE_EDITOR]).get("/api/v1/assessment/", {"year": "20x6"}).status_code == 400


def test_assessment_xlsx(year_2026, users, api_for):
    response = api_for(users[Role.AUDITOR]).get("/api/v1/exports/assessment/", {"year": 2026})
    assert response.status_code == 200
    assert "filename*=UTF-8''2026%E5%B9%B4%E5%BA%A6" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["考核得分", "得分说明", "报送督查效能"]
    scores = wb["考核得分"]
    assert scores.freeze_panes == "A3" and scores.column_dimensions["A"].width == 18  # title row, then the header
    assert scores["A1"].value == "2026年度目标责任考核得分" and scores.print_title_rows == "$1:$2"
    headers = [c.value for c in scores[2]]
    assert headers[:3] == ["单位", "月度督导检查（数据）", "月度督导检查（得分）"] and headers[-2:] == ["总分", "是否合格"]
    expected = {r.department_name: r.total for r in assess(period=Period.year(2026)).departments}
    rows = {r[0]: r for r in scores.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 20
    assert Decimal(str(rows["区应急管理局"][-2])) == expected["区应急管理局"]
    detail = list(wb["得分说明"].iter_rows(min_row=3, values_only=True))
    assert len(detail) == 20 * 7 and detail[0][:2] == ("区发改局", "月度督导检查")


def test_admin_pages_show_scores_and_the_records_behind_them(year_2026, users, client):
    client.force_login(users[Role.OFFICE_EDITOR])
    page = client.get("/admin/assessment/", {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    assert "区应急管理局" in html and "低于合格线" in html and "/api/v1/exports/assessment/?year=2026" in html
    h3 = year_2026["hazards"][2]
    d = year_2026["department"]
    detail = client.get("/admin/assessment/evidence/", {"department": d.pk, "from": "2026-01-01", "to": "2026-12-31",
                                                         "indicator": "major_closed"})
    assert detail.status_code == 200 and h3.code in detail.content.decode()
    assert client.get("/admin/assessment/evidence/", {"department": d.pk, "indicator": "nope"}).status_code == 404

    client.force_login(users[Role.JURISDICTION])
    refused = client.get("/admin/assessment/")  # Wagtail turns PermissionDenied into a redirect with a message
    assert refused.status_code == 302 and refused.url == "/admin/"
    client.force_login(users[Role.DEPARTMENT])
    other = year_2026["groups"][2].lead_department
    assert client.get("/admin/assessment/evidence/", {"department": other.pk, "indicator": "overdue"}).status_code == 404
