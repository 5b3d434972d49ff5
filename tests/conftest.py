"""Shared fixtures: the notice's directory, one user per role, API clients."""

from __future__ import annotations

import datetime
import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from cms.directory.models import Department, Jurisdiction, Sector, Target, UserProfile
from cms.directory.services import load_reference_data
from cms.roles import Role, ensure_role_groups

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the notice's directory and the role groups once; each test rolls back to this."""
    with django_db_blocker.unblock():
        load_reference_data()
        ensure_role_groups()


@pytest.fixture
def ref(db):
    """The directory of the notice and the six role groups (loaded through the services).

    Transactional tests flush the database afterwards, so reload when it is gone."""
    if not Department.objects.exists():
        load_reference_data()
    if not Group.objects.filter(name=Role.AUDITOR.value).exists():
        ensure_role_groups()
    return {
        "departments": {d.short_name: d for d in Department.objects.all()},
        "jurisdictions": {j.name: j for j in Jurisdiction.objects.all()},
        "sectors": {s.name: s for s in Sector.objects.all()},
    }


@pytest.fixture
def make_user(ref):
    counter = {"n": 0}

    def make(role: Role, *, department: str | None = None, jurisdiction: str | None = None, username: str | None = None, password: str = "pass-1234-word"):
        counter["n"] += 1
        User = get_user_model()
        user = User.objects.create_user(username=username or f"{role.name.lower()}_{counter['n']}", password=password,
                                        first_name=f"{role.value}{counter['n']}")
        user.groups.add(Group.objects.get(name=role.value))
        UserProfile.objects.create(
            user=user,
            department=ref["departments"][department] if department else None,
            jurisdiction=ref["jurisdictions"][jurisdiction] if jurisdiction else None,
        )
        return user

    return make


@pytest.fixture
def users(make_user):
    """One user per role: the department user is 应急管理局, the jurisdiction user 拱辰街道."""
    return {
        Role.OFFICE_ADMIN: make_user(Role.OFFICE_ADMIN, department="区安办", username="t_office_admin"),
        Role.OFFICE_EDITOR: make_user(Role.OFFICE_EDITOR, department="区安办", username="t_office_editor"),
        Role.DEPARTMENT: make_user(Role.DEPARTMENT, department="应急管理局", username="t_dept"),
        Role.JURISDICTION: make_user(Role.JURISDICTION, jurisdiction="拱辰街道", username="t_jur"),
        Role.INSPECTOR: make_user(Role.INSPECTOR, department="应急管理局", username="t_inspector"),
        Role.AUDITOR: make_user(Role.AUDITOR, department="督查", username="t_auditor"),
    }


@pytest.fixture
def api_for():
    def client(user) -> APIClient:
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return client


@pytest.fixture
def make_target(ref):
    from cms.records import save_record

    def make(name: str, *, jurisdiction: str = "拱辰街道", sectors: tuple[str, ...] = ("危化品",), **extra) -> Target:
        target = Target(name=name, jurisdiction=ref["jurisdictions"][jurisdiction], **extra)
        return save_record(instance=target, actor=None, reason="测试数据",
                           m2m={"sectors": [ref["sectors"][s] for s in sectors]})

    return make


@pytest.fixture
def freeze_time(monkeypatch):
    """Set the clock for a test where dates matter: ``freeze_time(datetime.date(2026, 6, 1))`` (10:00
    local) or an aware/naive datetime. It replaces ``django.utils.timezone.now``, through which
    ``timezone.localdate()``, ``auto_now`` fields and every service read the time."""
    from django.utils import timezone

    def freeze(moment: datetime.date | datetime.datetime) -> datetime.datetime:
        if not isinstance(moment, datetime.datetime):
            moment = datetime.datetime.combine(moment, datetime.time(10, 0))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return freeze


# ---------------------------------------------------------------- no silent skips
# A test of the default suite may be skipped only for a service this machine lacks; its reason must
# name it. Anything else ("not built yet", a feature flag…) fails the run, so a skip cannot hide a
# test that never runs (issue 16).
MISSING_SERVICES = ("PostgreSQL", "chromium", "Chromium", "LibreOffice", "soffice", "pdftoppm")
_unexplained_skips: list[tuple[str, str]] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if not any(service in reason for service in MISSING_SERVICES):
            _unexplained_skips.append((report.nodeid, reason))


def pytest_terminal_summary(terminalreporter):
    if _unexplained_skips:
        terminalreporter.section("跳过的测试没有说明缺少哪项服务")
        for nodeid, reason in _unexplained_skips:
            terminalreporter.line(f"{nodeid}: {reason}")


def pytest_sessionfinish(session, exitstatus):
    if _unexplained_skips and session.exitstatus == 0:
        session.exitstatus = 1
