"""Month results: live scoring, closing (锁定) and reopening."""

from __future__ import annotations

import json

from ..domain.calendar import month_bounds, parse_month
from ..domain.results_io import from_snapshot, to_snapshot
from ..domain.consequences import consequence_clauses, window_consequences
from ..domain.annual import YearResult, score_year
from ..domain.scoring import MonthResult, score_ledger
from ..domain.standards import STAFF, WINDOW
from ..store import catalogue, repository

from .errors import ClosingRefused, InputError


# --- results -----------------------------------------------------------------


def compute_month(month: str) -> MonthResult:
    """Score a month from the live data, ignoring any stored snapshot.

    Reads only the month's incidents (summed in SQL) and the year's incidents of
    clauses that carry a consequence, so its cost does not grow with history.
    """
    settings = repository.scoring_settings()
    if not settings.evaluates(month):
        return MonthResult(month, (), (), evaluated=False)
    standards = catalogue.load_standard_set()
    windows, people, assignments = repository.load_roster()
    hits = repository.consequence_hits(month, consequence_clauses(standards))
    return score_ledger(
        month,
        windows,
        people,
        assignments,
        repository.month_ledger_lines(month),
        window_consequences(month, hits, standards, settings.first_month),
        standards,
        settings,
    )


def month_results(month: str) -> MonthResult:
    """Official results of a closed month (as stored), live results otherwise."""
    month = parse_month(month)
    if not repository.scoring_settings().evaluates(month):
        return MonthResult(month, (), (), evaluated=False)
    row = repository.month_row(month)
    if row is not None and row.closed and row.results_json:
        return from_snapshot(json.loads(row.results_json), closed=True)
    return compute_month(month)


def month_verification_code(month: str, result: MonthResult | None = None) -> str:
    """The code printed on the month's sheets (the results tab passes the result it has).
    Here, not in exports, so the window gets it without loading reportlab and openpyxl."""
    from ..reports.verification import verification_code

    month = parse_month(month)
    return verification_code(result or month_results(month), month_incidents(month))


def month_incidents(month: str):
    """The month's non-voided incidents, as stored (what the sheets list and the code covers)."""
    first, last = month_bounds(month)
    return repository.load_incidents(first, last, include_voided=False)


def year_results(year: int | str) -> YearResult:
    """The year from its closed months (scoring.md "The year"); open months never count."""
    try:
        year = int(str(year).strip())
    except ValueError:
        raise InputError(f"年份格式不正确：“{year}”，应为四位数字，例如 2026") from None
    if not 2000 <= year <= 2099:
        raise InputError(f"年份超出范围：{year}")
    settings = repository.scoring_settings()
    months = sorted(m for m in repository.closed_months() if m.startswith(f"{year:04d}-") and settings.evaluates(m))
    return score_year(year, {m: month_results(m) for m in months}, settings.annual_awards)


def close_month(month: str) -> MonthResult:
    month = parse_month(month)
    with repository.transaction(month):
        if repository.is_closed(month):
            raise ClosingRefused(f"{month} 已经锁定")
        result = compute_month(month)
        if not result.evaluated:
            first = repository.scoring_settings().first_month
            raise ClosingRefused(f"{month} 早于开始考评月份 {first}，未纳入考评，无需锁定")
        if not result.windows:
            raise ClosingRefused(f"{month} 没有在岗窗口，无需锁定")
        if result.blocking_warnings:
            raise ClosingRefused(f"{month} 不能锁定：" + "；".join(result.blocking_warnings))
        repository.store_closed_month(
            month, to_snapshot(result), catalogue.version_row(WINDOW, month), catalogue.version_row(STAFF, month)
        )
        repository.audit("锁定月份", "month", month, {"windows": len(result.windows), "people": len(result.people)})
    return MonthResult(result.month, result.windows, result.people, closed=True)


def reopen_month(month: str, reason: str) -> None:
    month = parse_month(month)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("重新开放月份必须填写理由")
    with repository.transaction(month):
        if not repository.is_closed(month):
            raise InputError(f"{month} 没有锁定，无需重新开放")
        previous = repository.reopen_closed_month(month, reason)
        # The official results as they were stay in the audit log.
        repository.audit("重新开放月份", "month", month, {"reason": reason, "previous_results": previous})


def month_status(month: str) -> dict:
    row = repository.month_row(parse_month(month))
    if row is None:
        return {"closed": False}
    return {
        "closed": bool(row.closed),
        "closed_by": row.closed_by,
        "closed_at": row.closed_at,
        "reopened_at": row.reopened_at,
        "reopen_reason": row.reopen_reason,
    }

