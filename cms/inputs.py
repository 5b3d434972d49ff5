"""What the system accepts as text, names, dates, numbers and reasons, and how a text cell is
written to a spreadsheet: one module, used by the forms, the API, the services' shared save
guard and every export.

* Control characters (other than tab and line breaks) mean nothing to a reader, come from
  broken clients or attacks and cannot be written to Excel: refused at every entry point
  (``TextFormMixin`` for forms, ``cms.api.parsers`` for API bodies, ``guard_instance`` for every
  save of our models), stripped on export (``spreadsheet_cell``).
* Names (``name``, ``short_name``, ``…_name``, ``…_person`` fields) are normalised with NFKC
  (full-width letters and digits become ASCII; the full-width punctuation Chinese names use is
  kept), with zero-width and text-direction control characters removed, so that "拱辰\u200b街道"
  and "拱辰街道" are the same name.
* Dates (and the day of a date-time) lie between ``DATE_MIN`` and ``DATE_MAX``.
* Ids and numbers in paths and query strings are ASCII digits only ("١" is not 1).
* A reason longer than its limit is refused, never silently cut.
* A spreadsheet text cell that starts with ``= + - @``, tab or CR gets a leading ``'`` (the
  OWASP rule against formula injection).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "含有不可见的控制字符，请删除后重试"
BODY_CONTROL_MESSAGE = "提交的文字中含有不可见的控制字符，请删除后重试"

# zero width (space, non-joiner, joiner, word joiner, BOM, soft hyphen, Mongolian vowel separator)
# and text direction controls (LRM/RLM/ALM, embeddings, overrides, isolates)
INVISIBLE = re.compile("[\u00ad\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]"
                       # a zero-width joiner, except where it joins emoji (👷\u200d♀️)
                       "|(?<![\u2600-\u27bf\ufe0f\U0001f000-\U0001faff])\u200d")
# full-width punctuation that Chinese names properly use and NFKC would make ASCII
_KEEP_FULLWIDTH = "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e\u3000"
_KEEP = re.compile(f"([{_KEEP_FULLWIDTH}]+)")

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
DATE_MESSAGE = f"日期须在 {DATE_MIN:%Y-%m-%d} 至 {DATE_MAX:%Y-%m-%d} 之间"
# dates a machine reads from a file (a camera's clock), not dates a person enters
DATE_BOUNDS_EXEMPT = frozenset({"taken_at"})

REASON_LIMIT = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ------------------------------------------------------------------------- control characters


def has_control_characters(value) -> bool:
    if isinstance(value, str):
        return bool(CONTROL.search(value))
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_control_characters(v) for v in value)
    return False


def refuse_control_characters(value) -> None:
    """A validator (forms, serializers, models)."""
    if has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


# ------------------------------------------------------------------------- names


def normalise_name(value: str) -> str:
    """NFKC (full-width punctuation kept), zero-width and direction controls removed, spaces
    collapsed and trimmed."""
    if not isinstance(value, str):
        return value
    value = INVISIBLE.sub("", value)
    parts = _KEEP.split(value)
    value = "".join(part if index % 2 else unicodedata.normalize("NFKC", part) for index, part in enumerate(parts))
    return re.sub(r"[ \u3000]{2,}", " ", value).strip()


def is_name_field(field) -> bool:
    if not isinstance(field, models.CharField) or field.choices:
        return False
    name = field.name
    return name in ("name", "short_name") or (name.endswith(("_name", "_person")) and name != "original_name")


# ------------------------------------------------------------------------- dates


def date_in_bounds(value) -> bool:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return DATE_MIN <= value <= DATE_MAX


def validate_date_bounds(value) -> None:
    if value is not None and not date_in_bounds(value):
        raise ValidationError(DATE_MESSAGE, code="date_bounds")


# ------------------------------------------------------------------------- ids and numbers


def ascii_int(value) -> int | None:
    """``value`` (str or int) as an int if it is ASCII digits only, else ``None``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


# ------------------------------------------------------------------------- reasons


def checked_reason(reason: str | None, *, limit: int = REASON_LIMIT, default: str = "", field: str = "reason") -> str:
    """The reason, trimmed; longer than ``limit`` is refused (``InvalidInput``), never cut."""
    from cms.errors import InvalidInput

    value = (reason or "").strip()
    if len(value) > limit:
        raise InvalidInput(f"原因不能超过 {limit} 字（现有 {len(value)} 字）", fields={field: f"不能超过 {limit} 字"})
    if has_control_characters(value):
        raise InvalidInput(fields={field: CONTROL_MESSAGE})
    return value or default


# ------------------------------------------------------------------------- the save guard


def normalise_names(instance: models.Model) -> None:
    """Normalise every name field of ``instance`` in place (``normalise_name``)."""
    for field in instance._meta.concrete_fields:
        if is_name_field(field):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, normalise_name(value))


def guard_instance(instance: models.Model) -> None:
    """Every save of one of our models: names normalised; control characters and dates out of
    bounds refused with ``InvalidInput`` (the admin, the API and the services show it)."""
    from cms.errors import InvalidInput

    errors: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if not isinstance(value, str):
                continue
            if is_name_field(field):
                normalised = normalise_name(value)
                if normalised != value:
                    setattr(instance, field.attname, normalised)
                    value = normalised
                    if field.max_length and len(value) > field.max_length:
                        # NFKC can lengthen ("¼" is "1⁄4"): refused here, not by the database
                        errors[field.name] = f"{field.verbose_name}规范化后超过 {field.max_length} 个字符，请缩短"
                        continue
            if CONTROL.search(value):
                errors[field.name] = f"{field.verbose_name}{CONTROL_MESSAGE}"
        elif isinstance(field, models.JSONField):
            if has_control_characters(getattr(instance, field.attname)):
                errors[field.name] = f"{field.verbose_name}{CONTROL_MESSAGE}"
        elif isinstance(field, models.DateField) and field.name not in DATE_BOUNDS_EXEMPT:
            value = getattr(instance, field.attname)
            if isinstance(value, datetime.date) and not date_in_bounds(value):
                errors[field.name] = f"{field.verbose_name}：{DATE_MESSAGE}"
    if errors:
        raise InvalidInput("；".join(errors.values()), fields=errors)


OUR_APPS = ("cms", "workflows", "notices", "exports")


def guard_on_save(sender, instance, raw=False, **kwargs) -> None:
    """``pre_save`` receiver for every model of our apps (fixtures loaded raw are left alone)."""
    if raw or not sender.__module__.startswith(OUR_APPS):
        return
    guard_instance(instance)


# ------------------------------------------------------------------------- spreadsheets


def spreadsheet_cell(value):
    """One cell of an Excel or CSV export: text without the control characters Excel cannot
    hold, and never read as a formula (a leading ``= + - @``, tab or CR gets a ``'``)."""
    if not isinstance(value, str):
        return value
    value = _EXCEL_ILLEGAL.sub("", value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value
