"""The year (年度) as scoring.md "The year" describes it: closed months only.

Annual scores are exact means of monthly results; eligibility, ranking and the
awards are decided here and nowhere else.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping

from .consequences import blocks_annual_award
from .records import record
from .scoring import MonthResult, competition_ranks


@record
class AnnualWindow:
    code: str
    name: str
    department: str
    totals: dict[str, Fraction]  # closed month -> exact total, months the window was scored
    mean: Fraction
    red_flag_months: tuple[str, ...]
    disqualified: bool  # some closed month of the year marks it 取消评优
    eligible: bool
    rank: int | None  # among eligible windows only
    award: bool  # 年度先进窗口

    @property
    def months(self) -> int:
        return len(self.totals)


@record
class AnnualPerson:
    id: str
    name: str
    scores: dict[str, Fraction]  # closed month -> exact score
    mean: Fraction
    window_code: str = ""  # the window of the person's latest closed month

    @property
    def months(self) -> int:
        return len(self.scores)


@record
class YearResult:
    year: int
    months: tuple[str, ...]  # the closed (and evaluated) months used
    windows: tuple[AnnualWindow, ...]  # eligible by rank then code, then ineligible by code
    people: tuple[AnnualPerson, ...]  # by id


def score_year(year: int, closed_results: Mapping[str, MonthResult], awards: int) -> YearResult:
    """closed_results: the year's closed months (month -> official result); others are ignored."""
    prefix = f"{int(year):04d}-"
    months = sorted(m for m, r in closed_results.items() if m.startswith(prefix) and r.closed and r.evaluated)
    windows: dict[str, dict] = {}
    people: dict[str, dict] = {}
    for month in months:
        result = closed_results[month]
        for w in result.windows:
            entry = windows.setdefault(w.code, {"totals": {}, "red": [], "dq": False})
            entry["name"], entry["department"] = w.name, w.department  # the latest month's wins
            entry["totals"][month] = w.total
            if w.red_flag:
                entry["red"].append(month)
            if w.disqualified or blocks_annual_award(w.consequences):
                entry["dq"] = True
        for p in result.people:
            entry = people.setdefault(p.person_id, {"scores": {}})
            entry["name"], entry["window"] = p.name, p.window_code
            entry["scores"][month] = p.score  # one score a month, whatever the number of windows

    needed = -(-len(months) // 2)  # at least half of the closed months, rounded up
    eligible = {code for code, e in windows.items() if not e["dq"] and len(e["totals"]) >= needed}
    means = {code: sum(e["totals"].values(), Fraction(0)) / len(e["totals"]) for code, e in windows.items()}
    ranks = {code: rank for code, _, rank in competition_ranks([(c, means[c]) for c in sorted(eligible)])}

    def row(code: str) -> AnnualWindow:
        e = windows[code]
        rank = ranks.get(code)
        return AnnualWindow(
            code=code,
            name=e["name"],
            department=e["department"],
            totals=dict(e["totals"]),
            mean=means[code],
            red_flag_months=tuple(e["red"]),
            disqualified=e["dq"],
            eligible=code in eligible,
            rank=rank,
            award=rank is not None and awards > 0 and rank <= awards,
        )

    ordered = sorted(eligible, key=lambda c: (ranks[c], c)) + sorted(set(windows) - eligible)
    return YearResult(
        year=int(year),
        months=tuple(months),
        windows=tuple(row(c) for c in ordered),
        people=tuple(
            AnnualPerson(
                pid, e["name"], dict(e["scores"]), sum(e["scores"].values(), Fraction(0)) / len(e["scores"]), e["window"]
            )
            for pid, e in sorted(people.items())
        ),
    )
