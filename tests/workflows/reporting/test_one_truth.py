"""One month, one set of figures (口径): a month built through the services — several units, special
groups, the office's 综合 group, a tip-off, a hazard registered by a unit's own user, hazards in every
state of the loop, and an inspection entered days after its date — then every view of it compared
(``one_truth.assert_month_agrees``). Also: a submitted report prints as it was sent, and the found date
is the day of the finding."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cms.audit import chain
from cms.roles import Role
from exports.selectors import monthly_report_data
from notices.services import tipoff_accept, tipoff_submit
from workflows.hazards import models_tally
from workflows.hazards.models import Hazard, HazardLevel, HazardState
from workflows.hazards.services import (
    hazard_assign,
    hazard_fix_on_spot,
    hazard_plan,
    hazard_register,
    hazard_reject,
    hazard_submit,
    hazard_verify,
)
from workflows.inspections.models import InspectionGroup, InspectionMethod
from workflows.inspections.services import ensure_standing_groups, inspection_submit, sync_special_groups
from workflows.periods import Period, add_months, found_at_for
from workflows.reporting import figures
from workflows.reporting.models import MonthlyReport
from workflows.reporting.services import report_return, report_save_draft, report_submit, reports_open

from .one_truth import assert_month_agrees, word_parts

pytestmark = pytest.mark.django_db(transaction=False)


def _group(short_name: str, kind: str) -> InspectionGroup:
    return InspectionGroup.objects.get(lead_department__short_name=short_name, kind=kind)


def _visit(office, group, target, day, *problems, inspectors=()):
    result = inspection_submit(
        actor=office, reason="测试：督导检查", group=group, target=target, inspected_on=day, method=InspectionMethod.UNANNOUNCED,
        inspectors=list(inspectors) or [office], checklist_version=None, answers=[],
        extra_hazards=[{"description": text, "level": level} for text, level in problems],
        started_at=timezone.now() - datetime.timedelta(minutes=40), summary="测试督导检查")
    return result.hazards


@pytest.fixture
def month(ref, users, make_target, make_user):
    """Last month (and a little of this one) of several units' supervision."""
    sync_special_groups(reason="测试")
    ensure_standing_groups(reason="测试")
    office = users[Role.OFFICE_ADMIN]
    today = timezone.localdate()
    last = add_months(today, -1)
    chem1 = make_target("荔园化工有限公司", jurisdiction="拱辰街道", sectors=("危化品",))
    chem2 = make_target("北高油漆经营部", jurisdiction="北高镇", sectors=("危化品", "工贸"))
    site = make_target("新度安置房工地", jurisdiction="新度镇", sectors=("建筑施工",))
    mall = make_target("拱辰商场", jurisdiction="拱辰街道", sectors=("消防",))
    G, M = HazardLevel.GENERAL, HazardLevel.MAJOR
    yjj, zjj_special, zjj = _group("应急管理局", "industry"), _group("住建局", "special"), _group("住建局", "industry")
    fire, comprehensive = _group("消防救援大队", "industry"), InspectionGroup.objects.get(kind="comprehensive")
    h = {}
    h["a"], h["b"] = _visit(office, yjj, chem1, last.replace(day=3), ("储罐区未设置防火堤", M), ("安全警示标志缺失", G))
    h["c"], h["d"] = _visit(office, yjj, chem2, last.replace(day=15), ("油漆与易燃物混存", G), ("消防器材过期", G))
    (h["e"],) = _visit(office, zjj_special, site, last.replace(day=9), ("临边防护缺失", G))
    (h["f"],) = _visit(office, zjj, site, last.replace(day=20), ("塔吊未检验", M))
    # an inspection dated the 28th and entered only now (days later): its hazard is found on the 28th
    (h["late"],) = _visit(office, fire, mall, last.replace(day=28), ("疏散通道堵塞", G))
    (h["office"],) = _visit(office, comprehensive, chem1, last.replace(day=22), ("应急预案未演练", G))
    _visit(office, fire, mall, last.replace(day=5))  # an inspection that found nothing
    housing_user = make_user(Role.DEPARTMENT, department="住建局")
    h["own"] = hazard_register(actor=housing_user, reason="测试", description="住建局人员日常发现", target=site,
                               sector=ref["sectors"]["建筑施工"], source=Hazard.Source.MANUAL, found_at=found_at_for(last.replace(day=11)))
    # a tip-off, accepted by the office this month: the "others" line of this month
    tip = tipoff_submit(page=None, place="拱辰街道某仓库", description="仓库堆放大量液化气瓶")
    h["tip"] = tipoff_accept(actor=office, reason="测试", tipoff=tip, target=chem1, sector=ref["sectors"]["危化品"])
    # every state of the loop
    deadline = today + datetime.timedelta(days=20)
    dept = ref["departments"]["应急管理局"]
    for key in ("b", "c", "d", "e"):
        hazard_assign(hazard=h[key], actor=office, reason="测试", responsible_kind=Hazard.ResponsibleKind.DEPARTMENT,
                      responsible_department=dept, responsible_person="李明", deadline=deadline)
    for key in ("c", "d", "e"):
        hazard_plan(hazard=h[key].pk, actor=office, reason="测试", measures="按方案整改", deadline=deadline, responsible_person="李明")
    for key in ("d", "e"):
        hazard_submit(hazard=h[key].pk, actor=office, reason="测试", text="已整改")
    hazard_verify(hazard=h["e"].pk, actor=office, reason="测试")
    hazard_reject(hazard=h["d"].pk, actor=office, reason="整改不到位")
    hazard_fix_on_spot(hazard=h["office"].pk, actor=office, reason="测试", text="当场整改")
    states = set(Hazard.objects.values_list("state", flat=True))
    assert states == set(HazardState.values)
    return {"last": Period.of_month(last), "this": Period.of_month(today), "today": today, "hazards": h, "office": office}


