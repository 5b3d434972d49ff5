"""One FilterSet per list (issue 16): the API list, the admin listing and the exports of a record
filter through the same FilterSet, with the same parameter names. The admin's side panel only
shows it differently (names to pick instead of ids), so the same query string picks the same rows
in both."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.snippets.models import get_snippet_models

from cms.api.router import router
from cms.roles import Role
from tests.exports.builders import make_group, make_inspection
from workflows.hazards.services_orders import order_acknowledge, order_issue
from workflows.inspections.models import InspectionGroup

pytestmark = pytest.mark.django_db


def _api_filtersets() -> dict:
    """model → its API list's FilterSet class, or the viewset when it only names ``filterset_fields``."""
    found = {}
    for _prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is None:
            continue
        if getattr(viewset, "filterset_class", None) is not None:
            found[queryset.model] = viewset.filterset_class
        elif getattr(viewset, "filterset_fields", None):
            found[queryset.model] = viewset
    return found


def test_every_admin_listing_filters_through_its_api_lists_filterset():
    api = _api_filtersets()
    checked = []
    for model in get_snippet_models():
        viewset = getattr(model, "snippet_viewset", None)
        if viewset is None or model not in api:
            continue
        assert not any("list_filter" in vars(c) for c in type(viewset).__mro__ if c.__module__.startswith(("cms", "workflows"))), f"{model.__name__}: list_filter builds a second FilterSet with other names"
        assert not hasattr(api[model], "filterset_fields"), f"{model.__name__}: the API list names filterset_fields instead of sharing the admin's FilterSet"
        admin_class = viewset.filterset_class
        assert admin_class is not None and issubclass(admin_class, api[model]), model.__name__
        admin_names = set(admin_class(data={}, queryset=model.objects.none()).filters)
        assert admin_names <= set(api[model].base_filters), (model.__name__, admin_names - set(api[model].base_filters))
        checked.append(model.__name__)
    assert {"Hazard", "Order", "Inspection", "InspectionPlan", "InspectionGroup", "MonthlyReport", "Consultation",
            "ConsultationMeasure", "Target", "Department", "ChecklistTemplate"} <= set(checked)


def test_every_admin_listing_takes_its_panel_as_the_browser_sends_it(users):
    """The panel's form sends every field, 全部 as an empty value: each listing answers with its rows
    (the API refuses such empty values; the admin reads them as no filter)."""
    client = Client()
    client.force_login(users[Role.OFFICE_ADMIN])
    api = _api_filtersets()
    for model in get_snippet_models():
        viewset = getattr(model, "snippet_viewset", None)
        if viewset is None or model not in api:
            continue
        names = list(viewset.filterset_class(data={}, queryset=model.objects.none()).filters)
        url = reverse(viewset.get_url_name("list_results"))
        response = client.get(url, {"q": "测试", **{name: "" for name in names}})
        assert response.status_code == 200, (model.__name__, response.status_code)


def _admin_rows(client: Client, url: str, params: dict, candidates: dict[str, object]) -> set[str]:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params)
    body = response.content.decode()
    return {name for name, marker in candidates.items() if str(marker) in body}


@pytest.fixture
def orders(users, ref):
    office = users[Role.OFFICE_ADMIN]
    due = timezone.localdate() + datetime.timedelta(days=5)
    made = {
        "交办应急": order_issue(actor=office, reason="发文", kind="assignment", content="请整改", due_date=due,
                             recipient_department=ref["departments"]["应急管理局"]),
        "督办住建": order_issue(actor=office, reason="发文", kind="supervision", content="请整改", due_date=due,
                             recipient_department=ref["departments"]["住建局"]),
        "提醒拱辰": order_issue(actor=office, reason="发文", kind="reminder", content="请整改", due_date=due,
                             recipient_jurisdiction=ref["jurisdictions"]["拱辰街道"]),
    }
    order_acknowledge(actor=users[Role.DEPARTMENT], reason="签收", order=made["交办应急"])
    return made


