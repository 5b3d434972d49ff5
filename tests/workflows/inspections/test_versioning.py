"""An inspection keeps the version it was filled with: a template edit and republish changes nothing of it."""

import pytest
from django.utils import timezone

from cms.checklists import services
from cms.roles import Role
from workflows.inspections.services import inspection_submit

from .conftest import answers_for, started

pytestmark = pytest.mark.django_db


def test_old_inspection_is_unchanged_after_the_template_is_edited_and_republished(users, api_for, client, checklist, group, target):
    editor = users[Role.OFFICE_EDITOR]
    v1 = checklist.current_version
    inspection = inspection_submit(actor=users[Role.INSPECTOR], reason="t", group=group, target=target, inspected_on=timezone.localdate(),
                                   method="planned", inspectors=[], checklist_version=v1,
                                   answers=answers_for(v1, fail={"消防通道是否畅通"}), started_at=started()).inspection
    before = api_for(editor).get(f"/api/v1/inspections/{inspection.pk}/").json()
    before_version = api_for(editor).get(f"/api/v1/checklist-versions/{v1.pk}/").json()

    draft = services.checklist_draft(actor=editor, reason="修订", template=checklist)
    fire = draft.items.get(text="消防通道是否畅通")
    services.checklist_item_save(actor=editor, reason="修订", version=draft, item=fire, text="疏散通道、安全出口是否畅通",
                                 hazard_level="major")
    services.checklist_item_delete(actor=editor, reason="修订", item=draft.items.get(text="其他说明"))
    services.checklist_item_save(actor=editor, reason="修订", version=draft, text="是否制定应急预案")
    services.checklist_publish(actor=editor, reason="第2版", version=draft)
    checklist.refresh_from_db()
    assert checklist.current_version.number == 2

    after = api_for(editor).get(f"/api/v1/inspections/{inspection.pk}/").json()
    assert after == before
    assert api_for(editor).get(f"/api/v1/checklist-versions/{v1.pk}/").json() == before_version
    assert after["checklist_version"] == v1.pk
    assert "消防通道是否畅通" in {a["item_text"] for a in after["answers"]}
    assert inspection.hazards.get().level == "general"  # the level of the item as it was
    client.force_login(editor)
    sheet = client.get(f"/admin/inspections/{inspection.pk}/sheet/").content.decode()
    assert "消防通道是否畅通" in sheet and "疏散通道、安全出口是否畅通" not in sheet and "是否制定应急预案" not in sheet
    assert "其他说明" in sheet
