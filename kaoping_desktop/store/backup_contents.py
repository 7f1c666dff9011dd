"""What a database file holds, read before it is restored: when it was last used, the
closed months, the last incident, how many windows, people and incidents, its version.

Raw sqlite3 on a read-only connection (`read_only_uri`), bound parameters only, and
only tables and columns every schema version has (migration 1), so a backup written
by an older version of the program is described as well. Whether the file is usable
at all is `database.check_backup`'s question; this only reads.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .database import DatabaseError, read_only_uri


@dataclass(frozen=True)
class BackupContents:
    path: Path
    size_bytes: int
    file_modified: datetime  # the file's modification time (when the copy was written)
    last_change: datetime | None  # the newest audit_log.at of a change (not a backup or export)
    last_change_id: int  # that row's id: orders two files of one history within a second
    schema_version: int
    closed_months: tuple[str, ...]  # "YYYY-MM", oldest first
    last_incident_date: date | None  # of the incidents not voided
    windows: int
    people: int
    incidents: int  # not voided
    voided_incidents: int


def _one(conn: sqlite3.Connection, sql: str, params: tuple = ()):
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def _datetime(text) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def _date(text) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def read_contents(path: str | Path, not_changes: tuple[str, ...] = ()) -> BackupContents:
    """Describe the database file at `path` (read-only; raises DatabaseError if unreadable).
    `not_changes`: audit actions that change no data (backups, exports), skipped when
    looking for the last change."""
    path = Path(path)
    stat = path.stat()
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            version = _one(conn, "PRAGMA user_version") or 0
            closed = tuple(
                month
                for (month,) in conn.execute(
                    "SELECT month FROM scoring_month WHERE closed = ? ORDER BY month", (1,)
                )
            )
            last_incident = _one(conn, "SELECT max(date) FROM incident WHERE voided = ?", (0,))
            incidents = _one(conn, "SELECT count(*) FROM incident WHERE voided = ?", (0,))
            voided = _one(conn, "SELECT count(*) FROM incident WHERE voided != ?", (0,))
            windows = _one(conn, "SELECT count(*) FROM service_window")
            people = _one(conn, "SELECT count(*) FROM person")
            # Newest first by rowid: a few rows back at most (backups and exports are rare).
            marks = ", ".join("?" for _ in not_changes)
            where = f"WHERE action NOT IN ({marks})" if not_changes else ""
            last = conn.execute(
                f"SELECT id, at FROM audit_log {where} ORDER BY id DESC LIMIT 1", tuple(not_changes)
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"无法读取 {path.name}：{exc}") from exc
    return BackupContents(
        path=path,
        size_bytes=stat.st_size,
        file_modified=datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0),
        last_change=_datetime(last[1]) if last else None,
        last_change_id=int(last[0]) if last else 0,
        schema_version=int(version),
        closed_months=closed,
        last_incident_date=_date(last_incident),
        windows=int(windows or 0),
        people=int(people or 0),
        incidents=int(incidents or 0),
        voided_incidents=int(voided or 0),
    )


__all__ = ["BackupContents", "read_contents"]
