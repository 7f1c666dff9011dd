"""What a backup holds, in Chinese, for the restore confirmation (and beside it the
database in use, so the clerk sees which is newer before replacing anything).

`describe_backup` first refuses a file that is not a complete, intact database of
ours (`UnusableFile`, with the reason in Chinese), then reads it read-only
(store/backup_contents.py). Slow on big files (a full integrity check): the window
calls it off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..store.backup_contents import BackupContents, read_contents
from ..store.database import DatabaseError, UnusableFile, check_backup, current_path, latest_version
from .audit_log import BACKUP_ACTION

NONE = "无"
# Logged operations that change no data: not "the last change" a file holds.
NOT_CHANGES = (BACKUP_ACTION, "从备份恢复", "导出评分表")


def describe_backup(path: str | Path) -> BackupContents:
    """The backup's contents; UnusableFile (Chinese reason) if it cannot be restored."""
    path = Path(path)
    check_backup(path)
    try:
        return read_contents(path, NOT_CHANGES)
    except (DatabaseError, OSError) as exc:
        raise UnusableFile(f"{path.name} 无法读取：{exc}") from exc


def describe_current() -> BackupContents | None:
    """The database in use, for comparison (None if it cannot be read just now)."""
    path = current_path()
    if path is None:
        return None
    try:
        return read_contents(path, NOT_CHANGES)
    except (DatabaseError, OSError):
        return None


@dataclass(frozen=True)
class Comparison:
    backup: BackupContents
    current: BackupContents | None
    rows: list[tuple[str, str, str]]  # (what, in the backup, in the database in use)
    warning: str  # "" or what the restore would take away


def _time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "无记录"


def _months(months: tuple[str, ...]) -> str:
    if not months:
        return NONE
    if len(months) == 1:
        return f"{months[0]}（共 1 个月）"
    return f"{months[0]} 至 {months[-1]}（共 {len(months)} 个月）"


def _incidents(c: BackupContents) -> str:
    text = f"{c.incidents} 条"
    if c.voided_incidents:
        text += f"（另有已作废 {c.voided_incidents} 条）"
    return text


def _version(c: BackupContents) -> str:
    latest = latest_version()
    if c.schema_version < latest:
        return f"{c.schema_version}（旧版本，恢复后自动升级到 {latest}）"
    return str(c.schema_version)


ROWS = (
    ("文件时间", lambda c: _time(c.file_modified)),
    ("最后一次修改", lambda c: _time(c.last_change)),
    ("已锁定月份", lambda c: _months(c.closed_months)),
    ("最后一条扣分日期", lambda c: c.last_incident_date.isoformat() if c.last_incident_date else NONE),
    ("窗口", lambda c: f"{c.windows} 个"),
    ("人员", lambda c: f"{c.people} 人"),
    ("扣分记录", _incidents),
    ("数据库版本", _version),
)


def _later(a: BackupContents, b: BackupContents) -> bool:
    """Does `a` hold changes made after `b`'s last one?"""
    if a.last_change is None:
        return False
    if b.last_change is None:
        return True
    return (a.last_change, a.last_change_id) > (b.last_change, b.last_change_id)


def compare(backup: BackupContents, current: BackupContents | None) -> Comparison:
    rows = [(label, value(backup), value(current) if current is not None else "—") for label, value in ROWS]
    warning = ""
    if current is not None:
        lost = []
        if _later(current, backup):
            lost.append(f"{_time(backup.last_change)} 之后所做的修改")
        gone = [m for m in current.closed_months if m not in backup.closed_months]
        if gone:
            lost.append(f"已锁定的 {'、'.join(gone)}")
        if lost:
            warning = "这份备份比当前数据库旧：恢复后，" + "和".join(lost) + "将不在数据库中。"
    return Comparison(backup, current, rows, warning)


def compare_with_current(path: str | Path) -> Comparison:
    """Check and describe the backup at `path` beside the database in use (UnusableFile if refused)."""
    return compare(describe_backup(path), describe_current())


__all__ = ["BackupContents", "Comparison", "UnusableFile", "compare", "compare_with_current", "describe_backup", "describe_current"]
