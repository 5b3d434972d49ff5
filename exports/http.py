"""Serving an exported file: a Chinese filename done right, and big files from disk."""

from __future__ import annotations

import re
import tempfile
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_UNSAFE = re.compile(r'[\\/:*?"<>|\r\n\t\x00-\x1f]+')


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` (RFC 6266 / RFC 5987).

    Old clients read the quoted ASCII name; every current browser and HTTP library prefers
    ``filename*`` and shows the Chinese name.
    """
    name = _UNSAFE.sub("_", filename).strip() or ascii_fallback
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_fallback).strip("_") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(content: bytes, *, filename: str, ascii_name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, ascii_name)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response


def spooled_file():
    """An anonymous temporary file: gone from disk once closed (FileResponse closes it)."""
    return tempfile.TemporaryFile(suffix=".xlsx")


def stream_file_response(handle, *, filename: str, ascii_name: str, content_type: str) -> FileResponse:
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, ascii_name)
    response["Content-Length"] = str(size)
    response["Cache-Control"] = "private, no-store"
    return response


class FileRenderer(BaseRenderer):
    """Lets a client ask for the file's own type (``Accept: application/vnd…``); errors still
    come back as JSON."""

    media_type = "*/*"
    format = "file"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data, "application/json", renderer_context)
