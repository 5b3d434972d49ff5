import pytest
from django.core.exceptions import ValidationError

from cms.checklists import services
from cms.checklists.models import ChecklistItem, ChecklistSection, ChecklistVersion
from cms.errors import InvalidInput, NotAllowed, StateConflict
from cms.roles import Role

from .factories import build_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(users):
    return users[Role.OFFICE_EDITOR]


def test_publish_makes_the_draft_current_and_frozen(ref, editor):
    template = build_template(editor, [ref["sectors"]["危化品"]])
    current = template.current_version
    assert current.number == 1 and current.is_published and current.published_at
    assert template.draft_version is None
    item = current.items.first()
    item.text = "改过的内容"
    with pytest.raises(ValidationError):
        item.save()
    with pytest.raises(ValidationError):
        item.delete()
    with pytest.raises(ValidationError):
        ChecklistSection(version=current, title="新分组").save()
    current.note = "改说明"
    with pytest.raises(ValidationError):
        current.save()
    with pytest.raises(StateConflict):
        services.checklist_item_save(actor=editor, reason="x", version=current, text="新增项")
    assert ChecklistItem.objects.get(pk=item.pk).text != "改过的内容"


def test_editing_makes_a_new_draft_copied_from_the_current_version(ref, editor):
    template = build_template(editor, [ref["sectors"]["危化品"]])
    v1 = template.current_version
    draft = services.checklist_draft(actor=editor, reason="修订", template=template)
    assert draft.number == 2 and not draft.is_published
    assert [i.text for i in draft.items.order_by("sort_order")] == [i.text for i in v1.items.order_by("sort_order")]
    assert draft.sections.count() == v1.sections.count()
    # asking again returns the same draft
    assert services.checklist_draft(actor=editor, reason="修订", template=template).pk == draft.pk
    first = draft.items.order_by("sort_order").first()
    services.checklist_item_save(actor=editor, reason="修订", version=draft, item=first, text="危化品仓库分区分类存放且有标识")
    services.checklist_publish(actor=editor, reason="发布", version=draft)
    template.refresh_from_db()
    assert template.current_version.pk == draft.pk
    assert v1.items.order_by("sort_order").first().text == "危化品仓库是否分区分类存放"


def test_reorder_moves_items_within_their_section(ref, editor):
    template = build_template(editor, [ref["sectors"]["危化品"]], publish=False)
    draft = template.draft_version
    site = draft.sections.get(title="现场安全")
    before = list(site.items.order_by("sort_order").values_list("text", flat=True))
    services.checklist_move(actor=editor, reason="排序", obj=site.items.order_by("sort_order")[1], direction=-1)
    after = list(site.items.order_by("sort_order").values_list("text", flat=True))
    assert after == [before[1], before[0], *before[2:]]
    papers = draft.sections.get(title="台账资料")
    services.checklist_move(actor=editor, reason="排序", obj=papers, direction=-1)
    assert list(draft.sections.order_by("sort_order").values_list("title", flat=True)) == ["台账资料", "现场安全"]


def test_copy_and_retire(ref, editor):
    template = build_template(editor, [ref["sectors"]["危化品"]])
    copy = services.checklist_copy(actor=editor, reason="复制", template=template, name="危化品企业检查表（2027）")
    assert copy.copied_from == template
    assert copy.draft_version.items.count() == template.current_version.items.count()
    assert set(copy.sectors.all()) == set(template.sectors.all())
    with pytest.raises(InvalidInput):
        services.checklist_copy(actor=editor, reason="复制", template=template, name=template.name)
    services.checklist_retire(actor=editor, reason="停用", template=template)
    template.refresh_from_db()
    assert template.is_retired
    with pytest.raises(StateConflict):
        services.checklist_draft(actor=editor, reason="x", template=template)
    assert template.history.first().history_change_reason == "停用"


def test_publish_refuses_empty_versions_and_bad_choice_items(ref, editor):
    template = services.checklist_template_create(actor=editor, reason="x", name="空表", sectors=[ref["sectors"]["燃气"]])
    with pytest.raises(StateConflict):  # a version with no item cannot be published yet (409)
        services.checklist_publish(actor=editor, reason="x", version=template.draft_version)
    with pytest.raises(InvalidInput) as exc:
        services.checklist_item_save(actor=editor, reason="x", version=template.draft_version, text="单选题",
                                     answer_type=ChecklistItem.AnswerType.CHOICE, choices=["只有一个"])
    assert "choices" in exc.value.fields
    assert ChecklistVersion.objects.get(pk=template.draft_version.pk).items.count() == 0


def test_only_the_office_builds_checklists(ref, users):
    with pytest.raises(NotAllowed):
        services.checklist_template_create(actor=users[Role.DEPARTMENT], reason="x", name="越权", sectors=[ref["sectors"]["燃气"]])
    with pytest.raises(NotAllowed):
        services.checklist_template_create(actor=users[Role.AUDITOR], reason="x", name="越权", sectors=[ref["sectors"]["燃气"]])
