"""问题表述: the sentence a failed item becomes, set in the checklist builder, never the question."""

import pytest
from django.urls import reverse

from cms.checklists import services
from cms.checklists.models import ChecklistItem, suggest_finding
from cms.roles import Role

from .factories import build_template

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("question", "finding"), [
    ("危险化学品是否按规定分区、分类、分库存放", "危险化学品未按规定分区、分类、分库存放"),
    ("消防通道是否畅通？", "消防通道不畅通"),
    ("是否存在违规动火作业", "存在违规动火作业"),
    ("作业场所是否有应急照明", "作业场所无应急照明"),
    ("储罐区未设置防火堤", "储罐区未设置防火堤"),  # already a finding
])
def test_a_question_read_as_its_finding(question, finding):
    assert suggest_finding(question) == finding


def test_the_builder_sets_the_finding_and_a_new_draft_keeps_it(ref, users, client):
    editor = users[Role.OFFICE_EDITOR]
    template = build_template(editor, [ref["sectors"]["危化品"]], publish=False)
    client.force_login(editor)
    url = reverse("checklists_builder", args=[template.pk])
    assert "问题表述" in client.get(url).content.decode()
    response = client.post(url, {"action": "add_item", "text": "危险化学品是否按规定分区、分类、分库存放", "answer_type": "pass_fail",
                                 "required": "on", "hazard_level": "general", "finding": "危险化学品未按规定分区、分类、分库存放"})
    assert response.status_code == 302
    item = template.draft_version.items.get(text="危险化学品是否按规定分区、分类、分库存放")
    assert item.finding == "危险化学品未按规定分区、分类、分库存放"
    page = client.get(url).content.decode()
    assert "不合格时表述：危险化学品未按规定分区、分类、分库存放" in page
    edit = client.get(reverse("checklists_item_edit", args=[item.pk])).content.decode()
    assert 'value="危险化学品未按规定分区、分类、分库存放"' in edit
    services.checklist_publish(actor=editor, reason="测试", version=template.draft_version, note="")
    template.refresh_from_db()
    draft = services.checklist_draft(actor=editor, reason="测试", template=template)
    assert draft.items.get(text=item.text).finding == item.finding


def test_the_api_gives_the_finding_of_every_item(ref, users, api_for):
    template = build_template(users[Role.OFFICE_EDITOR], [ref["sectors"]["危化品"]])
    data = api_for(users[Role.INSPECTOR]).get(f"/api/v1/checklists/{template.pk}/").json()
    items = {i["text"]: i for i in data["current_version"]["items"]}
    assert items["消防通道是否畅通"]["finding"] == "消防通道不畅通"
    assert ChecklistItem.objects.filter(finding="").exists()  # derived, not stored, for items saved without one
