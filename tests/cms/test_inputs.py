"""Strict input (issue 15, findings 4 and 9): control characters refused at every entry point,
names normalised, dates within bounds, ASCII digits only, reasons never silently cut."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.test import Client

from cms.directory.models import Jurisdiction, Target
from cms.errors import InvalidInput
from cms.forms import TextFormMixin
from cms.inputs import normalise_name, spreadsheet_cell
from cms.records import save_record
from cms.roles import Role
from tests.workflows.hazards.factories import register
from workflows.hazards.models import Hazard
from workflows.hazards.services import hazard_reject

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ the rules themselves


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("铃\x07声", "铃声"), ("\x07=1", "'=1"), ("正常文字 = 1", "正常文字 = 1"), (5, 5), (None, None),
])
def test_spreadsheet_cell(value, expected):
    assert spreadsheet_cell(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("拱辰\u200b街道", "拱辰街道"), ("化工\u202e厂", "化工厂"), ("\ufeff北高镇", "北高镇"), ("ＡＢＣ化工１号", "ABC化工1号"),
    ("荔城区应急管理局（安委办）", "荔城区应急管理局（安委办）"), ("  东圳   五金  ", "东圳 五金"),
])
def test_normalise_name(value, expected):
    assert normalise_name(value) == expected


# ------------------------------------------------------------------ control characters: every form


OUR_PACKAGES = ("cms", "workflows", "notices", "exports")
NOT_DATA_FORMS = {"LimitedLoginForm"}  # the login form stores nothing; its limits are cms.security's


def our_form_classes():
    for package in OUR_PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if any(part in info.name for part in (".migrations", ".management", "loadgen", ".settings")):
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == info.name and issubclass(cls, forms.BaseForm):
                    yield cls


def test_every_form_of_ours_refuses_control_characters():
    found = [cls for cls in our_form_classes() if cls.__name__ not in NOT_DATA_FORMS]
    assert len(found) >= 15
    missing = [f"{cls.__module__}.{cls.__name__}" for cls in found if not issubclass(cls, TextFormMixin)]
    assert not missing


def test_admin_hazard_action_form_refuses_control_characters(users, make_target):
    from tests.workflows.hazards.factories import advance

    hazard = advance(register(users[Role.OFFICE_ADMIN], make_target("控制字符化工")), "submitted",
                     office=users[Role.OFFICE_ADMIN], responsible=users[Role.DEPARTMENT])
    c = Client()
    c.force_login(users[Role.OFFICE_ADMIN])
    response = c.post(f"/admin/snippets/hazards/hazard/act/{hazard.pk}/reject/",
                      {"reject-reason": "照片\x07不清楚", "reject-version": hazard.version}, follow=True)
    assert "含有不可见的控制字符" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.state == "submitted"


def test_every_save_refuses_control_characters(ref):
    target = Target(name="坏\x07名字", jurisdiction=ref["jurisdictions"]["拱辰街道"])
    with pytest.raises(InvalidInput, match="控制字符") as caught:
        save_record(instance=target, actor=None, reason="测试", validate=False)
    assert "name" in caught.value.fields
    assert not Target.objects.filter(name__startswith="坏").exists()


def test_the_notice_page_editor_refuses_control_characters(users, ref):
    from notices.models import NoticePage

    form_class = NoticePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, TextFormMixin)


# ------------------------------------------------------------------ names


def test_a_save_refuses_a_name_that_normalisation_lengthens_past_its_column(db):
    """A save that skips ``full_clean`` (a service setting a name) still cannot write a name that
    NFKC made longer than its column: PostgreSQL would answer with an error (a 500), SQLite would
    keep it over length."""
    from cms.directory.models import Sector

    with pytest.raises(InvalidInput) as caught:
        Sector(name="¼" * 50, code="quarter").save()
    assert caught.value.fields["name"] == ["行业领域规范化后超过 50 个字符，请缩短"]
    assert not Sector.objects.filter(code="quarter").exists()


def test_a_zero_width_look_alike_is_the_same_name(ref, users, api_for):
    with pytest.raises(InvalidInput) as caught:
        save_record(instance=Jurisdiction(name="拱辰\u200b街道", code="gc2"), actor=None, reason="测试")
    assert "已存在" in str(caught.value.fields["name"])
    response = api_for(users[Role.OFFICE_EDITOR]).post("/api/v1/targets/", {
        "name": "荔园\u202e化工\u200d有限公司", "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk,
        "sectors": [ref["sectors"]["工贸"].pk]}, format="json")
    assert response.status_code == 201, response.json()
    assert Target.objects.get(pk=response.json()["id"]).name == "荔园化工有限公司"


# ------------------------------------------------------------------ dates


def test_found_at_far_in_the_future_is_refused(ref, users, api_for, make_target):
    target = make_target("未来化工")
    before = Hazard.objects.count()
    response = api_for(users[Role.OFFICE_ADMIN]).post("/api/v1/hazards/", {
        "description": "储罐区未设置防火堤", "target": target.pk, "sector": ref["sectors"]["危化品"].pk,
        "found_at": "2999-01-01T10:00:00+08:00"}, format="json")
    assert response.status_code == 400, response.json()
    assert "2000-01-01 至 2100-12-31" in str(response.json())
    assert Hazard.objects.count() == before


def test_consultation_in_year_one_is_refused(ref, users, api_for):
    response = api_for(users[Role.OFFICE_ADMIN]).post("/api/v1/consultations/", {
        "held_on": "0001-01-01", "title": "一月会商", "sectors": [ref["sectors"]["危化品"].pk],
        "situation_analysis": "形势分析", "risks": "风险研判",
        "lead_departments": [ref["departments"]["应急管理局"].pk]}, format="json")
    assert response.status_code == 400, response.json()
    assert "2000-01-01 至 2100-12-31" in str(response.json()["errors"]["held_on"])


def test_admin_form_dates_out_of_bounds_are_refused(users, client):
    client.force_login(users[Role.OFFICE_ADMIN])
    from workflows.reporting.models import Consultation

    before = Consultation.objects.count()
    response = client.post("/admin/snippets/reporting/consultation/add/", {"held_on": "2999-01-01", "title": "远期会商"})
    assert response.status_code == 200 and "2000-01-01 至 2100-12-31" in response.content.decode()
    assert Consultation.objects.count() == before
    assert datetime.date(2999, 1, 1) not in Consultation.objects.values_list("held_on", flat=True)


# ------------------------------------------------------------------ reasons


def test_a_reason_over_the_limit_is_refused_not_cut(users, make_target, api_for, ref):
    from tests.workflows.hazards.factories import advance

    hazard = advance(register(users[Role.OFFICE_ADMIN], make_target("长原因化工")), "submitted",
                     office=users[Role.OFFICE_ADMIN], responsible=users[Role.DEPARTMENT])
    with pytest.raises(InvalidInput, match="不能超过 500 字"):
        hazard_reject(actor=users[Role.OFFICE_ADMIN], reason="照" * 501, hazard=hazard)
    hazard.refresh_from_db()
    assert hazard.state == "submitted"
    before = Target.objects.count()
    response = api_for(users[Role.OFFICE_EDITOR]).post("/api/v1/targets/", {
        "name": "长原因五金厂", "jurisdiction": ref["jurisdictions"]["拱辰街道"].pk, "sectors": [ref["sectors"]["工贸"].pk],
        "reason": "因" * 100_000}, format="json")
    assert response.status_code == 400 and "不能超过 500 字" in response.json()["detail"]
    assert Target.objects.count() == before
