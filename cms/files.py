"""Uploaded files are private: nothing under MEDIA_ROOT is served by a public URL.

Every stored file's URL (``FieldFile.url``) points at ``file_view`` (``/files/<name>``), which
finds the record that owns the file, checks it against the viewer's data scope (``cms.scope``)
and only then sends the bytes: directly in development and tests, through the web server's
internal location in production (``X-Accel-Redirect``, see docs/deploy.md). A thumbnail of a
photo is ``/files/thumbs/<name>``: same owner, same check, made with Pillow on first request.

Apps say which of their models own which files with ``register_private_files`` (from their
``AppConfig.ready``), so this module never imports them.
"""

from __future__ import annotations

import io
import mimetypes
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import Model, Q
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .scope import Scope, scope_for, scoped

THUMBS = "thumbs/"
THUMB_SIZE = (320, 320)


@dataclass(frozen=True)
class PrivateFiles:
    prefix: str
    model: type[Model] | None
    field: str
    admin_only: bool = False  # Wagtail's own images and avatars: any admin user, no owning record in scope
    # rows also visible to a scope for another reason (an inspection's photos to whoever sees the hazard it found)
    also_visible: Callable[[Scope], Q] | None = None


_REGISTRY: list[PrivateFiles] = []


def register_private_files(prefix: str, model: type[Model] | None = None, field: str = "", *, admin_only: bool = False,
                           also_visible: Callable[[Scope], Q] | None = None) -> None:
    """Files whose stored name starts with ``prefix`` belong to ``model`` (its ``field``)."""
    if not any(r.prefix == prefix for r in _REGISTRY):
        _REGISTRY.append(PrivateFiles(prefix=prefix, model=model, field=field, admin_only=admin_only, also_visible=also_visible))


class PrivateFileSystemStorage(FileSystemStorage):
    """The default storage: files on disk, URLs through the checking view."""

    def url(self, name: str | None) -> str:
        if name is None:
            raise ValueError("此文件没有关联的存储文件")
        return reverse("private_file", args=[name.replace("\\", "/").lstrip("/")])


def private_url(name: str) -> str:
    return reverse("private_file", args=[name])


def thumbnail_url(name: str) -> str:
    return reverse("private_file", args=[THUMBS + name])


def _owner_may_be_seen(user, name: str) -> bool:
    entry = next((r for r in _REGISTRY if name.startswith(r.prefix)), None)
    if entry is None:
        return False
    scope = scope_for(user)
    if scope.role is None:
        return False
    if entry.admin_only:
        return True
    rows = entry.model._default_manager.filter(**{entry.field: name})
    if scoped(rows, user).exists():
        return True
    return entry.also_visible is not None and not scope.everything and rows.filter(entry.also_visible(scope)).exists()


def _clean_name(name: str) -> str:
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts) or "\x00" in name:
        raise Http404("未找到该文件")
    return "/".join(parts)


def thumbnail_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0]
    return f"{THUMBS}{stem}.jpg"


def ensure_thumbnail(name: str) -> str:
    """Make (once) a JPEG no larger than THUMB_SIZE, upright per EXIF; return its stored name."""
    from PIL import Image, ImageOps

    thumb = thumbnail_name(name)
    if default_storage.exists(thumb):
        return thumb
    with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMB_SIZE)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
    _write_once(thumb, buffer.getvalue())
    return thumb


def _write_once(name: str, content: bytes) -> None:
    """Two requests may race to make the same thumbnail: write to a temporary file, then rename."""
    if hasattr(default_storage, "path"):
        path = default_storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    elif not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))


def _send(request, name: str, download_name: str) -> HttpResponse:
    content_type = mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    accel = getattr(settings, "PRIVATE_FILES_ACCEL_REDIRECT", "")
    if accel:
        # nginx serves the bytes from its `internal` location; the app only said yes
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(accel.rstrip("/") + "/" + name)
    else:
        try:
            response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
        except FileNotFoundError as exc:
            raise Http404("未找到该文件") from exc
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
def file_view(request, name: str):
    """Send an uploaded file (or its thumbnail) if the viewer may see the record that owns it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    name = _clean_name(name)
    is_thumb = name.startswith(THUMBS)
    original = name[len(THUMBS):] if is_thumb else name
    # the same answer for "no such file" and "not yours": nothing tells them apart
    if not _owner_may_be_seen(request.user, original) or not default_storage.exists(original):
        raise Http404("未找到该文件，或不在您的数据范围内")
    if is_thumb:
        try:
            thumb = ensure_thumbnail(original)
        except (OSError, ValueError, SyntaxError) as exc:
            raise Http404("无法生成缩略图") from exc
        return _send(request, thumb, thumb)
    return _send(request, original, original)
