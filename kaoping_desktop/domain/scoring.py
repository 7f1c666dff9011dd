"""Monthly scoring exactly as ../shared/spec/scoring.md describes it.

Everything here is exact (Fraction). Rounding happens only when results are
shown or exported (see numbers.py).
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterable, Mapping
from datetime import date
from fractions import Fraction
from functools import lru_cache

from .calendar import month_bounds
from .consequences import blocks_red_flag, window_consequences
from .consequences import marks as consequence_marks
from .pricing import PricedIncident
from .records import field, record
from .roster import BACK_OFFICE, CHIEF, ROLES, WINDOW_STAFF, Assignment, Person, Window
from .settings import ScoringSettings
from .standards import STAFF, WINDOW, StandardSet

TYPE_CHECKING = False  # typing's, without importing typing (a reading command never needs it)
if TYPE_CHECKING:
    from .incidents import Incident

ZERO = Fraction(0)
HUNDRED = Fraction(100)
BASE_SHARE = Fraction(10, 100)  # each base component is the mean score × 10 / 100

WARN_NO_STAFF = "无窗口工作人员"
WARN_NO_CHIEF = "缺少首席代表"
WARN_TWO_CHIEFS = "同日有多名首席代表"
WARN_NO_CHIEF_ON_DAY = "扣分当日无首席代表"


@record
class PersonResult:
    person_id: str
    name: str
    window_code: str
    role: str
    score: Fraction
    deductions: dict[str, Fraction] = field(default_factory=dict)  # staff category -> capped deduction
    chief_share: Fraction = Fraction(0)


@record
class WindowResult:
    code: str
    name: str
    department: str
    chief_component: Fraction
    staff_component: Fraction
    categories: dict[str, Fraction]  # "1".."6"
    total: Fraction
    rank: int
    disqualified: bool
    warnings: tuple[str, ...]
    grade: str
    red_flag: bool
    chief_ids: tuple[str, ...] = ()
    staff_ids: tuple[str, ...] = ()
    consequences: frozenset[str] = frozenset()  # consequences.REGISTRY codes in force this month

    @property
    def base(self) -> Fraction:
        return self.categories["1"]

    @property
    def marks(self) -> list[str]:
        """取消评优 and any other consequence marks, for tables and sheets."""
        found = consequence_marks(self.consequences)
        return found or (["取消评优"] if self.disqualified else [])


@record
class MonthResult:
    month: str
    windows: tuple[WindowResult, ...]
    people: tuple[PersonResult, ...]
    closed: bool = False
    evaluated: bool = True  # False before the first evaluated month: no results at all

    def window(self, code: str) -> WindowResult | None:
        for w in self.windows:
            if w.code == code:
                return w
        return None

    def person_scores(self) -> dict[str, Fraction]:
        return {p.person_id: p.score for p in self.people}

    @property
    def blocking_warnings(self) -> list[str]:
        """What stops the month from being closed."""
        return [f"{w.code} {w.name}：{WARN_NO_CHIEF}" for w in self.windows if WARN_NO_CHIEF in w.warnings]


class ChiefIndex:
    """Who was chief of a window on a day, looked up by window then day (not a scan of everyone)."""

    def __init__(self, assignments: Iterable[Assignment]):
        self._by_window: dict[str, list[Assignment]] = defaultdict(list)
        for a in assignments:
            if a.role == CHIEF:
                self._by_window[a.window_code].append(a)
        self._cache: dict[tuple[str, date], tuple[str, ...]] = {}

    def on(self, window_code: str, day: date) -> tuple[str, ...]:
        key = (window_code, day)
        found = self._cache.get(key)
        if found is None:
            on_day = {a.person_id for a in self._by_window.get(window_code, ()) if a.covers(day)}
            found = tuple(sorted(on_day)) if len(on_day) > 1 else tuple(on_day)
            self._cache[key] = found
        return found


# Non-voided incidents of one month with the same window, person, day, clause and variant,
# summed: (window_code: str, person_id: str | None, date: date | None, clause_code: str,
# variant: str, count: int). The store may leave `date` out (None) for staff-standard incidents:
# only a window-standard incident's day matters (it decides who was chief). A named tuple: a
# 30,000-incident month makes thousands, and a frozen dataclass costs 3x to build.
LedgerLine = namedtuple("LedgerLine", "window_code person_id date clause_code variant count")


def ledger_lines(incidents: Iterable[Incident]) -> list[LedgerLine]:
    """Sum incidents into ledger lines (the store does the same with GROUP BY)."""
    counts: dict[tuple, int] = defaultdict(int)
    for inc in incidents:
        if not inc.voided:
            counts[(inc.window_code, inc.person_id or None, inc.date, inc.clause_code, inc.variant)] += inc.count
    return [LedgerLine(*key, count) for key, count in counts.items()]


def _priced_groups(month: str, lines: Iterable[LedgerLine], standards: StandardSet):
    """Sum each scored party's deductions: window points per window and category, staff points
    per person and category, chief points per (window, day). Sums run in half points (ints)."""
    window_std = standards.for_month(WINDOW, month)
    staff_std = standards.for_month(STAFF, month)
    units: dict[tuple[str, str], tuple[str, str, int, int, int]] = {}

    def unit(clause_code: str, variant: str) -> tuple[str, str, int, int, int]:
        found = units.get((clause_code, variant))
        if found is None:
            std = staff_std if staff_std.clause(clause_code) is not None else window_std
            clause = std.clause(clause_code)
            if clause is None or clause.is_computed:
                raise ValueError(f"扣分记录引用了不存在的条款：{clause_code}")
            chosen = clause.variant(variant)
            if chosen is None:
                raise ValueError(f"条款 {clause_code} 没有情形“{variant}”")
            found = (std.kind, clause.category_code, *PricedIncident.of(std, clause, chosen, 1).half_points())
            units[(clause_code, variant)] = found
        return found

    window_half: dict[tuple[str, str], int] = defaultdict(int)
    person_half: dict[tuple[str, str], int] = defaultdict(int)
    chief_half: dict[tuple[str, date], int] = defaultdict(int)
    for window_code, person_id, day, clause_code, variant, count in lines:  # thousands: kept tight
        found = units.get((clause_code, variant)) or unit(clause_code, variant)
        kind, category, w_half, c_half, p_half = found
        if kind == STAFF:
            if person_id is None:
                raise ValueError(f"扣分记录无法计分：条款 {clause_code} 未指定人员")
            person_half[(person_id, category)] += count * p_half
        else:
            window_half[(window_code, category)] += count * w_half
            chief_half[(window_code, day)] += count * c_half

    window_raw: dict[str, dict[str, int]] = defaultdict(dict)
    for (code, category), halves in window_half.items():
        window_raw[code][category] = halves
    person_raw: dict[str, dict[str, int]] = defaultdict(dict)
    for (pid, category), halves in person_half.items():
        person_raw[pid][category] = halves
    return window_raw, person_raw, chief_half


def _person_scores(
    month: str,
    people_ids: Iterable[str],
    person_half: dict[str, dict[str, int]],
    chief_half: dict[tuple[str, date], int],
    chiefs: ChiefIndex,
    standards: StandardSet,
    day_warnings: dict[str, set[str]],
) -> tuple[dict[str, int], dict[str, dict[str, Fraction]], dict[str, Fraction]]:
    """Personal scores in half points (100 − capped staff deductions − chief shares), each
    person's capped deductions and chief shares as exact values."""
    staff_std = standards.for_month(STAFF, month)
    share_half: dict[str, int] = defaultdict(int)
    for (window_code, day), halves in chief_half.items():
        on_day = chiefs.on(window_code, day)
        if not on_day:
            day_warnings[window_code].add(WARN_NO_CHIEF_ON_DAY)
        elif len(on_day) > 1:
            day_warnings[window_code].add(WARN_TWO_CHIEFS)
        for chief in on_day:
            share_half[chief] += halves

    caps = [(cat.code, int(cat.points * 2)) for cat in staff_std.scored_categories()]
    none_deducted = {code: ZERO for code, _ in caps}
    scores: dict[str, int] = {}
    capped: dict[str, dict[str, Fraction]] = {}
    for pid in people_ids:
        raw = person_half.get(pid)
        if raw is None:  # most people: nothing deducted this month
            capped[pid] = dict(none_deducted)
            scores[pid] = max(0, 200 - share_half.get(pid, 0))
            continue
        per_cat = {code: min(cap, raw.get(code, 0)) for code, cap in caps}
        capped[pid] = {code: _halves(v) for code, v in per_cat.items()}
        scores[pid] = max(0, 200 - sum(per_cat.values()) - share_half.get(pid, 0))
    return scores, capped, {pid: _halves(h) for pid, h in share_half.items()}


