"""Request parsers that refuse text with control characters (other than tab and newlines).

Such characters come from broken clients or attacks, cannot be written to Excel (every export
would fail on the record) and mean nothing to a reader; one rule here covers every endpoint."""

from __future__ import annotations

import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE = "提交的文字中含有不可见的控制字符，请删除后重试"


class ControlCharacters(ParseError):
    default_detail = MESSAGE


def has_control_characters(value) -> bool:
    if isinstance(value, str):
        return bool(CONTROL.search(value))
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_control_characters(v) for v in value)
    return False


class CleanJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if has_control_characters(data):
            raise ControlCharacters()
        return data


class CleanFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if has_control_characters(dict(data.lists())):
            raise ControlCharacters()
        return data


class CleanMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        if has_control_characters(dict(result.data.lists())):
            raise ControlCharacters()
        return result
