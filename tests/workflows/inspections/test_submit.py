"""inspection_submit: a whole visit in one transaction; failed items become hazards."""

import datetime

import pytest
from django.utils import timezone

from cms.errors import InvalidInput, NotAllowed
from cms.roles import Role
from cms.uploads import PhotoUpload
from workflows.hazards.models import Hazard, HazardPhoto, HazardState
from workflows.inspections.models import Inspection, InspectionAnswer, InspectionPhoto
from workflows.inspections.services import inspection_submit

from .conftest import answers_for, jpeg_bytes, started

pytestmark = pytest.mark.django_db


def submit(actor, group, target_, version, **overrides):
    kwargs = dict(actor=actor, reason="测试", group=group, target=target_, inspected_on=timezone.localdate(), method="planned",
                  inspectors=[actor], checklist_version=version, answers=answers_for(version), extra_hazards=[], photos=[],
                  started_at=started())
    kwargs.update(overrides)
    return inspection_submit(**kwargs)


def test_failed_items_become_reported_hazards_with_their_photos(users, checklist, group, target):
    version = checklist.current_version
    photo = PhotoUpload(name="仓库.jpg", content=jpeg_bytes())
    answers = answers_for(version, fail={"危化品仓库是否分区分类存放", "消防通道是否畅通"}, photos={"危化品仓库是否分区分类存放": [photo]})
    result = submit(users[Role.INSPECTOR], group, target, version, answers=answers,
                    extra_hazards=[{"description": "配电箱未接地", "level": "general", "photos": [PhotoUpload(name="配电.jpg", content=jpeg_bytes())]}])
    inspection = result.inspection
    assert len(result.hazards) == 3
    major = Hazard.objects.get(checklist_item__text="危化品仓库是否分区分类存放")
    assert major.level == "major" and major.state == HazardState.REPORTED
    assert major.inspection == inspection and major.target == target and major.jurisdiction == target.jurisdiction
    assert major.sector.name == "危化品"
    assert major.legal_basis == "《危险化学品安全管理条例》第二十四条"
    assert major.description == "危化品仓库未分区分类存放：现场发现问题"  # the finding, never the question
    assert major.photos.count() == 1
    hazard_photo = major.photos.get()
    assert hazard_photo.taken_at is not None and hazard_photo.latitude is not None
    assert hazard_photo.history.first().history_user == users[Role.INSPECTOR]
    extra = Hazard.objects.get(description="配电箱未接地")
    assert extra.checklist_item is None and extra.source == Hazard.Source.MANUAL and extra.photos.count() == 1
    assert inspection.answers.count() == version.items.count()
    assert inspection.answers.get(item__text="从业人员数").number == 35
    assert inspection.history.first().history_user == users[Role.INSPECTOR]
    assert not inspection.flag_no_evidence


def every_row_count():
    return (Inspection.objects.count(), InspectionAnswer.objects.count(), InspectionPhoto.objects.count(), Hazard.objects.count(),
            HazardPhoto.objects.count(), Inspection.history.count(), Hazard.history.count())


@pytest.mark.parametrize("case", [
    "missing_required", "wrong_type_number", "wrong_type_verdict", "bad_choice", "item_of_other_version", "unknown_target",
    "future_date", "not_an_image", "too_large", "target_out_of_remit", "unpublished_version", "duplicate_item", "empty_extra_hazard",
])
def test_every_bad_input_is_refused_and_nothing_is_written(users, checklist, group, target, make_target, settings, case):
    actor = users[Role.INSPECTOR]
    version = checklist.current_version
    fail_one = {"危化品仓库是否分区分类存放"}
    answers = answers_for(version, fail=fail_one)  # would create a hazard if it went through
    overrides, field = {}, None
    by_text = {a["item"]: a for a in answers}
    items = {i.text: i for i in version.items.all()}
    if case == "missing_required":
        answers = [a for a in answers if a["item"] != items["消防通道是否畅通"].pk]
        field = f"answers.{items['消防通道是否畅通'].pk}"
    elif case == "wrong_type_number":
        by_text[items["从业人员数"].pk]["value"] = "三十五"
        field = f"answers.{items['从业人员数'].pk}"
    elif case == "wrong_type_verdict":
        by_text[items["消防通道是否畅通"].pk]["value"] = "还行"
        field = f"answers.{items['消防通道是否畅通'].pk}"
    elif case == "bad_choice":
        by_text[items["安全管理制度情况"].pk]["value"] = "一般"
        field = f"answers.{items['安全管理制度情况'].pk}"
    elif case == "item_of_other_version":
        from cms.checklists import services

        draft = services.checklist_draft(actor=users[Role.OFFICE_EDITOR], reason="修订", template=checklist)
        answers.append({"item": draft.items.first().pk, "value": "合格"})
        field = f"answers[{len(answers) - 1}].item"
    elif case == "unknown_target":
        overrides["target"] = 999999
        field = "target"
    elif case == "future_date":
        overrides["inspected_on"] = timezone.localdate() + datetime.timedelta(days=1)
        field = "inspected_on"
    elif case == "not_an_image":
        by_text[items["仓库现场照片"].pk]["photos"] = [PhotoUpload(name="假照片.jpg", content=b"%PDF-1.4 not an image")]
        field = f"answers.{items['仓库现场照片'].pk}"
    elif case == "too_large":
        settings.UPLOAD_MAX_IMAGE_BYTES = 500
        overrides["photos"] = [PhotoUpload(name="大.jpg", content=jpeg_bytes(size=(400, 400)))]
        field = "photos"
    elif case == "target_out_of_remit":
        overrides["target"] = make_target("某燃气站", sectors=("燃气",))
        field = "target"
    elif case == "unpublished_version":
        from cms.checklists import services

        overrides["checklist_version"] = services.checklist_draft(actor=users[Role.OFFICE_EDITOR], reason="修订", template=checklist)
        field = "checklist_version"
    elif case == "duplicate_item":
        answers.append(dict(answers[0]))
        field = f"answers.{answers[0]['item']}"
    elif case == "empty_extra_hazard":
        overrides["extra_hazards"] = [{"description": "  ", "level": "major"}]
        field = "extra_hazards[0].description"
    before = every_row_count()
    with pytest.raises(InvalidInput) as exc:
        submit(actor, overrides.pop("group", group), overrides.pop("target", target), overrides.pop("checklist_version", version),
               answers=answers, **overrides)
    assert field in exc.value.fields, exc.value.fields
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for ms in exc.value.fields.values() for m in ms)
    assert every_row_count() == before


