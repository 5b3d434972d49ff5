"""Photo evidence: check that an upload is a real image within the size limit and read where
and when it was taken from its EXIF (五（二）: against 摆拍式 inspections)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
DATETIME = 0x0132


@dataclass
class PhotoUpload:
    """An uploaded photo before it is stored: its name and bytes."""

    name: str
    content: bytes


@dataclass
class CheckedPhoto:
    name: str
    content: bytes
    extension: str
    taken_at: datetime.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    extra: dict = field(default_factory=dict)


def check_photo(photo: PhotoUpload) -> tuple[CheckedPhoto | None, str | None]:
    """Return the checked photo, or an error message in Chinese."""
    limit = settings.UPLOAD_MAX_IMAGE_BYTES
    name = (photo.name or "photo.jpg")[:200]
    if not photo.content:
        return None, f"照片“{name}”是空文件"
    if len(photo.content) > limit:
        return None, f"照片“{name}”超过 {limit // (1024 * 1024)} MB 上限"
    try:
        with Image.open(io.BytesIO(photo.content)) as probe:
            fmt = probe.format
            probe.verify()
        with Image.open(io.BytesIO(photo.content)) as image:
            exif = image.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None, f"文件“{name}”不是有效的图片"
    if fmt not in ALLOWED_FORMATS:
        return None, f"照片“{name}”格式不支持，请上传 JPEG、PNG 或 WebP 图片"
    checked = CheckedPhoto(name=name, content=photo.content, extension=ALLOWED_FORMATS[fmt])
    checked.taken_at = _taken_at(exif)
    checked.latitude, checked.longitude = _gps(exif)
    return checked, None


def _taken_at(exif) -> datetime.datetime | None:
    raw = None
    try:
        raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    except Exception:  # noqa: BLE001 — malformed EXIF is no reason to refuse a photo
        raw = None
    if not raw:
        return None
    try:
        naive = datetime.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # Cameras write local time without a zone; the district is in Asia/Shanghai.
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _gps(exif) -> tuple[Decimal | None, Decimal | None]:
    try:
        gps = exif.get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001
        return None, None
    if not gps:
        return None, None
    try:
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def _degrees(dms, ref, negative_ref: str) -> float:
    d, m, s = (float(x) for x in dms)
    value = d + m / 60 + s / 3600
    ref = ref.decode() if isinstance(ref, bytes) else str(ref)
    return -value if ref.strip("\x00 ").upper() == negative_ref else value
