"""GET /api/v1/exports/monthly-report/: the report of 附件2 filled from the month's records."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest

from cms.directory.models import Department
from cms.roles import Role
from exports.monthly_report import basic_sentence
from exports.selectors import district_report_data
from workflows.assessment.selectors import department_hazards_found
from workflows.hazards.models import Hazard, HazardLevel
from workflows.hazards.services import hazard_register
from workflows.periods import Period
from workflows.reporting.figures import NONE_FOUND, _level_counts, levels_by_finder
from workflows.reporting.figures import unit_facts as basic_facts
from workflows.reporting.models import MonthlyReport

from .builders import at, make_group, make_hazard, make_inspection
from .docx_checks import assert_official_layout, assert_page_number_footer, header_rows, is_repeated_header, open_docx

pytestmark = pytest.mark.django_db

EXPECTED_SENTENCE = (
    "区应急管理局牵头负责督导检查危化品、工贸行业领域安全生产工作，于3月2日至28日，组成2个督导检查组，"
    "共排查检查了拱辰街道、北高镇等镇街、2个村居、4家企业（场所、工程、项目等），督导检查发现隐患问题5项，"
    "其中重大隐患问题1项、一般隐患问题4项、突出隐患2项。"
)


def get_report(api_for, user, department, month="2026-03"):
    return api_for(user).get("/api/v1/exports/monthly-report/", {"department": department.pk, "month": month})


def test_every_figure_of_the_basic_situation_equals_the_data(march):
    facts = basic_facts(march["department"], Period.month(2026, 3))
    assert (facts.group_count, facts.target_count, facts.village_count, facts.inspection_count) == (2, 4, 2, 4)
    assert facts.jurisdiction_names == ("拱辰街道", "北高镇")
    assert (facts.hazard_total, facts.major_count, facts.general_count, facts.prominent_count) == (5, 1, 4, 2)
    assert basic_sentence(facts, 3) == EXPECTED_SENTENCE


def test_the_roll_up_counts_every_departments_hazards_in_one_query_as_each_department_alone(march, users, ref, make_user):
    """``hazard_levels_found`` (one grouped query) gives each department what ``department_hazards_found``
    gives it alone, including finders that belong to no department or to none that reports."""
    d, s = ref["departments"], ref["sectors"]
    t1, t6 = march["targets"][0], march["targets"][5]
    office_group = make_group("区安办综合督导检查组", d["区安办"], kind="comprehensive")
    make_hazard(t1, s["危化品"], inspection=make_inspection(office_group, t1, datetime.date(2026, 3, 12)), description="综合组发现")
    by_housing = make_user(Role.DEPARTMENT, department="住建局")
    hazard_register(actor=by_housing, reason="测试", description="住建局人员登记", target=t6, sector=s["建筑施工"],
                    source=Hazard.Source.MANUAL, found_at=at(2026, 3, 21), level=HazardLevel.MAJOR, is_prominent=True)
    hazard_register(actor=users[Role.OFFICE_EDITOR], reason="测试", description="区安办登记", target=t6, sector=s["建筑施工"],
                    source=Hazard.Source.MANUAL, found_at=at(2026, 3, 22))
    hazard_register(actor=None, reason="测试", description="系统导入", target=t6, sector=s["建筑施工"], found_at=at(2026, 3, 23))
    hazard_register(actor=by_housing, reason="测试", description="四月登记", target=t6, sector=s["建筑施工"], found_at=at(2026, 4, 1, 0))
    period = Period.month(2026, 3)

    found = levels_by_finder(period)
    for department in Department.objects.all():
        alone = department_hazards_found(department.pk, period).aggregate(**_level_counts())
        assert found.get(department.pk, NONE_FOUND) == alone, department.name
    assert found[d["应急管理局"].pk] == {"total": 5, "major": 1, "general": 4, "prominent": 2}
    assert found[d["住建局"].pk] == {"total": 2, "major": 1, "general": 1, "prominent": 1}
    district = district_report_data(2026, 3)
    assert [m.facts for m in district.departments] == [
        basic_facts(department, period)
        for department in Department.objects.filter(kind=Department.Kind.DEPARTMENT, is_active=True).order_by("sort_order", "id")]


def test_monthly_report_download(march, users, api_for, freeze_time):
    freeze_time(datetime.date(2026, 6, 1))  # after the deadline of 2026-04-30: the first row is overdue
    response = get_report(api_for, users[Role.OFFICE_EDITOR], march["department"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    name = "2026年3月督导检查情况（区应急管理局）.docx"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"monthly-report-2026-03-yjglj.docx\"; filename*=UTF-8''{quote(name)}")

    doc = open_docx(response.content)
    assert_official_layout(doc)
    assert_page_number_footer(doc)
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == ["2026年3月督导检查情况", "区应急管理局", texts[2]]
    assert texts[2] == "（2026年6月1日）"  # the day it was drawn up: the frozen clock
    assert EXPECTED_SENTENCE in texts
    # 一、监管对象底数: targets of 危化品 and 工贸 (5), by category and jurisdiction
    assert "本单位主管的危化品、工贸行业领域在管监管对象共5家。" in texts
    assert "按监管对象类别分：规下企业3家（其中小微企业2家、小作坊1家），危险化学品使用企业1家，未标注类别1家。" in texts
    assert "按属地分：拱辰街道2家，新度镇1家，北高镇2家。" in texts
    assert "附件：2026年3月区应急管理局督导检查隐患问题“四个清单”" in texts

    (table,) = doc.tables
    assert header_rows(table)[1][1:] == ["排查对象", "排查单位", "隐患问题", "隐患等级", "整改措施", "整改时限/状态", "责任单位", "责任人"]
    assert all(is_repeated_header(tr) for tr in table._tbl.tr_lst[:2])
    rows = [[c.text for c in r.cells] for r in table.rows[2:]]
    assert [r[3] for r in rows] == ["储罐区未设置防火堤", "安全警示标志缺失", "油漆与易燃物混存", "充装记录不全", "砂轮机防护罩缺失"]
    assert rows[0] == ["1", "荔园化工有限公司", "区应急管理局", "储罐区未设置防火堤", "重大隐患（突出）", "按标准设置防火堤",
                       "2026年4月30日\n登记（逾期）", "—", "林经理"]  # 1 June is past the deadline
    assert rows[3][2] == "区应急管理局"  # registered by the department's own user, without an inspection


def test_prose_comes_from_the_monthly_report_record(march, users, api_for):
    model = MonthlyReport
    report = model(month=datetime.date(2026, 3, 1), department=march["department"], deadline=datetime.date(2026, 4, 7),
                   highlights="（一）逐企建档\n建立危化品企业清单。", problems="部分企业应急演练流于形式。", next_steps="开展专项执法。")
    report._change_reason = "测试数据"
    report.save()
    doc = open_docx(get_report(api_for, users[Role.OFFICE_EDITOR], march["department"]).content)
    texts = [p.text for p in doc.paragraphs]
    for line in ("（一）逐企建档", "建立危化品企业清单。", "部分企业应急演练流于形式。", "开展专项执法。"):
        assert line in texts
    assert next(p for p in doc.paragraphs if p.text == "（一）逐企建档").style.name == "二级标题"


def test_scope_a_department_exports_only_its_own_report(march, ref, users, make_user, api_for):
    own = get_report(api_for, users[Role.DEPARTMENT], march["department"])
    assert own.status_code == 200
    other = make_user(Role.DEPARTMENT, department="住建局")
    refused = get_report(api_for, other, march["department"])
    assert refused.status_code == 404
    assert "数据范围" in refused.json()["detail"]
    assert get_report(api_for, users[Role.JURISDICTION], march["department"]).status_code == 404
    assert get_report(api_for, users[Role.AUDITOR], march["department"]).status_code == 200
    assert get_report(api_for, None, march["department"]).status_code == 401


@pytest.mark.parametrize("month", ["2026-13", "2026/03", "", "x"])
def test_bad_month_is_a_chinese_400(march, users, api_for, month):
    response = get_report(api_for, users[Role.OFFICE_ADMIN], march["department"], month=month)
    assert response.status_code == 400
    assert "YYYY-MM" in response.json()["errors"]["month"][0]
