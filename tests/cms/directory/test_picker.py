"""Choosing a target among many: the options endpoint is scoped and bounded, the hazard form
renders a bounded list yet accepts any target in scope, and the inspection page searches."""

from __future__ import annotations

import re

import pytest

from cms.directory.picker import LIMIT
from cms.roles import Role
from workflows.hazards.models import Hazard

pytestmark = pytest.mark.django_db
OPTIONS = "/admin/directory/target-options/"


@pytest.fixture
def many(make_target):
    made = [make_target(f"批量企业{i:03d}", jurisdiction="拱辰街道" if i % 2 else "黄石镇", sectors=("工贸",)) for i in range(LIMIT + 20)]
    needle = make_target("最后才登记的液氨制冷厂", jurisdiction="黄石镇", sectors=("工贸",))
    return made, needle


def _target_select(html: str) -> str:
    return re.search(r'<select name="target".*?</select>', html, re.S).group(0)


def test_options_are_bounded_searchable_and_scoped(client, users, many):
    _, needle = many
    client.force_login(users[Role.OFFICE_ADMIN])
    everything = client.get(OPTIONS).json()
    assert len(everything["results"]) == LIMIT and everything["limit"] == LIMIT
    found = client.get(OPTIONS, {"q": "液氨制冷"}).json()["results"]
    assert [r["id"] for r in found] == [needle.pk] and found[0]["label"] == "最后才登记的液氨制冷厂（黄石镇）"
    # a town user sees its own area only, whatever it asks for
    client.force_login(users[Role.JURISDICTION])  # 拱辰街道
    labels = [r["label"] for r in client.get(OPTIONS, {"q": "企业"}).json()["results"]]
    assert labels and all(label.endswith("（拱辰街道）") for label in labels)
    assert client.get(OPTIONS, {"q": "液氨制冷"}).json()["results"] == []
    client.logout()
    response = client.get(OPTIONS)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_hazard_form_lists_a_few_but_registers_any_target_in_scope(client, users, many, ref):
    _, needle = many
    client.force_login(users[Role.OFFICE_ADMIN])
    url = "/admin/snippets/hazards/hazard/add/"
    select = _target_select(client.get(url).content.decode())
    assert select.count("<option") == LIMIT + 1 and f'value="{needle.pk}"' not in select
    # preselected from the target's page: it is listed and selected
    assert f'<option value="{needle.pk}" selected>' in _target_select(client.get(url, {"target": needle.pk}).content.decode())
    response = client.post(url, {"target": needle.pk, "sector": ref["sectors"]["工贸"].pk, "description": "液氨管道腐蚀", "level": "general",
                                 "source": "inspection", "change_reason": "测试"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Hazard.objects.get(description="液氨管道腐蚀").target == needle


def test_the_inspection_page_finds_a_target_by_any_fragment(client, users, many):
    _, needle = many
    client.force_login(users[Role.OFFICE_ADMIN])
    page = client.get("/admin/inspections/fill/", {"target_q": "液氨"}).content.decode()
    select = _target_select(page)
    assert f'value="{needle.pk}"' in select and select.count("<option") == 2
    assert _target_select(client.get("/admin/inspections/fill/").content.decode()).count("<option") == LIMIT + 1
