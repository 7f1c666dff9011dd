"""Windows, people and their assignments, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .calendar import covers, month_bounds, overlaps

CHIEF = "首席代表"
WINDOW_STAFF = "窗口工作人员"
BACK_OFFICE = "后台人员"
ROLES = (CHIEF, WINDOW_STAFF, BACK_OFFICE)


@dataclass(frozen=True)
class Window:
    code: str
    name: str
    department: str
    start: date | None = None
    end: date | None = None

    def in_service(self, month: str) -> bool:
        return overlaps(self.start, self.end, *month_bounds(month))

    def in_service_on(self, day: date) -> bool:
        return covers(self.start, self.end, day)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    phone: str = ""


@dataclass(frozen=True)
class Assignment:
    person_id: str
    window_code: str
    role: str
    start: date | None = None
    end: date | None = None

    def overlaps_month(self, month: str) -> bool:
        return overlaps(self.start, self.end, *month_bounds(month))

    def covers(self, day: date) -> bool:
        return covers(self.start, self.end, day)


def chief_on(assignments: list[Assignment], window_code: str, day: date) -> list[str]:
    """Who was chief of the window on that day (normally one person, or nobody)."""
    return sorted(
        {a.person_id for a in assignments if a.window_code == window_code and a.role == CHIEF and a.covers(day)}
    )


def overlapping_chiefs(assignments: list[Assignment]) -> list[tuple[Assignment, Assignment]]:
    """Pairs of chief assignments of the same window whose periods overlap."""
    chiefs = [a for a in assignments if a.role == CHIEF]
    clashes = []
    for i, a in enumerate(chiefs):
        for b in chiefs[i + 1 :]:
            if a.window_code != b.window_code or a.person_id == b.person_id:
                continue
            if (a.start is None or b.end is None or a.start <= b.end) and (
                b.start is None or a.end is None or b.start <= a.end
            ):
                clashes.append((a, b))
    return clashes


def _days_in(start: date | None, end: date | None, first: date, last: date) -> tuple[date, date] | None:
    """The part of [start, end] inside [first, last], or None."""
    lo = max(first, start) if start else first
    hi = min(last, end) if end else last
    return (lo, hi) if lo <= hi else None


def closed_months_changed(
    before_windows: list[Window],
    before_assignments: list[Assignment],
    after_windows: list[Window],
    after_assignments: list[Assignment],
    closed_months: set[str],
) -> list[str]:
    """Closed months whose roster (service days, who was where in which role) would differ."""

    def picture(windows, assignments, month):
        first, last = month_bounds(month)
        w = {(x.code, _days_in(x.start, x.end, first, last)) for x in windows}
        a = {
            (x.person_id, x.window_code, x.role, _days_in(x.start, x.end, first, last))
            for x in assignments
            if _days_in(x.start, x.end, first, last)
        }
        return {i for i in w if i[1]}, a

    return sorted(
        m
        for m in closed_months
        if picture(before_windows, before_assignments, m) != picture(after_windows, after_assignments, m)
    )
