"""One rule per assessment item, stated from the notice (五（五）: 督导检查完成情况纳入年度目标责任考核),
and no hazard both credited and penalised; the compliance page and the assessment read the same
"开展督导检查" (三（三）: 每月对主管行业领域开展督导检查)."""

from __future__ import annotations

import datetime

import pytest

from tests.exports.builders import at, make_group, make_hazard, make_inspection, set_fields
from workflows.assessment.selectors import ITEMS, assess, evidence, score
from workflows.hazards.models import HazardState
from workflows.inspections.models import InspectionGroup
from workflows.inspections.selectors import compliance_for_month
from workflows.periods import Period

pytestmark = pytest.mark.django_db
MAY = Period.month(2026, 5)


def _row(department_name: str, period: Period, today: datetime.date):
    return next(r for r in assess(period=period, today=today).departments if r.department_name == department_name)


def test_a_rectification_submitted_in_time_but_verified_late_is_never_both_on_time_and_overdue(ref, make_target):
    d, s = ref["departments"], ref["sectors"]
    target = make_target("荔园化工有限公司", sectors=("危化品",))
    group = make_group("应急管理局危化品督导检查组", d["应急管理局"])
    hazard = make_hazard(target, s["危化品"], inspection=make_inspection(group, target, datetime.date(2026, 5, 6)))
    set_fields(hazard, state=HazardState.SUBMITTED, deadline=datetime.date(2026, 5, 20), submitted_at=at(2026, 5, 18),
               responsible_department=d["应急管理局"])
    # awaiting the office's 复核 after the deadline: overdue (open past its deadline), and not yet credited nor failed
    waiting = _row("区应急管理局", MAY, datetime.date(2026, 5, 25))
    assert waiting.indicator("overdue").numerator == 1
    assert (waiting.indicator("rectified_on_time").numerator, waiting.indicator("rectified_on_time").denominator) == (0, 0)
    # verified (销号) on the 27th, after the deadline: rectified in time, no longer overdue
    set_fields(hazard, state=HazardState.CLOSED, closed_at=at(2026, 5, 27))
    done = _row("区应急管理局", MAY, datetime.date(2026, 5, 28))
    assert done.indicator("overdue").numerator == 0
    assert (done.indicator("rectified_on_time").numerator, done.indicator("rectified_on_time").denominator) == (1, 1)
    for today in (datetime.date(2026, 5, 25), datetime.date(2026, 5, 28)):
        on_time = {r.obj.pk for r in evidence(department=d["应急管理局"], period=MAY, key="rectified_on_time", today=today)
                   if r.status == "按期"}
        overdue = {r.obj.pk for r in evidence(department=d["应急管理局"], period=MAY, key="overdue", today=today)}
        assert not on_time & overdue


def test_a_rectification_submitted_late_is_not_on_time_even_while_awaiting_verification(ref, make_target):
    d, s = ref["departments"], ref["sectors"]
    target = make_target("荔园化工有限公司", sectors=("危化品",))
    group = make_group("应急管理局危化品督导检查组", d["应急管理局"])
    hazard = make_hazard(target, s["危化品"], inspection=make_inspection(group, target, datetime.date(2026, 5, 6)))
    set_fields(hazard, state=HazardState.SUBMITTED, deadline=datetime.date(2026, 5, 10), submitted_at=at(2026, 5, 15))
    row = _row("区应急管理局", MAY, datetime.date(2026, 5, 25))
    assert (row.indicator("rectified_on_time").numerator, row.indicator("rectified_on_time").denominator) == (0, 1)


def test_compliance_and_assessment_count_the_same_inspected_months(ref, make_target):
    """交通运输局 inspected only through its special group (专项督导 拱辰街道): it did inspect this month,
    on the compliance page and in the assessment alike."""
    d = ref["departments"]
    target = make_target("拱辰客运站", jurisdiction="拱辰街道", sectors=("道路交通",))
    special = make_group("区交通运输局专项督导检查组", d["交通运输局"], kind=InspectionGroup.Kind.SPECIAL)
    make_inspection(special, target, datetime.date(2026, 5, 12))
    line = next(x for x in compliance_for_month(MAY.start).industry if x.label == "区交通运输局")
    assert line.ok and line.detail == "督导检查 1 次"
    row = _row("区交通运输局", MAY, datetime.date(2026, 6, 20))
    assert row.indicator("inspection_months").figure == "1/1 个月"
    idle = next(x for x in compliance_for_month(MAY.start).industry if x.label == "区水利局")
    assert not idle.ok and idle.detail == "本月未开展督导检查"
    assert _row("区水利局", MAY, datetime.date(2026, 6, 20)).indicator("inspection_months").figure == "0/1 个月"


def test_every_item_is_scored_by_the_one_function(ref):
    """Ratio items: weight × min(1, n/d), full marks when nothing is due; the deduction item: weight − n × penalty."""
    from workflows.assessment.models import AssessmentScheme
    from workflows.assessment.selectors import Figures

    scheme = AssessmentScheme(year=2026)
    for item in ITEMS:
        weight = getattr(scheme, item.weight_field)
        if item.kind == "deduction":
            assert score(item, Figures(3, 0, ""), scheme)[0] == max(0, weight - 3 * scheme.overdue_penalty)
        else:
            assert score(item, Figures(1, 4, ""), scheme)[0] == (weight / 4).quantize(weight.__class__("0.01"))
            assert score(item, Figures(0, 0, ""), scheme)[0] == weight
            assert score(item, Figures(9, 4, ""), scheme)[0] == weight
