"""Reading and writing what makes the file tamper-evident: the audit chain, the closed
months' snapshot hashes and the register of printed documents (schema version 2).

Raw cursor reads for the whole-log walk of `check` (one tuple a row, no model objects);
bound parameters only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..domain.evidence_chain import AuditRecord
from .audit_chain import AUDIT_COLUMNS as _AUDIT_COLUMNS
from .audit_chain import append_audit, audit_records  # noqa: F401 (re-exported)
from .models import IssuedDocument, ScoringMonth, database, now
from .reads import StoredMonth, stored_month, stored_months, unsealed_months  # noqa: F401 (re-exported)


# --- closed months --------------------------------------------------------------------


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
