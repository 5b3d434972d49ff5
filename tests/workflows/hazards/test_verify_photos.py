"""Photos at 复核: the verifier's own pictures of the site, through hazard_verify, under the one
upload rule; a refused file closes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.errors import InvalidInput
from cms.roles import Role
from workflows.hazards import services
from workflows.hazards.models import Hazard, HazardPhoto, HazardState

from .factories import advance, png_upload, register

pytestmark = pytest.mark.django_db


def submitted(users, make_target):
    hazard = register(users[Role.OFFICE_ADMIN], make_target("荔城某塑料厂"))
    return advance(hazard, HazardState.SUBMITTED, office=users[Role.OFFICE_ADMIN], responsible=users[Role.DEPARTMENT])


def test_verify_keeps_the_verifiers_photos_as_their_own_stage(users, make_target):
    hazard = submitted(users, make_target)
    services.hazard_verify(hazard=hazard, actor=users[Role.OFFICE_ADMIN], reason="现场复核合格",
                           photos=[png_upload("复核1.png"), png_upload("复核2.png")])
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    photos = list(HazardPhoto.objects.filter(hazard=hazard, stage=HazardPhoto.Stage.VERIFIED))
    assert len(photos) == 2
    assert all(p.evidence_id is None and p.uploaded_by == users[Role.OFFICE_ADMIN] for p in photos)
    assert all(p.image.name.endswith(".png") and "-verified-" in p.image.name for p in photos)
    rows = HazardPhoto.history.filter(hazard_id=hazard.pk, stage=HazardPhoto.Stage.VERIFIED)
    assert {r.history_change_reason for r in rows} == {"现场复核合格"}


def test_a_file_that_is_not_a_photo_is_refused_and_the_hazard_stays_open(users, make_target):
    hazard = submitted(users, make_target)
    fake = SimpleUploadedFile("复核.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as refused:
        services.hazard_verify(hazard=hazard, actor=users[Role.OFFICE_ADMIN], reason="复核", photos=[fake])
    assert "photos" in refused.value.fields
    hazard.refresh_from_db()
    assert hazard.state == HazardState.SUBMITTED
    assert not HazardPhoto.objects.filter(hazard=hazard, stage=HazardPhoto.Stage.VERIFIED).exists()
    assert Hazard.history.filter(id=hazard.pk, last_action="verify").count() == 0


def test_the_api_verify_action_takes_photos_too(users, make_target, api_for):
    hazard = submitted(users, make_target)
    r = api_for(users[Role.OFFICE_ADMIN]).post(f"/api/v1/hazards/{hazard.pk}/verify/",
                                               {"reason": "复核合格", "photos": [png_upload("复核.png")], "version": hazard.version},
                                               format="multipart")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == HazardState.CLOSED
    assert HazardPhoto.objects.filter(hazard=hazard, stage=HazardPhoto.Stage.VERIFIED).count() == 1
