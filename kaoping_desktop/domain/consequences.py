"""What a clause does beyond its points (a clause's `consequence`), as data.

A new consequence is one entry here (and its label); scoring, results and
reports read the registry instead of naming a clause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from .calendar import month_of
from .records import record
from .standards import DISQUALIFY_YEAR, StandardSet


@record
class Consequence:
    code: str
    label: str  # the standard's wording
    mark: str  # what a results table shows on the window
    through_year_end: bool  # from the incident's month to December of that year
    blocks_red_flag: bool  # the window cannot be a monthly 红旗窗口
    blocks_annual_award: bool  # …nor a 年度先进窗口


REGISTRY: Mapping[str, Consequence] = {
    DISQUALIFY_YEAR: Consequence(
        code=DISQUALIFY_YEAR,
        label="取消本年度各项评先选优资格",
        mark="取消评优",
        through_year_end=True,
        blocks_red_flag=True,
        blocks_annual_award=True,
    ),
}

CONSEQUENCE_LABELS = {code: c.label for code, c in REGISTRY.items()}


def consequence_clauses(standards: StandardSet) -> set[str]:
    """Clause codes that carry a known consequence in any version (what the store must fetch)."""
    return {c.code for s in standards.versions for c in s.clauses if c.consequence in REGISTRY}


def window_consequences(
    month: str,
    hits: Iterable[tuple[str, date, str]],
    standards: StandardSet,
    first_month: str | None = None,
) -> dict[str, frozenset[str]]:
    """Consequences in force for each window in `month`.

    hits: (window code, incident date, clause code) of non-voided incidents whose
    clause may carry a consequence, from January of the month's year through the
    month. Incidents before the first evaluated month have no effect.
    """
    found: dict[str, set[str]] = {}
    for window_code, day, clause_code in hits:
        hit_month = month_of(day)
        if hit_month[:4] != month[:4] or hit_month > month:
            continue
        if first_month is not None and hit_month < first_month:
            continue
        located = standards.find_clause(clause_code, hit_month)
        code = located[1].consequence if located else None
        consequence = REGISTRY.get(code) if code else None
        if consequence is None:
            continue
        if hit_month == month or consequence.through_year_end:
            found.setdefault(window_code, set()).add(code)
    return {w: frozenset(codes) for w, codes in found.items()}


def blocks_red_flag(codes: Iterable[str]) -> bool:
    return any(REGISTRY[c].blocks_red_flag for c in codes if c in REGISTRY)


def blocks_annual_award(codes: Iterable[str]) -> bool:
    return any(REGISTRY[c].blocks_annual_award for c in codes if c in REGISTRY)


def marks(codes: Iterable[str]) -> list[str]:
    """Short marks for tables and sheets, in registry order."""
    codes = set(codes)
    return [c.mark for code, c in REGISTRY.items() if code in codes]
