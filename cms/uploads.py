"""The one upload rule for every photo the system stores (inspection photos, hazard evidence,
tip-offs): a size limit, a count limit per field, the type read from the content by Pillow
(never from the client's file name), JPEG, PNG or WebP only, and the image re-encoded before it
is stored, so whatever was appended to or hidden around the pixels (a script after the PNG
end, a PDF body in a “polyglot”) is gone. The stored extension is the detected format's.

Where and when the photo was taken (EXIF DateTimeOriginal and GPS, 五（二）: against 摆拍式
inspections) is read before re-encoding and kept on the row; the stored file carries none of
the original metadata (a citizen's phone position does not end up in a served file).

Limits come from settings: ``UPLOAD_MAX_IMAGE_BYTES`` (10 MB), ``UPLOAD_MAX_IMAGES`` (photos per
field of one request, 10), ``UPLOAD_MAX_IMAGE_PIXELS`` (40 megapixels)."""

from __future__ import annotations

import datetime
import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from cms.errors import InvalidInput

# Pillow format → (stored extension, content type). GIF and BMP are refused: they are not photos.
ALLOWED_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
ALLOWED_LABEL = "JPEG、PNG 或 WebP"
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
DATETIME = 0x0132


@dataclass
class PhotoUpload:
    """An uploaded photo before it is checked: the client's name (display only) and its bytes."""

    name: str
    content: bytes


@dataclass
class CheckedPhoto:
    """A photo that passed the rule: re-encoded bytes, the extension of its detected format."""

    name: str
    content: bytes
    extension: str
    content_type: str = ""
    taken_at: datetime.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    extra: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def stored_name(self) -> str:
        """A file name for storage built from the detected type only."""
        return f"photo.{self.extension}"


def max_bytes() -> int:
    return int(settings.UPLOAD_MAX_IMAGE_BYTES)


def max_count() -> int:
    return int(getattr(settings, "UPLOAD_MAX_IMAGES", 10))


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def read_upload(upload) -> PhotoUpload:
    """A Django ``UploadedFile`` (admin form or multipart API) or an already-read ``PhotoUpload``
    as a ``PhotoUpload``. Reads at most one byte past the limit: an oversized file is refused
    without holding it in memory."""
    if isinstance(upload, PhotoUpload):
        return upload
    name = str(getattr(upload, "name", "") or "photo")
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(max_bytes() + 1) if hasattr(upload, "read") else bytes(upload)
    return PhotoUpload(name=name, content=content or b"")


def check_photo(photo: PhotoUpload) -> tuple[CheckedPhoto | None, str | None]:
    """Return the checked (re-encoded) photo, or an error message in Chinese."""
    name = (photo.name or "photo")[:200]
    limit = max_bytes()
    if not photo.content:
        return None, f"照片“{name}”是空文件"
    if len(photo.content) > limit:
        return None, f"照片“{name}”超过 {_mb(limit)} 上限"
    pixel_limit = int(getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", 40_000_000))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(photo.content)) as probe:
                fmt = probe.format
                width, height = probe.size
                probe.verify()
            if fmt not in ALLOWED_FORMATS:
                return None, f"照片“{name}”格式不支持，请上传 {ALLOWED_LABEL} 图片"
            if width * height > pixel_limit:
                return None, f"照片“{name}”像素过多（{width}×{height}），请压缩后上传"
            with Image.open(io.BytesIO(photo.content)) as image:
                exif = image.getexif()
                content = _reencode(image, fmt)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, f"文件“{name}”不是有效的图片"
    extension, content_type = ALLOWED_FORMATS[fmt]
    checked = CheckedPhoto(name=name, content=content, extension=extension, content_type=content_type)
    checked.taken_at = _taken_at(exif)
    checked.latitude, checked.longitude = _gps(exif)
    return checked, None


def check_photos(uploads: Iterable, *, limit: int | None = None) -> tuple[list[CheckedPhoto], list[str]]:
    """Check several uploads of one field: the count first, then each photo. Returns the checked
    photos and every error (all in Chinese)."""
    items = [u for u in (uploads or ()) if u]
    limit = max_count() if limit is None else limit
    if len(items) > limit:
        return [], [f"每次最多上传 {limit} 张照片（本次 {len(items)} 张）"]
    checked, errors = [], []
    for upload in items:
        photo, error = check_photo(read_upload(upload))
        if error:
            errors.append(error)
        else:
            checked.append(photo)
    return checked, errors


def clean_photos(uploads: Iterable, *, field_name: str = "photos", limit: int | None = None) -> list[CheckedPhoto]:
    """``check_photos`` for a service: raises ``InvalidInput`` with the field's errors."""
    checked, errors = check_photos(uploads, limit=limit)
    if errors:
        raise InvalidInput("照片不符合要求", fields={field_name: errors})
    return checked


def _reencode(image: Image.Image, fmt: str) -> bytes:
    """Decode the pixels and write a fresh file of the same format: nothing but the image
    survives. The EXIF orientation is applied first, since the EXIF itself is not kept."""
    image.load()
    frame = ImageOps.exif_transpose(image) or image
    out = io.BytesIO()
    if fmt == "JPEG":
        if frame.mode not in ("RGB", "L", "CMYK"):
            frame = frame.convert("RGB")
        frame.save(out, format="JPEG", quality=90)
    elif fmt == "PNG":
        if frame.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
            frame = frame.convert("RGBA")
        frame.save(out, format="PNG", compress_level=3)
    else:
        if frame.mode not in ("RGB", "RGBA"):
            frame = frame.convert("RGBA" if "A" in frame.getbands() else "RGB")
        frame.save(out, format="WEBP", quality=90)
    return out.getvalue()


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
