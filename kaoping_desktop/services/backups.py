"""Backing the open file up to a folder (a USB stick), noted in the audit log.

Apart from custody.py (restore, check, verify), so that the `backup` command loads
neither the model layer nor the tamper checks: it copies, checks the copy and appends
one row to the log in plain SQL (store/audit_chain.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import backup
from ..store import audit_chain
from ..store.database import current_path

BACKUP_ACTION = "备份数据库"


def backup_database(dest_dir: str | Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Back up the open database into `dest_dir` (a USB stick), log it, remember when."""
    written = backup.backup_file(current_path(), Path(dest_dir), progress)
    record_backup(written)
    return written


def record_backup(path: str | Path) -> None:
    """Note a finished backup in the log (the first-day guide ticks 备份 from it)."""
    path = Path(path)
    audit_chain.audit(BACKUP_ACTION, "file", path.name, {"path": str(path)})