def test_a_failing_hazard_registration_rolls_back_the_whole_visit(users, checklist, group, target):
    """A hazard that cannot be registered (here: a level the hazard service refuses) leaves no half inspection."""
    version = checklist.current_version
    item = version.items.get(text="消防通道是否畅通")
    from cms.checklists.models import ChecklistItem

    ChecklistItem.objects.filter(pk=item.pk).update(hazard_level="catastrophic")  # bypass the frozen-version guard on purpose
    before = every_row_count()
    with pytest.raises(InvalidInput):
        submit(users[Role.INSPECTOR], group, target, version, answers=answers_for(version, fail={"危化品仓库是否分区分类存放", "消防通道是否畅通"}))
    assert every_row_count() == before


def test_roles_outside_the_group_cannot_submit(users, make_user, checklist, group, target):
    version = checklist.current_version
    for role in (Role.AUDITOR, Role.JURISDICTION):  # read-only, and not an inspecting role
        with pytest.raises(NotAllowed):
            submit(users[role], group, target, version)
    other_department = make_user(Role.DEPARTMENT, department="住建局")
    with pytest.raises(InvalidInput) as exc:
        submit(other_department, group, target, version)
    assert "group" in exc.value.fields
    assert Inspection.objects.count() == 0


def test_no_evidence_and_too_fast_are_flagged(users, checklist, group, target, settings):
    version = checklist.current_version
    quick = submit(users[Role.INSPECTOR], group, target, version, started_at=timezone.now() - datetime.timedelta(seconds=10)).inspection
    assert quick.flag_no_evidence and quick.flag_too_fast
    assert quick.fill_seconds < 5 * version.items.count()
    careful = submit(users[Role.INSPECTOR], group, target, version, started_at=started(900),
                     photos=[PhotoUpload(name="门口.jpg", content=jpeg_bytes())]).inspection
    assert not careful.flag_no_evidence and not careful.flag_too_fast
    settings.INSPECTION_MIN_SECONDS_PER_ITEM = 200  # configurable
    slow_rule = submit(users[Role.INSPECTOR], group, target, version, started_at=started(900)).inspection
    assert slow_rule.flag_too_fast


def test_a_failed_item_reads_as_its_written_finding_completed_by_the_remark(users, ref, group, target):
    from cms.checklists import services as checklists

    editor = users[Role.OFFICE_EDITOR]
    template = checklists.checklist_template_create(actor=editor, reason="测试", name="分区存放检查表", sectors=[ref["sectors"]["危化品"]])
    checklists.checklist_item_save(actor=editor, reason="测试", version=template.draft_version, text="危险化学品是否按规定分区、分类、分库存放",
                                   finding="危险化学品未按规定分区、分类、分库存放", answer_type="pass_fail", required=True)
    version = checklists.checklist_publish(actor=editor, reason="测试", version=template.draft_version, note="")
    answers = answers_for(version, fail={"危险化学品是否按规定分区、分类、分库存放"})
    result = submit(users[Role.INSPECTOR], group, target, version, answers=answers)
    (hazard,) = result.hazards
    assert hazard.description == "危险化学品未按规定分区、分类、分库存放：现场发现问题"
    assert "是否" not in hazard.description
