"""The dashboard's hazard counts (``hazards.HazardTally``) stay equal to the hazards themselves
through every way a hazard changes, and the dashboard read from them equals counting the hazards
each role may see."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from cms.directory.models import Department, Jurisdiction
from cms.roles import Role
from cms.scope import scoped
from tests.exports.builders import at, set_fields
from workflows.assessment.dashboard import hazard_cube, rectification_by_month
from workflows.assessment.selectors import Period
from workflows.hazards import models_tally, services
from workflows.hazards.models import Hazard, HazardState, HazardTally

from .factories import advance, register

pytestmark = pytest.mark.django_db


def assert_in_step() -> None:
    assert models_tally.mismatches() == {}
    assert sum(models_tally.stored_counts().values()) == Hazard.objects.count()


@pytest.fixture
def loop(users, make_target):
    """Hazards in every state, two sectors, two jurisdictions, two months, assigned to a
    department and to a jurisdiction."""
    office, dept = users[Role.OFFICE_ADMIN], users[Role.DEPARTMENT]
    gc = make_target("拱辰危化仓储", jurisdiction="拱辰街道", sectors=("危化品",))
    zh = make_target("镇海建筑工地", jurisdiction="镇海街道", sectors=("建筑施工",))
    hazards = {
        "reported": register(office, gc),
        "assigned": advance(register(office, gc), HazardState.ASSIGNED, office=office, responsible=dept),
        "submitted": advance(register(office, gc), HazardState.SUBMITTED, office=office, responsible=dept),
        "closed": advance(register(office, gc), HazardState.CLOSED, office=office, responsible=dept),
        "building": register(office, zh, sector="建筑施工"),
    }
    services.hazard_assign(hazard=hazards["building"], actor=office, reason="交办属地", responsible_kind=Hazard.ResponsibleKind.JURISDICTION,
                           responsible_jurisdiction=Jurisdiction.objects.get(name="镇海街道"), responsible_person="陈六",
                           deadline=timezone.localdate() + datetime.timedelta(days=7))
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1))
    hazards["last_month"] = register(office, zh, sector="建筑施工")
    set_fields(hazards["last_month"], found_at=at(last_month.year, last_month.month, last_month.day, 23))
    return hazards


def test_every_change_of_a_hazard_keeps_the_counts_in_step(loop, users):
    office = users[Role.OFFICE_ADMIN]
    assert_in_step()
    services.hazard_reject(hazard=loop["submitted"], actor=office, reason="整改不到位")  # 待复核 → 整改中
    assert_in_step()
    services.hazard_supervise(hazard=loop["assigned"], actor=office, reason="挂牌督办")
    assert_in_step()
    hazard = Hazard.objects.get(pk=loop["reported"].pk)  # a change of sector and jurisdiction moves it to another key
    set_fields(hazard, sector_id=loop["building"].sector_id, jurisdiction_id=loop["building"].jurisdiction_id)
    assert_in_step()
    stale = Hazard.objects.get(pk=loop["assigned"].pk)  # an instance loaded before another change of the same row
    fresh = Hazard.objects.get(pk=loop["assigned"].pk)
    set_fields(fresh, responsible_department=Department.objects.get(short_name="住建局"))
    set_fields(stale, deadline=timezone.localdate())  # its old key is read from the database, not from the stale instance
    assert_in_step()
    Hazard.objects.get(pk=loop["reported"].pk).delete()
    assert_in_step()
    # a count by hand: the hazards found last month, by key, are exactly the tally's rows of that month
    month = Hazard.objects.get(pk=loop["last_month"].pk)
    key = models_tally.key_of(month)
    assert key[-1] == timezone.localtime(month.found_at).date().replace(day=1) != timezone.localdate().replace(day=1)
    assert HazardTally.objects.get(found_month=key[-1], sector_id=key[0], jurisdiction_id=key[1], state=key[4]).n == 1


def test_a_failed_transition_leaves_the_counts_as_they_were(loop, users):
    before = models_tally.stored_counts()
    with pytest.raises(Exception):  # noqa: B017 - any refusal; what matters is that nothing moved
        services.hazard_verify(hazard=loop["reported"], actor=users[Role.OFFICE_ADMIN], reason="未整改就销号")
    assert models_tally.stored_counts() == before
    assert_in_step()


@pytest.mark.parametrize("role", [Role.OFFICE_EDITOR, Role.AUDITOR, Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR])
def test_the_dashboard_read_from_the_counts_equals_counting_the_visible_hazards(loop, users, role):
    user = users[role]
    visible = scoped(Hazard.objects.all(), user)
    cube = Counter({(s, j, st): n for s, j, st, n in visible.values_list("sector_id", "jurisdiction_id", "state").annotate(n=Count("id")).order_by()})
    assert hazard_cube(user) == cube
    today = timezone.localdate()
    labels, rates, counts = rectification_by_month(user, today)
    start = today.replace(day=1)
    expected_counts, expected_rates = [], []
    for _ in range(12):
        begin, stop = Period.month(start.year, start.month).bounds()
        found = visible.filter(found_at__gte=begin, found_at__lt=stop)
        n, closed = found.count(), found.filter(state=HazardState.CLOSED).count()
        expected_counts.insert(0, n)
        expected_rates.insert(0, closed / n if n else None)
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    assert counts == expected_counts and rates == expected_rates
    assert len(labels) == 12 and labels[-1] == f"{today.month}月"
    if role in (Role.OFFICE_EDITOR, Role.AUDITOR):
        assert sum(cube.values()) == Hazard.objects.count() == 6
    else:
        assert 0 < sum(cube.values()) < 6  # each of these sees part of the district


def test_check_and_rebuild_command(loop):
    call_command("hazard_tally", "--check")
    HazardTally.objects.filter(state=HazardState.CLOSED).delete()
    row = HazardTally.objects.filter(n__gt=0).first()
    row.n += 5
    row.save()
    wrong = models_tally.mismatches()
    assert len(wrong) == 2 and wrong[models_tally.key_of(loop["closed"])] == (0, 1)
    with pytest.raises(CommandError, match="不一致"):
        call_command("hazard_tally", "--check")
    call_command("hazard_tally", "--rebuild")
    call_command("hazard_tally", "--check")
    assert_in_step()
