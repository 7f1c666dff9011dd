"""Copying the database file to a USB drive and back, without ever losing a month.

Backups use SQLite's online backup API (a consistent copy even while the file
is open), are checked after writing, and a restore first keeps the current
file aside so that a wrong restore can itself be undone.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Callable

from .store.database import DatabaseError, check_backup, read_only_uri

BACKUP_PREFIX = "kaoping-backup-"


def _timestamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def backup_file(source: Path, dest_dir: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write a checked copy of the database at `source` into `dest_dir`."""
    source, dest_dir = Path(source), Path(dest_dir)
    src = sqlite3.connect(read_only_uri(source), uri=True)
    try:
        return _backup_connection(src, dest_dir, progress)
    finally:
        src.close()


def backup_to(db, dest_dir: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Back up the open peewee database."""
    return backup_file(Path(db.database), dest_dir, progress)


class BackupFailed(DatabaseError):
    """The backup could not be written; nothing half-written was left behind."""


def _reason(exc: BaseException, dest_dir: Path) -> str:
    """What went wrong with the destination, in words the clerk can act on."""
    code = getattr(exc, "sqlite_errorcode", None)
    code = code & 0xFF if code is not None else None
    err = getattr(exc, "errno", None)
    if code == sqlite3.SQLITE_FULL or err == errno.ENOSPC:
        return f"“{dest_dir}”空间不足，备份没有完成。请删除U盘上不需要的文件或换一个U盘后重试。"
    if code == sqlite3.SQLITE_READONLY or err in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"“{dest_dir}”不能写入（U盘只读、写保护开关打开或没有权限），备份没有完成。"
    if code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN) or err in (errno.EIO, errno.ENOENT, errno.ENODEV):
        return f"写入“{dest_dir}”时出错（U盘可能已拔出），备份没有完成。请重新插入U盘后重试。"
    return f"备份到“{dest_dir}”没有完成：{exc}"


def _remove_partial(partial: Path) -> None:
    for leftover in (partial, partial.with_name(partial.name + "-journal")):
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass  # the stick is gone: nothing more can be cleaned


def _sync_folder(folder: Path) -> None:
    """Make the new name durable too (POSIX; Windows has no directory handles to sync)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _backup_connection(src: sqlite3.Connection, dest_dir: Path, progress) -> Path:
    dest_dir = Path(dest_dir)
    if dest_dir.exists() and not dest_dir.is_dir():
        raise BackupFailed(f"“{dest_dir}”是一个文件，不是文件夹。请选择U盘上的一个文件夹。")
    if not dest_dir.is_dir():
        raise FileNotFoundError(f"备份目录不存在：{dest_dir}（请插入U盘或选择已有目录）")
    final = dest_dir / f"{BACKUP_PREFIX}{_timestamp()}.db"
    n = 1
    while final.exists():
        n += 1
        final = dest_dir / f"{BACKUP_PREFIX}{_timestamp()}-{n}.db"
    partial = final.with_suffix(".db.part")
    try:
        # Create the file ourselves first: a read-only or vanished stick then says which
        # (errno), where SQLite would only say "unable to open database file".
        open(partial, "xb").close()
        dst = sqlite3.connect(partial)
        try:
            def _report(status, remaining, total):
                if progress:
                    progress(total - remaining, total)

            src.backup(dst, pages=64, progress=_report)
            dst.execute("PRAGMA user_version")  # touch: make sure the copy is readable
        finally:
            dst.close()
        check_backup(partial)  # the whole copy, schema and every page: no backup that only looks valid
        with open(partial, "rb+") as fh:  # flush to the USB stick before we say it is done
            os.fsync(fh.fileno())
        os.replace(partial, final)
        _sync_folder(dest_dir)
    except DatabaseError:
        _remove_partial(partial)
        raise
    except (OSError, sqlite3.Error) as exc:
        _remove_partial(partial)
        raise BackupFailed(_reason(exc, dest_dir)) from exc
    return final


def restore(backup: Path, target: Path) -> Path | None:
    """Replace `target` with a checked copy of `backup`; returns where the old file was kept."""
    backup, target = Path(backup), Path(target)
    if not backup.is_file():
        raise FileNotFoundError(f"备份文件不存在：{backup}")
    check_backup(backup)  # refuses empty, foreign, incomplete, damaged files and newer versions
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = None
    if target.exists() and target.stat().st_size:
        kept = target.with_name(f"{target.name}.before-restore-{_timestamp()}")
        shutil.copy2(target, kept)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".restoring")
    os.close(fd)
    try:
        shutil.copyfile(backup, tmp)
        check_backup(Path(tmp))
        os.replace(tmp, target)
    except Exception:
        Path(tmp).unlink(missing_ok=True)
        raise
    return kept


__all__ = ["BackupFailed", "backup_file", "backup_to", "restore", "DatabaseError"]
