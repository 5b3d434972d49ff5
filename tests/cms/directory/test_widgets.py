"""The checkbox choosers' labels: people by their unit or 属地, experts by their organisation, and a
further detail only where two labels would still be the same."""

import pytest
from django import forms
from django.contrib.auth import get_user_model

from cms.directory.models import Expert
from cms.directory.widgets import ExpertCheckboxes, PersonCheckboxes
from cms.records import save_record
from cms.roles import Role

pytestmark = pytest.mark.django_db


def labels(widget, queryset, name):
    field = forms.ModelMultipleChoiceField(queryset=queryset, widget=widget)
    html = field.widget.render(name, [])
    return [label for label in field.widget._labels.values()], html


def test_people_with_the_same_name_are_told_apart_by_unit_then_by_user_name(make_user):
    a = make_user(Role.INSPECTOR, department="应急管理局", username="zw_a")
    b = make_user(Role.INSPECTOR, jurisdiction="拱辰街道", username="zw_b")
    c = make_user(Role.INSPECTOR, department="应急管理局", username="zw_c")
    for user in (a, b, c):
        user.first_name = "张伟"
        user.save()
    found, html = labels(PersonCheckboxes(), get_user_model().objects.filter(pk__in=[a.pk, b.pk, c.pk]), "members")
    assert sorted(found) == ["张伟（区应急管理局）·zw_a", "张伟（区应急管理局）·zw_c", "张伟（拱辰街道）"]
    assert 'type="checkbox"' in html and "data-choice-filter" in html and "<select" not in html


def test_experts_by_organisation_then_by_the_phones_last_digits(ref):
    rows = [save_record(instance=Expert(name="李明", organization=org, phone=phone), actor=None, reason="测试")
            for org, phone in (("检验所", "13800001111"), ("检验所", "13800002222"), ("研究院", ""))]
    found, _ = labels(ExpertCheckboxes(), Expert.objects.filter(pk__in=[e.pk for e in rows]), "experts")
    assert sorted(found) == ["李明（检验所）·尾号1111", "李明（检验所）·尾号2222", "李明（研究院）"]
