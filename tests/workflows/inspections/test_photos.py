import datetime
from decimal import Decimal

from django.utils import timezone

from workflows.inspections.photos import PhotoUpload, check_photo

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