@lru_cache(maxsize=4096)  # few distinct values, thousands of uses: build each Fraction once
def _halves(halves: int) -> Fraction:
    return Fraction(halves, 2)


def _base_component(score_halves: list[int]) -> Fraction:
    """The mean of these scores (in half points) × 10 / 100, as one exact division."""
    return Fraction(sum(score_halves), 2 * len(score_halves)) * BASE_SHARE


def _category_score(points: Fraction, deducted_halves: int) -> Fraction:
    """What is left of a category's points: max(0, points − deduction)."""
    if points.denominator == 1:  # the usual case: whole points, so plain integers
        return _halves(max(0, int(points) * 2 - deducted_halves))
    return max(ZERO, points - _halves(deducted_halves))


def competition_ranks(totals: list[tuple[str, Fraction]]) -> list[tuple[str, Fraction, int]]:
    """Rank by exact total, highest first; ties share a rank, the next is skipped; ties by code."""
    ordered = sorted(totals, key=lambda t: (-t[1], t[0]))
    ranked = []
    for i, (code, total) in enumerate(ordered):
        if i and total == ordered[i - 1][1]:
            rank = ranked[-1][2]
        else:
            rank = i + 1
        ranked.append((code, total, rank))
    return ranked


def score_month(
    month: str,
    windows: Iterable[Window],
    people: Iterable[Person],
    assignments: Iterable[Assignment],
    incidents: Iterable[Incident],
    standards: StandardSet,
    settings: ScoringSettings = ScoringSettings(),
) -> MonthResult:
    """Score a month from incident objects.

    `incidents` may hold other months of the same year too: they are needed for
    the 取消评优 consequence and are otherwise ignored.
    """
    first, last = month_bounds(month)
    incidents = [i for i in incidents if not i.voided]
    hits = [(i.window_code, i.date, i.clause_code) for i in incidents]
    return score_ledger(
        month,
        windows,
        people,
        assignments,
        ledger_lines(i for i in incidents if first <= i.date <= last),
        window_consequences(month, hits, standards, settings.first_month),
        standards,
        settings,
    )


