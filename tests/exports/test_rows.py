"""The 四个清单 and ledger rows, read as plain values in one query, say exactly what the model
instances say (inspecting unit, responsible unit, labels, local dates, overdue)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.directory.models import Target
from cms.records import save_record
from cms.roles import Role
from exports import selectors
from exports.data import FourListRow, LedgerRow
from workflows.hazards.models import Hazard, HazardState
from workflows.inspections.models import InspectionGroup
from workflows.inspections.services import inspection_submit


def _inspecting_unit(h: Hazard) -> str:
    """The 排查单位 as the model tells it: the inspection group's lead department, else the
    finder's department, else the source."""
    if h.inspection_id and h.inspection.group_id:
        return h.inspection.group.lead_department.name
    profile = getattr(h.found_by, "profile", None) if h.found_by_id else None
    if profile is not None and profile.department_id:
        return profile.department.name
    return h.get_source_display()


def _expected_four(h: Hazard, today) -> FourListRow:
    return FourListRow(
        target=h.target.name, inspecting_unit=_inspecting_unit(h), problem=h.description,
        level=h.get_level_display() + ("（突出）" if h.is_prominent else ""),
        measures=h.rectification_measures, deadline=h.deadline, state=h.get_state_display(), responsible_unit=h.responsible_unit_name,
        responsible_person=h.responsible_person, code=h.code, found_on=timezone.localdate(h.found_at), sector=h.sector.name,
        jurisdiction=h.jurisdiction.name, is_prominent=h.is_prominent,
        is_overdue=h.state != HazardState.CLOSED and h.deadline is not None and h.deadline < today)


def _expected_ledger(h: Hazard, today) -> LedgerRow:
    def day(value):
        return timezone.localdate(value) if value else None

    return LedgerRow(
        code=h.code, found_on=day(h.found_at), sector=h.sector.name, jurisdiction=h.jurisdiction.name,
        village=h.village.name if h.village_id else "", target=h.target.name, problem=h.description, level=h.get_level_display(),
        is_prominent=h.is_prominent, state=h.get_state_display(),
        is_overdue=h.state != HazardState.CLOSED and h.deadline is not None and h.deadline < today, is_supervised=h.is_supervised,
        source=h.get_source_display(), inspecting_unit=_inspecting_unit(h), responsible_unit=h.responsible_unit_name,
        responsible_person=h.responsible_person, measures=h.rectification_measures, deadline=h.deadline,
        submitted_on=day(h.submitted_at), closed_on=day(h.closed_at))


def _hazard_found_by_an_inspection_group(ref, users):
    inspector = users[Role.INSPECTOR]
    group = save_record(instance=InspectionGroup(name="应急管理局行业督导检查组（测试）", kind=InspectionGroup.Kind.INDUSTRY,
                                                 lead_department=ref["departments"]["应急管理局"]),
                        actor=None, reason="测试", m2m={"sectors": [ref["sectors"]["危化品"]], "members": [inspector]})
    target = Target.objects.filter(sectors=ref["sectors"]["危化品"]).order_by("id").first()
    inspection_submit(actor=inspector, reason="测试", group=group, target=target, inspected_on=timezone.localdate(), method="planned",
                      inspectors=[inspector], checklist_version=None, answers=[], photos=[],
                      extra_hazards=[{"description": "储罐区可燃气体报警器失效", "level": "general", "sector": ref["sectors"]["危化品"].pk}],
                      started_at=timezone.now() - datetime.timedelta(minutes=20))


@pytest.mark.django_db
def test_rows_from_values_equal_rows_from_model_instances(ref, users, make_target):
    call_command("load_demo", password="demo-pass-1234", stdout=StringIO())
    call_command("load_inspection_demo", stdout=StringIO())
    call_command("load_loop_demo", stdout=StringIO())
    call_command("generate_load", scale="tiny", stdout=StringIO())
    _hazard_found_by_an_inspection_group(ref, users)
    today = timezone.localdate() + datetime.timedelta(days=3)
    hazards = list(Hazard.objects.order_by("found_at", "id"))
    # what the comparison must cover to mean something
    assert len(hazards) >= 200
    assert any(h.inspection_id for h in hazards) and any(not h.inspection_id for h in hazards)
    assert {h.responsible_kind for h in hazards} >= {Hazard.ResponsibleKind.DEPARTMENT, Hazard.ResponsibleKind.JURISDICTION}
    assert any(h.closed_at for h in hazards) and any(h.is_prominent for h in hazards)

    rows = list(selectors.four_list_rows(Hazard.objects.all(), today=today))
    assert rows == [_expected_four(h, today) for h in hazards]
    assert any(r.is_overdue for r in rows) and any(not r.is_overdue for r in rows)

    ledger = list(selectors.ledger_rows(Hazard.objects.all(), today=today))
    assert ledger == [_expected_ledger(h, today) for h in reversed(hazards)]
