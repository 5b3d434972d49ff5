"""Schemathesis calls the app in-process through Werkzeug, whose multipart encoder writes an empty
form value without the blank line that ends the part's headers (``name="kind"\r\n\r\n--boundary``).
Django's parser (like any strict one) skips such a part, so ``PATCH kind=`` reached the API as a
PATCH without ``kind`` and was rightly answered 200: the "accepted" negative case was never sent.
Here multipart bodies are encoded as ``requests`` encodes them on the network (each part with its
blank line, an empty value as an empty body), so the API sees what Schemathesis generated.

A form has no null: Schemathesis writes a JSON ``null`` as the text "null". In a valid (positive)
case it is sent as the empty value, which is how DRF reads null from a form (``allow_null``
fields); the case itself keeps its null, and a negative case keeps "null"."""

from __future__ import annotations

from typing import Any

import requests
from schemathesis.transport.requests import prepare_multipart_parts
from schemathesis.transport.wsgi import WSGI_TRANSPORT, multipart_serializer
from urllib3.filepost import choose_boundary


def _nulls_as_empty(ctx, value):
    case = ctx.case
    if not isinstance(value, dict) or not isinstance(case.body, dict) or case.meta is None or not case.meta.generation.mode.is_positive:
        return value
    return {name: "" if case.body.get(name, ...) is None else item for name, item in value.items()}


def encode_multipart(ctx, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return multipart_serializer(ctx, value)
    files, _ = prepare_multipart_parts(ctx, _nulls_as_empty(ctx, value))
    if not files:
        boundary = choose_boundary()
        return {"data": f"--{boundary}--\r\n".encode("latin-1"), "content_type": f"multipart/form-data; boundary={boundary}"}
    body, content_type = requests.models.RequestEncodingMixin._encode_files(files, {})
    return {"data": body, "content_type": content_type}


_URLENCODED = WSGI_TRANSPORT._serializers["application/x-www-form-urlencoded"]


def encode_urlencoded(ctx, value: Any) -> dict[str, Any]:
    return _URLENCODED(ctx, _nulls_as_empty(ctx, value))


def install() -> None:
    WSGI_TRANSPORT.serializer("multipart/form-data")(encode_multipart)
    WSGI_TRANSPORT.serializer("application/x-www-form-urlencoded")(encode_urlencoded)
