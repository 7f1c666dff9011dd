"""Monthly scoring exactly as ../shared/spec/scoring.md describes it.

Everything here is exact (Fraction). Rounding happens only when results are
shown or exported (see numbers.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable

from .calendar import month_bounds
from .incidents import Incident
from .roster import BACK_OFFICE, CHIEF, ROLES, WINDOW_STAFF, Assignment, Person, Window, chief_on
from .settings import ScoringSettings
from .standards import DISQUALIFY_YEAR, STAFF, WINDOW, StandardSet

HUNDRED = Fraction(100)
BASE_SHARE = Fraction(10, 100)  # each base component is the mean score × 10 / 100

WARN_NO_STAFF = "无窗口工作人员"
WARN_NO_CHIEF = "缺少首席代表"
WARN_TWO_CHIEFS = "同日有多名首席代表"
WARN_NO_CHIEF_ON_DAY = "扣分当日无首席代表"


@dataclass(frozen=True)
class PersonResult:
    person_id: str
    name: str
    window_code: str
    role: str
    score: Fraction
    deductions: dict[str, Fraction] = field(default_factory=dict)  # staff category -> capped deduction
    chief_share: Fraction = Fraction(0)


@dataclass(frozen=True)
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

    @property
    def base(self) -> Fraction:
        return self.categories["1"]


@dataclass(frozen=True)
class MonthResult:
    month: str
    windows: tuple[WindowResult, ...]
    people: tuple[PersonResult, ...]
    closed: bool = False

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


def _person_scores(
    month: str,
    people_ids: Iterable[str],
    assignments: list[Assignment],
    incidents: list[Incident],
    standards: StandardSet,
    day_warnings: dict[str, set[str]],
) -> tuple[dict[str, Fraction], dict[str, dict[str, Fraction]], dict[str, Fraction]]:
    staff_std = standards.for_month(STAFF, month)
    window_std = standards.for_month(WINDOW, month)
    raw: dict[str, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    shares: dict[str, Fraction] = defaultdict(Fraction)
    for inc in incidents:
        clause = staff_std.clause(inc.clause_code)
        if clause is not None:
            variant = clause.variant(inc.variant)
            if variant is None or inc.person_id is None:
                raise ValueError(f"扣分记录无法计分：条款 {inc.clause_code} 情形“{inc.variant}”")
            raw[inc.person_id][clause.category_code] += inc.count * variant.person_points
            continue
        clause = window_std.clause(inc.clause_code)
        if clause is None or clause.is_computed:
            raise ValueError(f"扣分记录引用了不存在的条款：{inc.clause_code}")
        variant = clause.variant(inc.variant)
        if variant is None:
            raise ValueError(f"条款 {inc.clause_code} 没有情形“{inc.variant}”")
        chiefs = chief_on(assignments, inc.window_code, inc.date)
        if not chiefs:
            day_warnings[inc.window_code].add(WARN_NO_CHIEF_ON_DAY)
        elif len(chiefs) > 1:
            day_warnings[inc.window_code].add(WARN_TWO_CHIEFS)
        for chief in chiefs:
            shares[chief] += inc.count * variant.chief_points

    scores: dict[str, Fraction] = {}
    capped: dict[str, dict[str, Fraction]] = {}
    for pid in people_ids:
        per_cat = {
            cat.code: min(cat.points, raw[pid].get(cat.code, Fraction(0))) for cat in staff_std.scored_categories()
        }
        capped[pid] = per_cat
        scores[pid] = max(Fraction(0), HUNDRED - sum(per_cat.values(), Fraction(0)) - shares.get(pid, Fraction(0)))
    return scores, capped, dict(shares)


def _mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


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


def disqualified_windows(month: str, incidents: Iterable[Incident], standards: StandardSet) -> set[str]:
    """Windows with a 取消评优 incident (clause 6.4) earlier in the same year, this month included."""
    year = month[:4]
    out = set()
    for inc in incidents:
        if inc.voided or inc.month[:4] != year or inc.month > month:
            continue
        found = standards.find_clause(inc.clause_code, inc.month)
        if found and found[1].consequence == DISQUALIFY_YEAR:
            out.add(inc.window_code)
    return out


def score_month(
    month: str,
    windows: Iterable[Window],
    people: Iterable[Person],
    assignments: Iterable[Assignment],
    incidents: Iterable[Incident],
    standards: StandardSet,
    settings: ScoringSettings = ScoringSettings(),
) -> MonthResult:
    """Score every window in service in `month` and every person assigned in it.

    `incidents` may hold other months of the same year too: they are needed for
    the 取消评优 consequence and are otherwise ignored.
    """
    first, last = month_bounds(month)
    all_incidents = [i for i in incidents if not i.voided]
    month_incidents = [i for i in all_incidents if first <= i.date <= last]
    assignments = list(assignments)
    person_by_id = {p.id: p for p in people}
    scored_windows = sorted((w for w in windows if w.in_service(month)), key=lambda w: w.code)
    window_codes = {w.code for w in scored_windows}
    month_assignments = [a for a in assignments if a.overlaps_month(month) and a.window_code in window_codes]

    people_ids = sorted({a.person_id for a in month_assignments} | {i.person_id for i in month_incidents if i.person_id})
    day_warnings: dict[str, set[str]] = defaultdict(set)
    scores, capped, shares = _person_scores(month, people_ids, assignments, month_incidents, standards, day_warnings)

    window_std = standards.for_month(WINDOW, month)
    raw_window: dict[str, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for inc in month_incidents:
        clause = window_std.clause(inc.clause_code)
        if clause is None:
            continue  # a staff-standard incident
        raw_window[inc.window_code][clause.category_code] += inc.count * clause.variant(inc.variant).window_points

    disqualified = disqualified_windows(month, all_incidents, standards)
    partial: list[dict] = []
    for w in scored_windows:
        mine = [a for a in month_assignments if a.window_code == w.code]
        chiefs = sorted({a.person_id for a in mine if a.role == CHIEF})
        staff = sorted({a.person_id for a in mine if a.role == WINDOW_STAFF})
        warnings: list[str] = []
        chief_component = _mean([scores[p] for p in chiefs]) * BASE_SHARE if chiefs else Fraction(0)
        if not chiefs:
            warnings.append(WARN_NO_CHIEF)
        if staff:
            staff_component = _mean([scores[p] for p in staff]) * BASE_SHARE
        else:
            staff_component = chief_component
            warnings.append(WARN_NO_STAFF)
        warnings.extend(sorted(day_warnings.get(w.code, ())))
        categories = {"1": chief_component + staff_component}
        for cat in window_std.scored_categories():
            deducted = raw_window[w.code].get(cat.code, Fraction(0))
            categories[cat.code] = max(Fraction(0), cat.points - deducted)
        total = min(HUNDRED, sum(categories.values(), Fraction(0)))
        partial.append(
            dict(
                window=w,
                chief_component=chief_component,
                staff_component=staff_component,
                categories=categories,
                total=total,
                warnings=tuple(warnings),
                chiefs=tuple(chiefs),
                staff=tuple(staff),
            )
        )

    by_code = {p["window"].code: p for p in partial}
    ranked = competition_ranks([(code, p["total"]) for code, p in by_code.items()])
    red_flags = _red_flags(ranked, disqualified, by_code, settings)
    window_results = tuple(
        WindowResult(
            code=code,
            name=by_code[code]["window"].name,
            department=by_code[code]["window"].department,
            chief_component=by_code[code]["chief_component"],
            staff_component=by_code[code]["staff_component"],
            categories=by_code[code]["categories"],
            total=total,
            rank=rank,
            disqualified=code in disqualified,
            warnings=by_code[code]["warnings"],
            grade=settings.grade_for(total),
            red_flag=code in red_flags,
            chief_ids=by_code[code]["chiefs"],
            staff_ids=by_code[code]["staff"],
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
                score=scores[pid],
                deductions=capped[pid],
                chief_share=shares.get(pid, Fraction(0)),
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


def _red_flags(ranked, disqualified: set[str], by_code: dict, settings: ScoringSettings) -> set[str]:
    """The top N eligible windows by exact total; ties at the boundary all qualify."""
    n = settings.red_flag_count
    if n <= 0:
        return set()
    eligible = [
        (code, total)
        for code, total, _ in ranked
        if code not in disqualified and WARN_NO_CHIEF not in by_code[code]["warnings"]
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
    "disqualified_windows",
    "score_month",
]
