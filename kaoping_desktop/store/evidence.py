"""Reading and writing what makes the file tamper-evident: the audit chain, the closed
months' snapshot hashes and the register of printed documents (schema version 2).

Raw cursor reads for the whole-log walk of `check` (one tuple a row, no model objects);
bound parameters only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from ..domain.evidence_chain import AuditRecord, row_hash, unchained_digest
from .models import AuditLog, IssuedDocument, ScoringMonth, database, now
from .reads import StoredMonth, stored_month, unsealed_months  # noqa: F401 (re-exported)

_AUDIT_COLUMNS = "id, at, actor, action, entity, entity_id, detail, prev_hash, hash"


def audit_records(after_id: int = 0) -> Iterator[AuditRecord]:
    """Every audit row in id order, texts exactly as stored."""
    cursor = database.execute_sql(f"SELECT {_AUDIT_COLUMNS} FROM audit_log WHERE id > ? ORDER BY id", (after_id,))
    for row in cursor:
        yield AuditRecord(*(v if v is not None else "" for v in row))


def _chain_head() -> tuple[int, str]:
    """(last id, the hash the next row must follow)."""
    last = database.execute_sql("SELECT max(id) FROM audit_log").fetchone()[0] or 0
    chained = database.execute_sql(
        "SELECT hash FROM audit_log WHERE hash != '' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if chained is not None:
        return last, chained[0]
    return last, unchained_digest(audit_records())  # the first chained row seals the old log


def append_audit(at: str, actor: str, action: str, entity: str, entity_id: str, detail: str) -> AuditRecord:
    """Append one chained row (inside the caller's transaction, or in one of its own)."""

    def write() -> AuditRecord:
        last_id, prev = _chain_head()
        record = AuditRecord(last_id + 1, at, actor, action, entity, entity_id, detail, prev)
        digest = row_hash(record.content(), prev)
        AuditLog.insert(
            id=record.id,
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            prev_hash=prev,
            hash=digest,
        ).execute()
        return record

    if database.in_transaction():
        return write()
    with database.atomic("IMMEDIATE"):  # the head read and the append under one write lock
        return write()


# --- closed months --------------------------------------------------------------------


def stored_months() -> list[StoredMonth]:
    cursor = database.execute_sql(
        "SELECT month, closed, results_json, snapshot_hash FROM scoring_month ORDER BY month"
    )
    return [StoredMonth(m, bool(c), r, h or "") for m, c, r, h in cursor]


def set_snapshot_hash(month: str, digest: str) -> None:
    """Seal a closed month (call inside `repository.transaction`)."""
    ScoringMonth.update(snapshot_hash=digest).where(ScoringMonth.month == month).execute()


def audit_rows_about(actions: Iterable[str]) -> list[AuditRecord]:
    """The rows of these actions, in id order (closing, sealing, reopening months)."""
    actions = list(actions)
    marks = ",".join("?" for _ in actions)
    cursor = database.execute_sql(
        f"SELECT {_AUDIT_COLUMNS} FROM audit_log WHERE action IN ({marks}) ORDER BY id", actions
    )
    return [AuditRecord(*(v if v is not None else "" for v in row)) for row in cursor]


# --- printed documents ----------------------------------------------------------------


@dataclass(frozen=True)
class IssuedRow:
    code: str
    document: str
    period: str
    window_code: str
    content_hash: str
    issued_at: str


def register_documents(rows: Iterable[tuple[str, str, str, str, str]]) -> None:
    """Remember (code, document, period, window_code, content_hash) of documents written;
    a code already known keeps its first issue time."""
    at = now().isoformat(sep=" ", timespec="seconds")
    data = [
        {"code": c, "document": d, "period": p, "window_code": w, "content_hash": h, "issued_at": at}
        for c, d, p, w, h in rows
    ]
    for start in range(0, len(data), 200):  # inside the caller's transaction
        IssuedDocument.insert_many(data[start : start + 200]).on_conflict_ignore().execute()


def issued(code: str) -> IssuedRow | None:
    row = database.execute_sql(
        "SELECT code, document, period, window_code, content_hash, issued_at FROM issued_document WHERE code = ?",
        (code,),
    ).fetchone()
    return IssuedRow(*row) if row else None


__all__ = [
    "IssuedRow",
    "StoredMonth",
    "append_audit",
    "audit_records",
    "audit_rows_about",
    "issued",
    "register_documents",
    "set_snapshot_hash",
    "stored_month",
    "unsealed_months",
    "stored_months",
]
