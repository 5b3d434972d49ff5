"""Every admin URL that takes an object's id — Wagtail's generic ones included (使用情况, its own
history page and results, the chooser) — answers a 属地 user about an object outside its area
without showing it. Found by walking the URL conf, so a view added later is covered too."""

from __future__ import annotations

import datetime

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from cms.roles import Role
from tests.exports.builders import make_group, make_inspection
from workflows.hazards.services import hazard_register

pytestmark = pytest.mark.django_db


def object_urls(model) -> list[tuple[str, str]]:
    """(name, url) of every admin URL pattern of ``model``'s snippet viewset and chooser that takes one id."""
    prefixes = (f"wagtailsnippets_{model._meta.app_label}_{model._meta.model_name}:",
                f"wagtailsnippetchoosers_{model._meta.app_label}_{model._meta.model_name}:")
    found = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and f"{namespace}{p.name}".startswith(prefixes):
                found.append(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns)
    urls = []
    for name in sorted(set(found)):
        try:
            urls.append((name, reverse(name, args=[model.pk])))
        except NoReverseMatch:
            continue  # a URL without an object id (listing, add, choose)
    return urls


@pytest.fixture
def elsewhere(ref, make_target):
    """A target, a hazard and an inspection in 镇海街道 (outside the 属地 user's 拱辰街道)."""
    target = make_target("镇海区外化工有限公司", jurisdiction="镇海街道", sectors=("危化品",))
    inspection = make_inspection(make_group("镇海检查组", ref["departments"]["应急管理局"]), target, datetime.date.today())
    hazard = hazard_register(actor=None, reason="测试数据", description="镇海区外储罐无防火堤", target=target,
                             sector=ref["sectors"]["危化品"], inspection=inspection)
    return {"target": (target, target.name), "hazard": (hazard, hazard.description), "inspection": (inspection, target.name)}


def test_no_object_url_shows_an_object_outside_the_users_area(client, users, elsewhere):
    client.force_login(users[Role.JURISDICTION])
    checked = []
    for label, (obj, needle) in elsewhere.items():
        urls = object_urls(obj)
        assert len(urls) >= 4, (label, urls)  # at least edit/delete/inspect/changes and Wagtail's usage/history
        for name, url in urls:
            response = client.get(url)
            body = response.content.decode(errors="ignore") if not getattr(response, "streaming", False) else ""
            assert not (response.status_code == 200 and needle in body), (label, name, url)
            assert response.status_code != 500, (label, name, url)
            checked.append(name)
    assert any(n.endswith(":usage") for n in checked) and any(n.endswith(":history") for n in checked)


def test_the_office_still_reaches_wagtails_usage_and_history_pages(client, users, elsewhere):
    client.force_login(users[Role.OFFICE_ADMIN])
    hazard, description = elsewhere["hazard"]
    for name, url in object_urls(hazard):
        if name.endswith((":usage", ":history")):
            response = client.get(url)
            assert response.status_code == 200 and description[:10] in response.content.decode(), (name, url)


MISSING = 2**40  # no such row


def test_out_of_scope_is_answered_exactly_like_a_missing_id(client, users, elsewhere):
    """Not 302 to the dashboard (Wagtail's permission answer) for a row that exists elsewhere and 404
    for one that does not: both 404, and so is an id written in other digits ("١")."""
    client.force_login(users[Role.JURISDICTION])
    for label, (obj, _) in elsewhere.items():
        for name, url in object_urls(obj):
            missing = url.replace(f"/{obj.pk}/", f"/{MISSING}/")
            arabic = url.replace(f"/{obj.pk}/", "/" + "".join(chr(0x0660 + int(d)) for d in str(obj.pk)) + "/")
            assert client.get(url).status_code == 404, (label, name, url)
            assert client.get(missing).status_code == 404, (label, name, missing)
            assert client.get(arabic).status_code == 404, (label, name, arabic)
        if label == "hazard":  # the detail page's action buttons post here
            for url in (f"/admin/snippets/hazards/hazard/act/{obj.pk}/verify/", f"/admin/snippets/hazards/hazard/act/{MISSING}/verify/"):
                assert client.post(url, {}).status_code == 404, url


def test_custom_admin_pages_of_an_object_answer_404_out_of_scope(client, users, elsewhere, ref):
    from workflows.reporting.models import MonthlyReport
    from workflows.reporting.services import reports_open

    reports_open(month=datetime.date(2026, 3, 1))
    report = MonthlyReport.objects.exclude(department=ref["departments"]["应急管理局"]).first()
    inspection, _ = elsewhere["inspection"]
    pages = [(users[Role.DEPARTMENT], report.pk, f"/admin/monthly-reports/{report.pk}/submit/"),  # 应急管理局: another unit's report
             (users[Role.DEPARTMENT], report.pk, f"/admin/monthly-reports/{report.pk}/accept/"),
             (users[Role.JURISDICTION], inspection.pk, f"/admin/inspections/{inspection.pk}/sheet/"),  # 拱辰: 镇海's inspection
             (users[Role.JURISDICTION], inspection.pk, f"/admin/inspections/{inspection.pk}/feedback/")]
    for user, pk, url in pages:
        client.force_login(user)
        assert client.get(url).status_code == 404, url
        assert client.get(url.replace(f"/{pk}/", f"/{MISSING}/")).status_code == 404, url
    client.force_login(users[Role.JURISDICTION])
    from notices.models import TipOff

    assert client.get(f"/admin/tipoffs/{MISSING}/accept/").status_code == 404
    assert not TipOff.objects.filter(pk=MISSING).exists()


def test_in_scope_pages_still_open(client, users, elsewhere):
    client.force_login(users[Role.OFFICE_ADMIN])
    hazard, description = elsewhere["hazard"]
    assert client.get(f"/admin/snippets/hazards/hazard/inspect/{hazard.pk}/").status_code == 200
    assert client.get(f"/admin/inspections/{elsewhere['inspection'][0].pk}/sheet/").status_code == 200
