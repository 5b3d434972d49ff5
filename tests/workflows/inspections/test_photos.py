import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cms.roles import Role
from cms.uploads import PhotoUpload, check_photo

from .conftest import jpeg_bytes


def test_exif_capture_time_and_place_are_read_from_a_real_jpeg():
    photo, error = check_photo(PhotoUpload(name="现场.jpg", content=jpeg_bytes(taken="2026:11:20 09:30:00", gps=((25, 26, 3.6), (119, 1, 12.0)))))
    assert error is None
    assert photo.taken_at == timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 30), timezone.get_default_timezone())
    assert photo.latitude == Decimal("25.434333")
    assert photo.longitude == Decimal("119.020000")


def test_a_photo_without_exif_is_accepted_without_time_or_place():
    photo, error = check_photo(PhotoUpload(name="截图.jpg", content=jpeg_bytes(taken=None, gps=None)))
    assert error is None and photo.taken_at is None and photo.latitude is None


def test_non_images_and_oversized_images_are_refused(settings):
    assert check_photo(PhotoUpload(name="a.jpg", content=b"GIF89a-not-really"))[1] == "文件“a.jpg”不是有效的图片"
    settings.UPLOAD_MAX_IMAGE_BYTES = 100
    assert "上限" in check_photo(PhotoUpload(name="b.jpg", content=jpeg_bytes()))[1]


@pytest.mark.django_db
def test_inspection_api_refuses_gif_and_stores_a_polyglot_as_png(users, api_for, checklist, group, target):
    """Issue 15, finding 6: the inspection photos go through the same rule as hazard evidence."""
    from tests.cms.test_uploads import image_bytes, polyglot
    from workflows.inspections.models import Inspection, InspectionPhoto

    from .conftest import b64
    from .test_api import payload

    version = checklist.current_version
    api = api_for(users[Role.INSPECTOR])
    response = api.post("/api/v1/inspections/", payload(group, target, version, photos=[{"name": "动图.gif", "data": b64(image_bytes("GIF"))}]),
                        format="json")
    assert response.status_code == 400
    assert "格式不支持，请上传 JPEG、PNG 或 WebP 图片" in str(response.json()["errors"])
    assert not Inspection.objects.exists()
    too_many = [{"name": f"{i}.png", "data": b64(image_bytes())} for i in range(11)]
    response = api.post("/api/v1/inspections/", payload(group, target, version, photos=too_many), format="json")
    assert response.status_code == 400 and "每次最多上传 10 张照片" in str(response.json()["errors"])
    response = api.post("/api/v1/inspections/", payload(group, target, version, photos=[{"name": "poly.pdf", "data": b64(polyglot())}]),
                        format="json")
    assert response.status_code == 201, response.json()
    photo = InspectionPhoto.objects.get()
    assert photo.image.name.endswith(".png") and photo.original_name == "poly.pdf"
    with photo.image.open("rb") as handle:
        assert b"<script>" not in handle.read()