def score_ledger(
    month: str,
    windows: Iterable[Window],
    people: Iterable[Person],
    assignments: Iterable[Assignment],
    lines: Iterable[LedgerLine],
    consequences: Mapping[str, frozenset[str]],
    standards: StandardSet,
    settings: ScoringSettings = ScoringSettings(),
) -> MonthResult:
    """Score every window in service in `month` and every person assigned in it.

    lines: the month's non-voided incidents summed per (window, person, day,
    clause, variant); consequences: window -> consequence codes in force this
    month (see consequences.window_consequences). A month before the first
    evaluated month is not scored at all.
    """
    if not settings.evaluates(month):
        return MonthResult(month, (), (), evaluated=False)
    lines = list(lines)
    assignments = list(assignments)
    person_by_id = {p.id: p for p in people}
    scored_windows = sorted((w for w in windows if w.in_service(month)), key=lambda w: w.code)
    window_codes = {w.code for w in scored_windows}
    month_assignments = [a for a in assignments if a.overlaps_month(month) and a.window_code in window_codes]
    by_window: dict[str, list[Assignment]] = defaultdict(list)
    for a in month_assignments:
        by_window[a.window_code].append(a)

    window_raw, person_raw, chief_by_day = _priced_groups(month, lines, standards)
    people_ids = sorted({a.person_id for a in month_assignments} | set(person_raw))
    day_warnings: dict[str, set[str]] = defaultdict(set)
    scores, capped, shares = _person_scores(
        month, people_ids, person_raw, chief_by_day, ChiefIndex(assignments), standards, day_warnings
    )

    window_std = standards.for_month(WINDOW, month)
    scored_categories = window_std.scored_categories()
    partial: dict[str, dict] = {}
    for w in scored_windows:
        mine = by_window.get(w.code, ())
        chiefs = sorted({a.person_id for a in mine if a.role == CHIEF})
        staff = sorted({a.person_id for a in mine if a.role == WINDOW_STAFF})
        warnings: list[str] = []
        chief_component = _base_component([scores[p] for p in chiefs]) if chiefs else ZERO
        if not chiefs:
            warnings.append(WARN_NO_CHIEF)
        if staff:
            staff_component = _base_component([scores[p] for p in staff])
        else:
            staff_component = chief_component
            warnings.append(WARN_NO_STAFF)
        warnings.extend(sorted(day_warnings.get(w.code, ())))
        base = chief_component + staff_component
        categories = {"1": base}
        raw = window_raw.get(w.code, {})
        for cat in scored_categories:
            categories[cat.code] = _category_score(cat.points, raw.get(cat.code, 0))
        partial[w.code] = dict(
            window=w,
            chief_component=chief_component,
            staff_component=staff_component,
            categories=categories,
            total=min(HUNDRED, base + sum(categories[cat.code] for cat in scored_categories)),
            warnings=tuple(warnings),
            chiefs=tuple(chiefs),
            staff=tuple(staff),
            consequences=frozenset(consequences.get(w.code, ())),
        )

    ranked = competition_ranks([(code, p["total"]) for code, p in partial.items()])
    red_flags = _red_flags(ranked, partial, settings)
    window_results = tuple(
        WindowResult(
            code=code,
            name=partial[code]["window"].name,
            department=partial[code]["window"].department,
            chief_component=partial[code]["chief_component"],
            staff_component=partial[code]["staff_component"],
            categories=partial[code]["categories"],
            total=total,
            rank=rank,
            disqualified=blocks_red_flag(partial[code]["consequences"]),
            warnings=partial[code]["warnings"],
            grade=settings.grade_for(total),
            red_flag=code in red_flags,
            chief_ids=partial[code]["chiefs"],
            staff_ids=partial[code]["staff"],
            consequences=partial[code]["consequences"],
        )
        for code, total, rank in ranked
    )

    people_results = []
    for a_window, pid, role in _person_rows(month_assignments):
        person = person_by_id.get(pid)
        people_results.append(
            PersonResult(
                person_id=pid,
                name=person.name if person else pid,
                window_code=a_window,
                role=role,
                score=_halves(scores[pid]),
                deductions=capped[pid],
                chief_share=shares.get(pid, ZERO),
            )
        )
    return MonthResult(month, window_results, tuple(people_results))


