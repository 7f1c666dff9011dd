"""Months ("YYYY-MM") and date ranges, where open ends mean "always"."""

from __future__ import annotations

import calendar as _calendar
import re
from functools import lru_cache
from datetime import date

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> str:
    """Validate and normalise a month; raises ValueError with a Chinese message."""
    text = (text or "").strip()
    m = _MONTH_RE.match(text) or re.match(r"^(\d{4})[/年.-](\d{1,2})月?$", text)
    if not m:
        raise ValueError(f"月份格式不正确：“{text}”，应为 YYYY-MM，例如 2026-10")
    year, month = int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12) or year < 1900:
        raise ValueError(f"月份不存在：“{text}”")
    return f"{year:04d}-{month:02d}"


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@lru_cache(maxsize=256)  # asked for every assignment and incident month while scoring
def month_bounds(month: str) -> tuple[date, date]:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, 1), date(year, mon, _calendar.monthrange(year, mon)[1])


def overlaps(start: date | None, end: date | None, first: date, last: date) -> bool:
    """Does [start, end] (None = open) share at least one day with [first, last]?"""
    return (start is None or start <= last) and (end is None or end >= first)


def covers(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or end >= day)


def add_months(month: str, n: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    idx = year * 12 + (mon - 1) + n
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def default_month(today: date, previous_until_day: int) -> str:
    """The month the clerk most likely works on: last month during the first days of a month."""
    month = month_of(today)
    return add_months(month, -1) if today.day <= previous_until_day else month
