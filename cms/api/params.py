"""Query parameter values, parsed strictly in one place: a malformed value is a Chinese 400
(``InvalidInput`` with the parameter's name), never silently ignored, clamped or guessed.

Digits are ASCII only ("١" is not 1, "２０２６" is not 2026); months are ``YYYY-MM`` (not
``2026-1``); dates are ``YYYY-MM-DD`` between ``cms.inputs.DATE_MIN`` and ``DATE_MAX``.
(Unknown parameter *names* are refused by the list endpoints' filter sets.)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from cms.errors import InvalidInput
from cms.inputs import DATE_MAX, DATE_MIN, ascii_int

MAX_ID = 2**62  # larger ids cannot exist and overflow SQLite's INTEGER
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

MONTH_MESSAGE = "月份格式应为 YYYY-MM（例如 2026-03），年份在 2000–2100 之间"
DAY_MESSAGE = f"日期格式应为 YYYY-MM-DD，且在 {DATE_MIN:%Y-%m-%d} 至 {DATE_MAX:%Y-%m-%d} 之间"


def month_or_none(value) -> datetime.date | None:
    """``YYYY-MM`` → the first day of that month; ``None`` if malformed or out of bounds."""
    match = _MONTH.match(str(value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and DATE_MIN.year <= year <= DATE_MAX.year):
        return None
    return datetime.date(year, month, 1)


def month(value, name: str = "month") -> tuple[int, int]:
    first = month_or_none(value)
    if first is None:
        raise InvalidInput(fields={name: MONTH_MESSAGE})
    return first.year, first.month


def day_or_none(value) -> datetime.date | None:
    text = str(value or "").strip()
    if not _DAY.match(text):
        return None
    try:
        parsed = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return parsed if DATE_MIN <= parsed <= DATE_MAX else None


def day(value, name: str) -> datetime.date | None:
    """An optional ``YYYY-MM-DD`` parameter (absent or empty: ``None``)."""
    if value in (None, ""):
        return None
    parsed = day_or_none(value)
    if parsed is None:
        raise InvalidInput(fields={name: DAY_MESSAGE})
    return parsed


def year(value, name: str = "year") -> int:
    number = ascii_int(str(value or "").strip())
    if number is None or not DATE_MIN.year <= number <= DATE_MAX.year:
        raise InvalidInput(fields={name: f"年度应为 {DATE_MIN.year}–{DATE_MAX.year} 之间的四位数字"})
    return number


def ident(value, name: str) -> int | None:
    """An optional object id (absent or empty: ``None``)."""
    if value in (None, ""):
        return None
    number = ascii_int(str(value).strip())
    if number is None or number > MAX_ID:
        raise InvalidInput(fields={name: "应为数字编号"})
    return number


def idents(values: Iterable, name: str) -> list[int]:
    """Ids given repeated (``?sector=1&sector=2``) or comma-separated (``?sector=1,2``)."""
    out = []
    for value in values:
        for part in str(value or "").split(","):
            if part.strip():
                out.append(ident(part, name))
    return out


def choice(value, name: str, choices: Iterable[str], *, default: str | None = None) -> str | None:
    allowed = list(choices)
    if value in (None, ""):
        return default
    if value not in allowed:
        raise InvalidInput(fields={name: f"只能是 {'、'.join(allowed)} 之一"})
    return value


def positive_int(value, name: str, *, maximum: int, message: str | None = None) -> int:
    number = ascii_int(str(value).strip())
    if number is None or not 1 <= number <= maximum:
        raise InvalidInput(fields={name: message or f"应为 1 到 {maximum} 之间的整数"})
    return number


_TRUE, _FALSE = ("1", "true", "yes", "on", "是"), ("0", "false", "no", "off", "否")


def flag(value, name: str) -> bool | None:
    """An optional yes/no parameter: true/false, 1/0, yes/no, 是/否."""
    if value in (None, ""):
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(fields={name: "应为 true 或 false"})
