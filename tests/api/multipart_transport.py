"""Schemathesis calls the app in-process through Werkzeug, whose multipart encoder writes an empty
form value without the blank line that ends the part's headers (``name="kind"\r\n\r\n--boundary``).
Django's parser (like any strict one) skips such a part, so ``PATCH kind=`` reached the API as a
PATCH without ``kind`` and was rightly answered 200: the "accepted" negative case was never sent.
Here multipart bodies are encoded as ``requests`` encodes them on the network (each part with its
blank line, an empty value as an empty body), so the API sees what Schemathesis generated."""

from __future__ import annotations

from typing import Any

import requests
from schemathesis.transport.requests import prepare_multipart_parts
from schemathesis.transport.wsgi import WSGI_TRANSPORT, multipart_serializer
from urllib3.filepost import choose_boundary


def encode_multipart(ctx, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return multipart_serializer(ctx, value)
    files, _ = prepare_multipart_parts(ctx, value)
    if not files:
        boundary = choose_boundary()
        return {"data": f"--{boundary}--\r\n".encode("latin-1"), "content_type": f"multipart/form-data; boundary={boundary}"}
    body, content_type = requests.models.RequestEncodingMixin._encode_files(files, {})
    return {"data": body, "content_type": content_type}


def install() -> None:
    WSGI_TRANSPORT.serializer("multipart/form-data")(encode_multipart)
