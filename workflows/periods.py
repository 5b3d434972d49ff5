"""Months and periods, one way everywhere.

A month is a local (Asia/Shanghai) calendar month; a period is a range of whole local days. Every
count of the mechanism is taken over one of these, so the report, the roll-up, the dashboard and
the assessment cut a month at the same instant. ``month_bounds`` returns aware datetimes (for
datetime columns); a ``Period``'s ``start``/``end`` are dates (for date columns).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from cms.api.params import month_or_none


def first_of_month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def previous_month(today: datetime.date | None = None) -> datetime.date:
    return add_months(today or timezone.localdate(), -1)


def parse_month(value: str | None) -> datetime.date | None:
    """``YYYY-MM`` (two-digit month, ASCII digits: ``\\d`` would take "٢٠٢٦") → the first day of that
    month; None if malformed. The one parser is ``cms.api.params.month_or_none``."""
    return month_or_none(value)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = datetime.date(year, month, 1)
        return cls(start, add_months(start, 1) - datetime.timedelta(days=1))

    @classmethod
    def of_month(cls, day: datetime.date) -> Period:
        return cls.month(day.year, day.month)

    @property
    def months(self) -> list[datetime.date]:
        """First days of the months the period touches."""
        months, current = [], self.start.replace(day=1)
        while current <= self.end:
            months.append(current)
            current = add_months(current, 1)
        return months

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == Period.of_month(self.start).end

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware [start, end+1) in local time, for datetime fields."""
        return _local_midnight(self.start), _local_midnight(self.end + datetime.timedelta(days=1))

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.start == datetime.date(self.start.year, 1, 1) and self.end == datetime.date(self.start.year, 12, 31):
            return f"{self.start.year}年度"
        if self.is_month:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware [first instant, first instant of the next month) of ``month``'s local month."""
    return Period.of_month(month).bounds()


def local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value else None


def found_at_for(day: datetime.date, *, entered: datetime.datetime | None = None) -> datetime.datetime:
    """The 发现时间 of a hazard found on ``day`` (an inspection's date) and entered at ``entered``: the
    entry moment when it was entered that same local day, else the start of ``day``. Every figure
    counts the day of the finding, never the day of typing (that is ``Hazard.created_at``, 登记时间)."""
    entered = entered or timezone.now()
    if timezone.localdate(entered) == day:
        return entered
    return _local_midnight(day)
