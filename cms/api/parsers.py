"""Request parsers for every API endpoint, each refusing with a Chinese answer:

* text with control characters (other than tab and line breaks: ``cms.inputs``);
* a JSON body nested deeper than ``JSON_MAX_DEPTH``, measured on the raw text before anything
  recursive runs (Python's JSON decoder would hit its recursion limit and answer 500);
* a JSON body larger than ``API_JSON_MAX_BYTES`` or a form body larger than
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413; Django checks multipart bodies itself), a JSON body that is not UTF-8, has a NUL byte, or whose top level is not an
  object or a list (``null`` included).
"""

from __future__ import annotations

import io
import re

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.utils import json

from cms.inputs import BODY_CONTROL_MESSAGE, CONTROL, has_control_characters  # noqa: F401  (CONTROL re-exported)

JSON_MAX_DEPTH = 32
MESSAGE = BODY_CONTROL_MESSAGE
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# every byte that is not a bracket is deleted; braces become brackets (only the depth matters)
_KEEP_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class ControlCharacters(ParseError):
    default_detail = MESSAGE


class ChineseParseError(ParseError):
    """A parse error whose text is already the Chinese answer (kept by the exception handler)."""


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "请求内容过大"
    default_code = "payload_too_large"


def nested_deeper_than(raw: bytes, limit: int) -> bool:
    """Does the JSON text nest ``[`` / ``{`` deeper than ``limit``? Strings are left out; each pass
    removes the innermost pairs at C speed (``bytes.replace``), so a 20 MB body takes a fraction
    of a second and nothing recurses. An unbalanced text is left to the decoder to refuse."""
    brackets = (_STRING.sub(b"", raw) if b'"' in raw else raw).translate(_KEEP_BRACKETS, _NOT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return False
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):
            return False
        brackets = shorter
    return b"[]" in brackets


def _max_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 20 * 1024 * 1024


def _max_json_bytes() -> int:
    """JSON bodies carry text only (files come as multipart): ``API_JSON_MAX_BYTES`` (2 MB) bounds
    them, and so the time the nesting check and the decoder may take."""
    return min(getattr(settings, "API_JSON_MAX_BYTES", 2 * 1024 * 1024), _max_bytes())


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


class CleanJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = _max_json_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"请求内容过大：JSON 请求体不能超过 {_megabytes(limit)}（照片等文件请用 multipart 上传）")
        if not raw.strip():
            raise ChineseParseError("请求内容为空，请提交 JSON 对象")
        if b"\x00" in raw:
            raise ControlCharacters()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ChineseParseError("请求内容不是有效的 UTF-8 编码，请以 UTF-8 提交 JSON") from None
        if nested_deeper_than(raw, JSON_MAX_DEPTH):
            raise ChineseParseError(f"JSON 嵌套层数过多（最多 {JSON_MAX_DEPTH} 层）")
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except (ValueError, RecursionError):
            raise ChineseParseError("请求内容不是有效的 JSON，请检查格式（括号、引号、逗号）") from None
        if not isinstance(data, (dict, list)):
            raise ChineseParseError("请求内容须为 JSON 对象（例如 {\"字段\": \"值\"}），不能为空值、数字或字符串")
        if has_control_characters(data):
            raise ControlCharacters()
        return data


class CleanFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = _max_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"请求内容过大：表单不能超过 {_megabytes(limit)}")
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        if has_control_characters(dict(data.lists())):
            raise ControlCharacters()
        return data


class CleanMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        if has_control_characters(dict(result.data.lists())):
            raise ControlCharacters()
        return result
