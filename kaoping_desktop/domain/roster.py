"""Windows, people and their assignments, as plain values."""

from __future__ import annotations

from datetime import date

from .calendar import covers, month_bounds, overlaps
from .records import record

CHIEF = "首席代表"
WINDOW_STAFF = "窗口工作人员"
BACK_OFFICE = "后台人员"
ROLES = (CHIEF, WINDOW_STAFF, BACK_OFFICE)


@record
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


@record
class Person:
    id: str
    name: str
    phone: str = ""


@record
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


@record
class MonthPresence:
    """Whether a person is listed (scored) in a month, and the text that says so or why not."""

    listed: bool
    text: str


def month_presence(assignments: list[Assignment], windows: dict[str, Window], month: str) -> MonthPresence:
    """One person's standing in `month`, by the rule of scoring.md "Who is scored in month M".

    `assignments` are the person's own; `windows` maps code -> window. Listed means an
    assignment overlaps the month and its window is in service in that month.
    """
    if not assignments:
        return MonthPresence(False, "无岗位")
    weight = {role: i for i, role in enumerate(ROLES)}
    in_month = [a for a in assignments if a.overlaps_month(month)]
    serving = [a for a in in_month if a.window_code in windows and windows[a.window_code].in_service(month)]
    if serving:
        posts = sorted({(a.role, a.window_code) for a in serving}, key=lambda p: (weight.get(p[0], len(ROLES)), p[1]))
        return MonthPresence(True, "在岗 " + "、".join(f"{role} {code}" for role, code in posts))
    first, last = month_bounds(month)
    if in_month:
        # Assigned, but the window does not serve this month.
        a = min(in_month, key=lambda x: x.window_code)
        w = windows.get(a.window_code)
        if w is not None and w.start and w.start > last:
            return MonthPresence(False, f"所在窗口未启用（{w.code} 启用日期 {w.start.isoformat()}）")
        if w is not None and w.end:
            return MonthPresence(False, f"所在窗口已撤出（{w.code} 撤出日期 {w.end.isoformat()}）")
        return MonthPresence(False, f"所在窗口已撤出（{a.window_code}）")
    reasons = []
    ended = [a.end for a in assignments if a.end and a.end < first]
    later = [a.start for a in assignments if a.start and a.start > last]
    if ended:
        reasons.append(f"在岗截止 {max(ended).isoformat()} 早于本月")
    if later:
        reasons.append(f"在岗起始 {min(later).isoformat()} 晚于本月")
    return MonthPresence(False, "；".join(reasons))
