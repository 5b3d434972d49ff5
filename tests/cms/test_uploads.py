"""The one upload rule (cms.uploads) through the real endpoints that take hazard evidence: the
API's ``fix-on-spot`` and ``submit`` and the admin's action form. Issue 15, finding 6: a 15.6 MB
PNG was stored, 20 photos a request, a PNG with a script appended named ``poly.pdf`` was stored
as ``.pdf``, and GIF/BMP passed where inspection photos allow only JPEG, PNG and WebP."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cms.roles import Role
from cms.uploads import PhotoUpload, check_photo
from tests.workflows.hazards.factories import register
from workflows.hazards.models import Hazard, HazardPhoto, HazardState

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.cookie)</script>\n%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def image_bytes(fmt: str = "PNG", size=(32, 24), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def big_png() -> bytes:
    """A real PNG of about 15.6 MB: random pixels barely compress."""
    side = 2330
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


def polyglot() -> bytes:
    """A valid PNG with a script and a PDF body appended (what the outside test sent as poly.pdf)."""
    return image_bytes("PNG") + SCRIPT


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def reported(users, make_target):
    return register(users[Role.INSPECTOR], make_target("上传测试化工厂"))


def fix_on_spot(api_for, users, hazard, photos):
    return api_for(users[Role.INSPECTOR]).post(
        f"/api/v1/hazards/{hazard.pk}/fix-on-spot/",
        {"text": "当场更换破损电线", "photos": photos, "version": hazard.version}, format="multipart")


def assert_nothing_stored(hazard):
    hazard.refresh_from_db()
    assert hazard.state == HazardState.REPORTED
    assert not HazardPhoto.objects.filter(hazard=hazard).exists()
    assert not hazard.evidence.exists()


def test_a_156_mb_png_is_refused_with_the_limit_in_chinese(api_for, users, reported):
    content = big_png()
    assert len(content) > 15 * 1024 * 1024
    response = fix_on_spot(api_for, users, reported, [upload("大图.png", content)])
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"]["photos"] == ["照片“大图.png”超过 10 MB 上限"]
    assert_nothing_stored(reported)


def test_twenty_photos_in_one_request_are_refused(api_for, users, reported):
    response = fix_on_spot(api_for, users, reported, [upload(f"{i}.png", image_bytes()) for i in range(20)])
    assert response.status_code == 400
    assert response.json()["errors"]["photos"] == ["每次最多上传 10 张照片"]
    assert_nothing_stored(reported)


def test_the_service_counts_too(settings, users, reported):
    """The admin form has no serializer in front: the rule itself refuses beyond the count."""
    from cms.errors import InvalidInput
    from workflows.hazards.services import hazard_fix_on_spot

    settings.UPLOAD_MAX_IMAGES = 2
    with pytest.raises(InvalidInput) as caught:
        hazard_fix_on_spot(hazard=reported, actor=users[Role.INSPECTOR], text="当场整改",
                           photos=[upload(f"{i}.png", image_bytes()) for i in range(3)])
    assert caught.value.fields["photos"] == ["每次最多上传 2 张照片（本次 3 张）"]
    assert_nothing_stored(reported)


@pytest.mark.parametrize("fmt", ["GIF", "BMP"])
def test_gif_and_bmp_are_refused_like_for_inspection_photos(api_for, users, reported, fmt):
    response = fix_on_spot(api_for, users, reported, [upload(f"现场.{fmt.lower()}", image_bytes(fmt))])
    assert response.status_code == 400
    assert response.json()["errors"]["photos"] == [f"照片“现场.{fmt.lower()}”格式不支持，请上传 JPEG、PNG 或 WebP 图片"]
    assert_nothing_stored(reported)


def test_a_polyglot_named_pdf_is_stored_as_a_reencoded_png(api_for, users, reported):
    response = fix_on_spot(api_for, users, reported, [upload("poly.pdf", polyglot(), "application/pdf")])
    assert response.status_code == 200, response.json()
    photo = HazardPhoto.objects.get(hazard=reported)
    assert photo.image.name.endswith(".png") and ".pdf" not in photo.image.name
    with photo.image.open("rb") as handle:
        stored = handle.read()
    assert b"<script>" not in stored and b"%PDF" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and image.size == (32, 24)
        assert image.getpixel((0, 0)) == (200, 30, 30)
    reported.refresh_from_db()
    assert reported.state == HazardState.SUBMITTED


def test_a_pdf_is_not_an_image(api_for, users, reported):
    response = fix_on_spot(api_for, users, reported, [upload("report.pdf", SCRIPT, "application/pdf")])
    assert response.status_code == 400
    assert response.json()["errors"]["photos"] == ["文件“report.pdf”不是有效的图片"]
    assert_nothing_stored(reported)


def test_submit_keeps_the_capture_time_and_place_read_before_reencoding(api_for, users, make_target, ref):
    from tests.workflows.hazards.factories import advance
    from tests.workflows.inspections.conftest import jpeg_bytes

    dept = users[Role.DEPARTMENT]
    hazard = advance(register(users[Role.OFFICE_EDITOR], make_target("整改照片厂")), HazardState.RECTIFYING,
                     office=users[Role.OFFICE_EDITOR], responsible=dept)
    original = jpeg_bytes(taken="2026:11:20 09:30:00")
    response = api_for(dept).post(f"/api/v1/hazards/{hazard.pk}/submit/",
                                  {"text": "已整改", "photos": [upload("整改后.jpg", original, "image/jpeg")],
                                   "version": hazard.version}, format="multipart")
    assert response.status_code == 200, response.json()
    photo = HazardPhoto.objects.get(hazard=hazard, stage=HazardPhoto.Stage.RECTIFIED)
    assert photo.image.name.endswith(".jpg")
    assert photo.taken_at is not None and f"{photo.taken_at.astimezone():%H:%M}" == "09:30"
    assert photo.latitude is not None
    with photo.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG" and not stored.getexif().get_ifd(0x8825)  # no GPS in the served file


def test_the_admin_action_form_uses_the_same_rule(client, users, reported):
    client.force_login(users[Role.INSPECTOR])
    response = client.post(f"/admin/snippets/hazards/hazard/act/{reported.pk}/fix_on_spot/", {
        "fix_on_spot-version": reported.version, "fix_on_spot-text": "当场整改",
        "fix_on_spot-photos": [upload("动图.gif", image_bytes("GIF"), "image/gif")],
    }, follow=True)
    assert "格式不支持，请上传 JPEG、PNG 或 WebP 图片" in response.content.decode()
    assert_nothing_stored(reported)
    response = client.post(f"/admin/snippets/hazards/hazard/act/{reported.pk}/fix_on_spot/", {
        "fix_on_spot-version": reported.version, "fix_on_spot-text": "当场整改",
        "fix_on_spot-photos": [upload("poly.pdf", polyglot(), "application/pdf")],
    }, follow=True)
    assert Hazard.objects.get(pk=reported.pk).state == HazardState.SUBMITTED
    assert HazardPhoto.objects.get(hazard=reported).image.name.endswith(".png")


def test_rule_reencodes_and_takes_the_extension_from_the_content():
    for fmt, ext in (("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")):
        checked, error = check_photo(PhotoUpload(name="x.exe", content=image_bytes(fmt) + b"MZ-payload"))
        assert error is None and checked.extension == ext and b"MZ-payload" not in checked.content
    assert check_photo(PhotoUpload(name="empty.png", content=b""))[1] == "照片“empty.png”是空文件"
