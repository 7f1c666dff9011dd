"""A month's results, live or as closed: what `results --month` and the results tab read.

Reads go through store/reads.py only, so a reading command scores without loading the
model layer (see store/connection.py).
"""

from __future__ import annotations

import json

from ..domain.calendar import parse_month
from ..domain.consequences import consequence_clauses, window_consequences
from ..domain.results_io import from_snapshot
from ..domain.scoring import MonthResult, score_ledger
from ..domain.settings import ScoringSettings
from ..store import reads


def compute_month(month: str, settings: ScoringSettings | None = None) -> MonthResult:
    """Score a month from the live data, ignoring any stored snapshot.

    Reads only the month's incidents (summed in SQL) and the year's incidents of
    clauses that carry a consequence, so its cost does not grow with history.
    `settings`: as stored with a closed month (the tamper check recomputes with them).
    """
    settings = settings or reads.scoring_settings()
    if not settings.evaluates(month):
        return MonthResult(month, (), (), evaluated=False)
    standards = reads.load_standard_set()
    windows, people, assignments = reads.load_roster()
    hits = reads.consequence_hits(month, consequence_clauses(standards))
    return score_ledger(
        month,
        windows,
        people,
        assignments,
        reads.month_ledger_lines(month),
        window_consequences(month, hits, standards, settings.first_month),
        standards,
        settings,
    )


def month_results(month: str) -> MonthResult:
    """Official results of a closed month (as stored), live results otherwise."""
    month = parse_month(month)
    settings = reads.scoring_settings()
    if not settings.evaluates(month):
        return MonthResult(month, (), (), evaluated=False)
    stored = reads.stored_month(month)
    if stored is not None and stored.closed and stored.results_json:
        return from_snapshot(json.loads(stored.results_json), closed=True)
    return compute_month(month, settings)
