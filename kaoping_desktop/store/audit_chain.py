"""Appending to the hash-chained audit log, in plain SQL over the registered connection
(connection.py): the window and the writing commands append through peewee's connection,
a backup through its plain one, without loading the model layer."""

from __future__ import annotations

import getpass
import json
from datetime import datetime

from ..domain.evidence_chain import AuditRecord, row_hash, unchained_digest
from .connection import execute, write_lock
from .reads import get_setting

AUDIT_COLUMNS = "id, at, actor, action, entity, entity_id, detail, prev_hash, hash"


def now() -> datetime:
    """Local time to the second: what the log and the rows' timestamps carry."""
    return datetime.now().replace(microsecond=0)


def actor() -> str:
    """Who is doing it: the operator (操作员) chosen in the program, else the OS login."""
    operator = (get_setting("operator") or "").strip()
    if operator:
        return operator
    try:
        return getpass.getuser()
    except Exception:  # no user name on some Windows setups
        return ""


def audit(action: str, entity: str = "", entity_id: str = "", detail: dict | str = "") -> None:
    """One row of the audit log, chained to the one before."""
    if not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False, default=str)
    at = now().isoformat(sep=" ", timespec="seconds")
    append_audit(at, actor(), action, entity, str(entity_id), detail)


def audit_records(after_id: int = 0):
    """Every audit row in id order, texts exactly as stored."""
    cursor = execute(f"SELECT {AUDIT_COLUMNS} FROM audit_log WHERE id > ? ORDER BY id", (after_id,))
    for row in cursor:
        yield AuditRecord(*(v if v is not None else "" for v in row))


def _chain_head() -> tuple[int, str]:
    """(last id, the hash the next row must follow)."""
    last = execute("SELECT max(id) FROM audit_log").fetchone()[0] or 0
    chained = execute("SELECT hash FROM audit_log WHERE hash != '' ORDER BY id DESC LIMIT 1").fetchone()
    if chained is not None:
        return last, chained[0]
    return last, unchained_digest(audit_records())  # the first chained row seals the old log


def append_audit(at: str, actor: str, action: str, entity: str, entity_id: str, detail: str) -> AuditRecord:
    """Append one chained row (inside the caller's transaction, or in one of its own: the
    head read and the append under one write lock)."""
    with write_lock():
        last_id, prev = _chain_head()
        record = AuditRecord(last_id + 1, at, actor, action, entity, entity_id, detail, prev)
        execute(
            f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.id, at, actor, action, entity, entity_id, detail, prev, row_hash(record.content(), prev)),
        )
    return record