def test_every_view_of_every_units_month_gives_the_same_figures(month, api_for, users):
    office = users[Role.OFFICE_ADMIN]
    totals = assert_month_agrees(month["last"], office_client=api_for(office), office_user=office, today=month["today"])
    # the figures by the notice's words, written out: what each unit's supervision found last month
    assert totals["区应急管理局"] == 4
    assert totals["区住建局"] == 3  # its special group (1), its industry group (1), its own user (1)
    assert totals["区住建局专项督导检查组"] == 1
    assert totals["区消防救援大队"] == 1  # the late-entered inspection counts in the month it was made
    district = figures.district_month(month["last"], today=month["today"])
    assert (district.total, district.units_total, district.others["total"]) == (9, 8, 1)  # 综合组 → others
    assert "区交警大队" in district.idle_units and "区住建局" not in district.idle_units
    this = figures.district_month(month["this"], today=month["today"])
    assert this.others["total"] == 1 and this.total == 1  # the tip-off, found this month
    assert_month_agrees(month["this"], office_client=api_for(office), office_user=office, today=month["today"],
                        word_for={"区应急管理局"})


def test_found_date_is_the_inspection_day_and_the_entry_time_is_kept(month):
    late = month["hazards"]["late"]
    late.refresh_from_db()
    assert timezone.localdate(late.found_at) == late.inspection.inspected_on != timezone.localdate(late.created_at)
    assert Hazard._meta.get_field("created_at").verbose_name == "登记时间"


def test_a_submitted_report_prints_as_it_was_sent(month, api_for, users):
    office = users[Role.OFFICE_ADMIN]
    period, dept = month["last"], users[Role.DEPARTMENT].profile.department
    reports_open(actor=None, reason="测试", month=period.start)
    report = MonthlyReport.objects.get(month=period.start, department=dept)
    client = api_for(users[Role.DEPARTMENT])
    params = {"department": dept.pk, "month": f"{period.start:%Y-%m}"}
    assert monthly_report_data(dept, period.start.year, period.start.month).is_draft is True
    draft = word_parts(client.get("/api/v1/exports/monthly-report/", params).content)
    assert any("（待填写：" in p for p in draft[0])  # a draft says what is still to be written
    report_save_draft(actor=users[Role.DEPARTMENT], reason="测试", report=report, highlights="逐企建档。", problems="培训不到位。",
                      next_steps="开展专项执法。")
    report_submit(actor=users[Role.DEPARTMENT], reason="测试", report=report)
    assert monthly_report_data(dept, period.start.year, period.start.month).is_draft is False
    sent = client.get("/api/v1/exports/monthly-report/", params).content
    sent_paragraphs, sent_rows = word_parts(sent)
    # afterwards the data moves on: hazards change state, a new one is found in that month
    h = month["hazards"]
    hazard_assign(hazard=h["a"], actor=office, reason="测试", responsible_kind=Hazard.ResponsibleKind.DEPARTMENT,
                  responsible_department=dept, responsible_person="王五", deadline=month["today"] + datetime.timedelta(days=9))
    _visit(office, _group("应急管理局", "industry"), h["c"].target, period.start.replace(day=25), ("新发现的隐患", HazardLevel.GENERAL))
    assert figures.unit_month(dept, period.start).facts.hazard_total == 5  # live: one more
    again = client.get("/api/v1/exports/monthly-report/", params).content
    assert word_parts(again) == (sent_paragraphs, sent_rows)  # same figures, same rows, same states
    assert len(sent_rows) == 4 and any("发现隐患问题4项" in p for p in sent_paragraphs)
    # the Excel 四个清单 of that month is the report's annex as sent, too
    from .one_truth import body, excel_codes

    xlsx = client.get("/api/v1/exports/four-lists/", {**params, "format": "xlsx"})
    assert len(excel_codes(body(xlsx))) == 4
    # returned: the report reads the data again until it is submitted again
    report_return(actor=office, reason="测试", report=report, comment="请补充")
    returned = word_parts(client.get("/api/v1/exports/monthly-report/", params).content)
    assert len(returned[1]) == 5


def test_the_found_date_migration_moves_old_rows_with_history_and_keeps_chain_and_tally(month):
    """The data migration of hazards 0009 on rows written the old way (found_at = the moment typed in)."""
    late = month["hazards"]["late"]
    wrong = timezone.now()
    late.found_at = wrong  # as the old code stored it
    late._change_reason = "测试：旧数据"
    late.save()
    history_rows = Hazard.history.filter(id=late.pk).count()
    migration = importlib.import_module("workflows.hazards.migrations.0009_found_on_inspection_day")
    # the models as the migration sees them (no history signals: it writes its own history row)
    state_apps = MigrationExecutor(connection).loader.project_state(("hazards", "0008_office_todo_index")).apps
    migration.found_on_inspection_day(state_apps, connection.schema_editor())
    late.refresh_from_db()
    assert timezone.localdate(late.found_at) == late.inspection.inspected_on
    newest = Hazard.history.filter(id=late.pk).order_by("-history_id").first()
    assert Hazard.history.filter(id=late.pk).count() == history_rows + 1
    assert newest.history_change_reason.startswith(f"数据更正：发现时间改为督导检查日期 {late.inspection.inspected_on:%Y-%m-%d}")
    for model in chain.history_models():
        assert chain.verify_model(model) is None, model
    assert models_tally.mismatches() == {}
