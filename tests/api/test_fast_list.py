"""``FastListSerializer`` gives exactly what DRF's ``ListSerializer`` gives, on every list of the API.

The reference is DRF's own ``ListSerializer`` over the same rows with the same child serializer
and context, on the demo data of every module (hazards in every state of the loop, 三单,
inspections, plans, reports), compared as JSON text so that key order counts too.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cms.api.router import router
from cms.api.serializers import ApiModelSerializer, FastListSerializer
from cms.roles import Role
from workflows.hazards.models import Hazard

RESOURCES = [(prefix, viewset) for prefix, viewset, _ in router.registry]


def _list_view(viewset, user):
    request = Request(APIRequestFactory().get("/"))
    request.user = user
    view = viewset()
    view.action_map, view.action, view.request = {"get": "list"}, "list", request
    view.format_kwarg, view.args, view.kwargs = None, (), {}
    return view


def _as_text(data) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


@pytest.fixture
def demo(users):
    call_command("load_demo", password="demo-pass-1234")
    call_command("load_inspection_demo")
    call_command("load_loop_demo")


def test_every_list_of_the_api_is_the_same_as_drf_would_give(demo, users):
    user = users[Role.OFFICE_ADMIN]
    compared = {}
    for prefix, viewset in RESOURCES:
        view = _list_view(viewset, user)
        serializer_class = view.get_serializer_class()
        rows = list(view.filter_queryset(view.get_queryset())[:200])
        context = view.get_serializer_context()
        fast = serializer_class(rows, many=True, context=context)
        assert isinstance(fast, FastListSerializer), prefix
        expected = serializers.ListSerializer(child=serializer_class(context=context), context=context).to_representation(rows)
        assert _as_text(fast.data) == _as_text(expected), prefix
        compared[prefix] = len(rows)
    # the comparison means something only where there were rows
    assert compared["hazards"] >= 5 and compared["targets"] >= 5 and compared["orders"] >= 1, compared
    assert sum(1 for n in compared.values() if n) >= 10, compared
    _edge_cases()


class _Probe(ApiModelSerializer):
    """Edge cases: a dotted source through a missing relation, a missing one with a default,
    a callable source, and a foreign key that is null."""

    village_name = serializers.CharField(source="village.name", read_only=True)
    village_code = serializers.CharField(source="village.code", read_only=True, default="无")
    dept_name = serializers.CharField(source="responsible_department.name", read_only=True, allow_null=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Hazard
        fields = ["id", "village", "village_name", "village_code", "responsible_department", "dept_name", "level_label", "found_at", "deadline"]


def _edge_cases():
    rows = list(Hazard.objects.select_related("village", "responsible_department").order_by("id"))
    rows[0].village = None  # in memory only: what the serializers see when a relation is absent
    assert any(h.responsible_department_id is None for h in rows)
    fast = _Probe(rows, many=True).data
    expected = serializers.ListSerializer(child=_Probe()).to_representation(rows)
    assert _as_text(fast) == _as_text(expected)
    no_village = next(r for r, h in zip(fast, rows, strict=True) if h.village_id is None)
    assert "village_name" not in no_village and no_village["village_code"] == "无" and no_village["village"] is None