def test_orders_same_query_same_rows_in_the_api_and_the_admin(orders, users, ref, api_for):
    office = users[Role.OFFICE_ADMIN]
    admin = Client()
    admin.force_login(office)
    numbers = {name: order.number for name, order in orders.items()}
    queries = [
        ({"kind": "supervision"}, {"督办住建"}),
        ({"recipient_department": ref["departments"]["应急管理局"].pk}, {"交办应急"}),
        ({"recipient_jurisdiction": ref["jurisdictions"]["拱辰街道"].pk}, {"提醒拱辰"}),
        ({"status": "issued"}, {"督办住建", "提醒拱辰"}),  # the 交办单 was signed for
        ({"year": timezone.localdate().year}, set(orders)),
    ]
    for params, expected in queries:
        api_rows = {r["number"] for r in api_for(office).get("/api/v1/orders/", params).json()["results"]}
        assert api_rows == {numbers[n] for n in expected}, params
        assert _admin_rows(admin, "/admin/snippets/hazards/order/", params, numbers) == expected, params
    # the panel offers names to pick, not ids to type
    panel = admin.get("/admin/snippets/hazards/order/").content.decode()
    select = re.search(r'<select name="recipient_department"[^>]*>(.*?)</select>', panel, re.S)
    assert select and ">区应急管理局<" in select.group(1) and ">全部<" in select.group(1)


def test_inspections_same_query_same_rows_and_a_bad_month_refused_in_both(users, ref, make_target, api_for):
    office = users[Role.OFFICE_ADMIN]
    day = timezone.localdate().replace(day=3)
    special = make_group("拱辰专项组", ref["departments"]["应急管理局"], kind=InspectionGroup.Kind.SPECIAL)
    industry = make_group("危化行业组", ref["departments"]["应急管理局"])
    gc = make_target("拱辰液氨冷库", jurisdiction="拱辰街道")
    bg = make_target("北高油库", jurisdiction="北高镇")
    seen = {"专项拱辰": make_inspection(special, gc, day), "行业北高": make_inspection(industry, bg, day)}
    markers = {name: f"/admin/inspections/{i.pk}/sheet/" for name, i in seen.items()}
    admin = Client()
    admin.force_login(office)
    for params, expected in [({"group_kind": "special"}, {"专项拱辰"}),
                             ({"jurisdiction": ref["jurisdictions"]["北高镇"].pk}, {"行业北高"}),
                             ({"month": f"{day:%Y-%m}"}, {"专项拱辰", "行业北高"})]:
        api_rows = {r["id"] for r in api_for(office).get("/api/v1/inspections/", params).json()["results"]}
        assert api_rows == {seen[n].pk for n in expected}, params
        assert _admin_rows(admin, "/admin/snippets/inspections/inspection/", params, markers) == expected, params
    refused = api_for(office).get("/api/v1/inspections/", {"month": "2026-1"})
    assert refused.status_code == 400 and refused.json()["errors"]["month"] == ["月份格式应为 YYYY-MM"]
    page = admin.get("/admin/snippets/inspections/inspection/", {"month": "2026-1"})
    assert page.status_code == 200 and "月份格式应为 YYYY-MM" in page.content.decode()


def test_targets_same_sector_filter_in_the_api_and_the_admin(users, ref, make_target, api_for):
    office = users[Role.OFFICE_EDITOR]
    made = {"危化": make_target("拱辰危化仓库", sectors=("危化品",)), "燃气": make_target("拱辰燃气站", sectors=("燃气",))}
    admin = Client()
    admin.force_login(office)
    params = {"sector": ref["sectors"]["燃气"].pk}
    api_rows = {r["name"] for r in api_for(office).get("/api/v1/targets/", params).json()["results"]}
    assert api_rows == {"拱辰燃气站"}
    assert _admin_rows(admin, "/admin/snippets/directory/target/", params, {n: t.name for n, t in made.items()}) == {"燃气"}
