"""Reading the audit log (操作日志): filtered, newest first, a page at a time.

What "a month" means for a row: the row was written during that month (`at`),
or it is about that month: the month itself (锁定/重新开放, entity_id), an
incident dated in it (录入/修改/作废扣分 carry "date": "YYYY-MM-DD" in their
detail), or a file or setting naming it (a ledger import's "months", a
standard's "effective_month", a first-month change). The detail is JSON
written by `repository.audit`, so a value naming the month appears there as
"YYYY-MM" or "YYYY-MM-DD" in quotes; matching on the quoted text (bound
LIKE patterns) finds it without parsing every row, and plain-text details
(no quotes around a month) are simply not matched.

Paging is by id (keyset): the next page continues below the last row shown.
Kinds and operators for the filters come from the most recent rows only
(RECENT_ROWS), so listing them stays quick however long the log grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import SQL, fn

from ..domain.calendar import add_months, parse_month
from .models import AuditLog


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime | None
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: str


def _first_id_from(at: str) -> int | None:
    """The first row written at or after `at` (one seek in the `at` index)."""
    row = AuditLog.select(AuditLog.id).where(AuditLog.at >= at).order_by(AuditLog.at).limit(1).first()
    return row.id if row else None


def _month_condition(month: str):
    month = parse_month(month)  # YYYY-MM only: nothing the clerk types reaches a pattern unchecked
    start, end = f"{month}-01", f"{add_months(month, 1)}-01"
    about_it = (
        (AuditLog.entity_id == month)
        | (AuditLog.detail ** f'%"{month}"%')
        | (AuditLog.detail ** f'%"{month}-__"%')  # a date in the month
    )
    # Rows about a month are written in it or later; rows are appended in time order, so the
    # first id of the month bounds the scan from below (a rowid range, no full scan of older rows).
    first_id = _first_id_from(start)
    if first_id is None:
        return AuditLog.id < 0  # nothing written since the month began
    return (AuditLog.id >= first_id) & (((AuditLog.at >= start) & (AuditLog.at < end)) | about_it)


def query_audit(
    month: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    limit: int = 200,
    before_id: int | None = None,
) -> tuple[list[AuditRow], bool]:
    """Rows matching every filter given (None = any), newest first; and whether more follow.
    `before_id` is the id of the last row of the previous page: the next page starts below it."""
    query = AuditLog.select()
    if month:
        query = query.where(_month_condition(month))
    if action:
        query = query.where(AuditLog.action == action)
    if actor is not None:
        query = query.where(AuditLog.actor == actor)
    if before_id is not None:
        query = query.where(AuditLog.id < before_id)
    limit = max(1, int(limit))
    rows = list(query.order_by(AuditLog.id.desc()).limit(limit + 1))
    more = len(rows) > limit
    return [_row(r) for r in rows[:limit]], more


def _row(r: AuditLog) -> AuditRow:
    return AuditRow(r.id, r.at, r.actor or "", r.action, r.entity or "", r.entity_id or "", r.detail or "")


RECENT_ROWS = 20_000


def _recent():
    """The latest RECENT_ROWS rows (a rowid range: no scan of the whole log)."""
    newest = AuditLog.select(fn.MAX(AuditLog.id)).scalar() or 0
    return AuditLog.id > newest - RECENT_ROWS


def distinct_actions() -> list[str]:
    """The kinds of operation among the recent rows."""
    return sorted(r.action for r in AuditLog.select(AuditLog.action).where(_recent()).distinct())


def distinct_actors() -> list[str]:
    """Who wrote the recent rows, the most recent first (the likeliest operator on top)."""
    last = fn.MAX(AuditLog.id).alias("last")
    query = (
        AuditLog.select(AuditLog.actor, last)
        .where(_recent() & (AuditLog.actor != ""))
        .group_by(AuditLog.actor)
        .order_by(SQL("last").desc())
    )
    return [r.actor for r in query]


def has_recent_action(action: str) -> bool:
    """Is `action` among the recent rows (a bounded scan, even in a log of millions)?"""
    return AuditLog.select(AuditLog.id).where(_recent() & (AuditLog.action == action)).exists()


__all__ = ["RECENT_ROWS", "AuditRow", "distinct_actions", "distinct_actors", "has_recent_action", "query_audit"]
