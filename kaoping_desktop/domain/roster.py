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