def _person_rows(month_assignments: list[Assignment]) -> list[tuple[str, str, str]]:
    """One row per person and window; a person with two roles in one window shows the weightier one."""
    weight = {role: i for i, role in enumerate(ROLES)}  # 首席代表 < 窗口工作人员 < 后台人员
    best: dict[tuple[str, str], str] = {}
    for a in month_assignments:
        key = (a.window_code, a.person_id)
        if key not in best or weight[a.role] < weight[best[key]]:
            best[key] = a.role
    return [(w, p, role) for (w, p), role in sorted(best.items())]


def _red_flags(ranked, partial: dict, settings: ScoringSettings) -> set[str]:
    """The top N eligible windows by exact total; ties at the boundary all qualify."""
    n = settings.red_flag_count
    if n <= 0:
        return set()
    eligible = [
        (code, total)
        for code, total, _ in ranked
        if not blocks_red_flag(partial[code]["consequences"]) and WARN_NO_CHIEF not in partial[code]["warnings"]
    ]
    if settings.red_flag_min_grade:
        floor = next((g.minimum for g in settings.grades if g.name == settings.red_flag_min_grade), None)
        if floor is not None:
            eligible = [(c, t) for c, t in eligible if t >= floor]
    return {code for code, total, rank in competition_ranks(eligible) if rank <= n}


__all__ = [
    "BACK_OFFICE",
    "MonthResult",
    "PersonResult",
    "WindowResult",
    "competition_ranks",
    "ChiefIndex",
    "LedgerLine",
    "ledger_lines",
    "score_ledger",
    "score_month",
]
