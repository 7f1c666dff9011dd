"""Month results: live scoring, closing (锁定) and reopening."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..domain.calendar import month_bounds, parse_month
from ..domain.evidence_chain import MonthHash, month_hash
from ..domain.results_io import closing_snapshot
from ..domain.scoring import MonthResult
from ..domain.standards import STAFF, WINDOW
from ..store import catalogue, repository
from .results import compute_month, month_results  # noqa: F401 (re-exported: the reading part)

if TYPE_CHECKING:
    from ..domain.annual import YearResult

from .errors import ClosingRefused, InputError


def _stored_snapshot(row) -> dict | None:
    """A closed month's snapshot as stored (results, labels as printed, settings), or None."""
    if row is None or not row.closed or not row.results_json:
        return None
    return json.loads(row.results_json)


def month_labels(month: str) -> dict:
    """The clause texts and evidence names a closed month was printed with ({} when open)."""
    snapshot = _stored_snapshot(repository.month_row(parse_month(month)))
    return (snapshot or {}).get("labels", {})


def live_snapshot(result: MonthResult) -> dict:
    """What closing the month now would store: the results and the labels its sheets print."""
    standards = catalogue.load_standard_set()
    evidence = {e.code: e.name for e in catalogue.load_evidence()}
    from ..domain.incident_rows import printed_labels  # (not needed to score: loaded when used)

    uses = repository.month_label_uses(result.month)  # what is printed, not 10,000 rows of it
    labels = printed_labels(uses, result.month, standards, evidence)
    return closing_snapshot(result, labels, repository.scoring_settings().scoring_part())


def month_content_hash(month: str, result: MonthResult | None = None) -> str:
    """The hash behind every code printed for the month: a closed month's sealed hash (as
    written into the audit chain when it was closed), else the live data's."""
    month = parse_month(month)
    row = repository.month_row(month)
    if row is not None and row.closed and row.snapshot_hash:
        return row.snapshot_hash
    # The incidents as the hash covers them, straight from SQL (as `check` reads them).
    snapshot = _stored_snapshot(row) or live_snapshot(result or month_results(month))
    return month_hash(snapshot, repository.month_identities(month)).combined


def month_verification_code(month: str, result: MonthResult | None = None) -> str:
    """The code of the month's summary sheet, which the results tab shows beside the figures
    (the tab passes the result it has). Here, not in exports, so the window gets it
    without loading reportlab and openpyxl."""
    from ..domain.evidence_chain import SUMMARY, document_code

    month = parse_month(month)
    return document_code(month_content_hash(month, result), SUMMARY, month)


def month_incidents(month: str):
    """The month's non-voided incidents, as stored (what the sheets list and the code covers)."""
    first, last = month_bounds(month)
    return repository.load_incidents(first, last, include_voided=False)


def year_results(year: int | str) -> "YearResult":
    """The year from its closed months (scoring.md "The year"); open months never count."""
    try:
        year = int(str(year).strip())
    except ValueError:
        raise InputError(f"年份格式不正确：“{year}”，应为四位数字，例如 2026") from None
    if not 2000 <= year <= 2099:
        raise InputError(f"年份超出范围：{year}")
    settings = repository.scoring_settings()
    months = sorted(m for m in repository.closed_months() if m.startswith(f"{year:04d}-") and settings.evaluates(m))
    from ..domain.annual import score_year  # (not needed for a month: loaded when used)

    return score_year(year, {m: month_results(m) for m in months}, settings.annual_awards)


def _auto_backup(reason: str) -> None:
    """The file as it was, kept in the automatic backup folder before a month changes state."""
    from .. import backup
    from ..store.database import current_path

    backup.auto_backup(current_path(), reason)


def close_month(month: str, keep_copy: bool = True) -> MonthResult:
    """Close (锁定) the month: its results, labels and hash are stored and chained.
    keep_copy=False only for generating test centers (no automatic backup first)."""
    month = parse_month(month)
    if repository.is_closed(month):
        raise ClosingRefused(f"{month} 已经锁定")
    from ..backup import BEFORE_CLOSE

    if keep_copy:
        _auto_backup(BEFORE_CLOSE)
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
        snapshot = live_snapshot(result)
        hashes = month_hash(snapshot, repository.month_identities(month))
        repository.store_closed_month(
            month,
            snapshot,
            catalogue.version_row(WINDOW, month),
            catalogue.version_row(STAFF, month),
            hashes.combined,
        )
        repository.audit(CLOSE_ACTION, "month", month, seal_detail(result, hashes))
    return MonthResult(result.month, result.windows, result.people, closed=True)


CLOSE_ACTION = "锁定月份"
SEAL_ACTION = "封存已锁定月份"  # a month closed before the chain existed, sealed on upgrade
REOPEN_ACTION = "重新开放月份"


def seal_detail(result: MonthResult, hashes: MonthHash) -> dict:
    """The audit row that puts a closed month's hash into the chain."""
    return {
        "windows": len(result.windows),
        "people": len(result.people),
        "snapshot_hash": hashes.combined,
        "results_hash": hashes.results,
        "incidents_hash": hashes.incidents,
    }


def reopen_month(month: str, reason: str) -> None:
    month = parse_month(month)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("重新开放月份必须填写理由")
    if not repository.is_closed(month):
        raise InputError(f"{month} 没有锁定，无需重新开放")
    from ..backup import BEFORE_REOPEN

    _auto_backup(BEFORE_REOPEN)
    with repository.transaction(month):
        if not repository.is_closed(month):
            raise InputError(f"{month} 没有锁定，无需重新开放")
        previous = repository.reopen_closed_month(month, reason)
        # The official results as they were stay in the audit log.
        repository.audit(REOPEN_ACTION, "month", month, {"reason": reason, "previous_results": previous})


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

