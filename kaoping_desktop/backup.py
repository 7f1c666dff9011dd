"""Copying the database file to a USB drive and back, without ever losing a month.

Backups use SQLite's online backup API (a consistent copy even while the file
is open), are checked after writing, and a restore first keeps the current
file aside (as a backup of its own) so that a wrong restore can itself be undone.

Automatic backups, as Anki keeps them: a rolling copy in a folder beside the
database, made daily and before every close, reopen, restore and upgrade, and
thinned so that the folder stays small over ten years.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

from .domain.records import record
from .store.database import BackupFailed, DatabaseError, check_backup, read_only_uri, recover_after_crash

BACKUP_PREFIX = "kaoping-backup-"
AUTO_FOLDER = "自动备份"
AUTO_PREFIX = "自动备份-"
# Why an automatic backup was made (part of its file name, so the clerk can tell them apart).
DAILY, BEFORE_CLOSE, BEFORE_REOPEN, BEFORE_RESTORE, BEFORE_UPGRADE = "每日", "锁定前", "重新开放前", "恢复前", "升级前"
# Thinning: everything from the last two days, then the newest of each of 7 days,
# 4 weeks and 12 months (Anki's policy, plus a short "keep all" window so that the
# copy made before a restore or a close is still there tomorrow).
KEEP_ALL_HOURS = 48
KEEP_RECENT_MAX = 20  # a day of closing twelve months one by one must not fill the disk
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
_STAMP = re.compile(r"(\d{8}-\d{6})")


def _timestamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def backup_file(source: Path, dest_dir: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write a checked copy of the database at `source` into `dest_dir`."""
    source, dest_dir = Path(source), Path(dest_dir)
    return _checked_copy(source, dest_dir, BACKUP_PREFIX, progress=progress)


def backup_to(db, dest_dir: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Back up the open peewee database."""
    return backup_file(Path(db.database), dest_dir, progress)


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


def _sidecars(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database: a leftover one belongs to another file."""
    return [path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


def _remove_partial(partial: Path) -> None:
    for leftover in (partial, *_sidecars(partial)):
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


def _free_name(dest_dir: Path, prefix: str, tag: str) -> Path:
    """A new `<prefix><time>[-tag].db` in `dest_dir`, after checking the folder is usable."""
    dest_dir = Path(dest_dir)
    if dest_dir.exists() and not dest_dir.is_dir():
        raise BackupFailed(f"“{dest_dir}”是一个文件，不是文件夹。请选择U盘上的一个文件夹。")
    if not dest_dir.is_dir():
        raise FileNotFoundError(f"备份目录不存在：{dest_dir}（请插入U盘或选择已有目录）")
    stamp = _timestamp()
    suffix = f"-{tag}" if tag else ""
    final = dest_dir / f"{prefix}{stamp}{suffix}.db"
    n = 1
    while final.exists():
        n += 1
        final = dest_dir / f"{prefix}{stamp}{suffix}-{n}.db"
    return final


_PARTIAL_PID = re.compile(r"\.(\d+)\.part(?:-journal)?$")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clear_stale_partials(folder: Path, prefix: str) -> None:
    """A copy killed half-way (kill -9, power cut) cannot clean up after itself: the next one
    into the same folder removes the partial files whose program is no longer running."""
    try:
        leftovers = list(folder.glob(f"{prefix}*.part*"))
    except OSError:
        return
    for leftover in leftovers:
        m = _PARTIAL_PID.search(leftover.name)
        if m and _process_alive(int(m.group(1))):
            continue  # another program's copy in progress
        if not m:  # an older program's name: only when clearly abandoned
            try:
                if datetime.now().timestamp() - leftover.stat().st_mtime < 3600:
                    continue
            except OSError:
                continue
        try:
            leftover.unlink()
        except OSError:
            pass


def _checked_copy(source: Path, dest_dir: Path, prefix: str, tag: str = "", progress=None) -> Path:
    """Copy `source` with the backup API into a new `<prefix><time>[-tag].db` in `dest_dir`,
    through a .part file that is checked (schema and every page), flushed, renamed and made
    durable; on any failure nothing is left behind and the reason is in Chinese
    (BackupFailed). The partial's name carries the process id, so that a copy killed
    half-way is recognised and cleared by the next one."""
    final = _free_name(dest_dir, prefix, tag)
    _clear_stale_partials(dest_dir, prefix)
    partial = final.with_name(f"{final.name}.{os.getpid()}.part")
    try:
        # Create the file ourselves first: a read-only or vanished stick then says which
        # (errno), where SQLite would only say "unable to open database file".
        open(partial, "xb").close()
        _copy_pages(source, partial, progress)
        _check_while_flushing(partial)
        os.replace(partial, final)
        _sync_folder(dest_dir)
    except DatabaseError:
        _remove_partial(partial)
        raise
    except (OSError, sqlite3.Error) as exc:
        _remove_partial(partial)
        raise BackupFailed(_reason(exc, dest_dir)) from exc
    return final


def _copy_pages(source: Path, partial: Path, progress=None) -> None:
    """The backup API's copy of `source` into the empty file `partial`."""

    def _report(_status, remaining, total):
        progress(total - remaining, total)

    src = sqlite3.connect(read_only_uri(source), uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            # The partial is made durable by our own fsync (_check_while_flushing) and thrown
            # away on any failure: SQLite's journal and fsyncs would protect nothing here, and
            # its fsync would run inside the last step, with the source still locked.
            dst.execute("PRAGMA journal_mode = OFF")
            dst.execute("PRAGMA synchronous = OFF")
            src.backup(dst, pages=64, progress=_report if progress else None)
        finally:
            dst.close()
    finally:
        src.close()


def _check_while_flushing(partial: Path) -> None:
    """Check the copy (schema and every page: quick_check, a restore runs the full
    integrity_check again) while it is flushed to the stick: no backup that only looks valid.
    The check is the processor's work, the flush the stick's: in parallel they take the
    time of the longer. A failed flush is the reason given, as it explains a failed check."""
    flush_failed: list[OSError] = []

    def flush() -> None:
        try:
            with open(partial, "rb+") as fh:
                os.fsync(fh.fileno())
        except OSError as exc:
            flush_failed.append(exc)

    flusher = threading.Thread(target=flush, name="backup-flush")
    flusher.start()
    check_failed: DatabaseError | None = None
    try:
        check_backup(partial, thorough=False)
    except DatabaseError as exc:
        check_failed = exc
    finally:
        flusher.join()  # the partial is closed before anything may remove it (Windows)
    if flush_failed:
        raise flush_failed[0]
    if check_failed:
        raise check_failed


# --- automatic backups ----------------------------------------------------------------


def auto_backup_dir(db_path: Path) -> Path:
    """Where the automatic backups of `db_path` are kept: a folder beside it."""
    return Path(db_path).resolve().parent / AUTO_FOLDER


@record
class AutoBackup:
    path: Path
    made_at: datetime
    reason: str


def auto_backups(db_path: Path) -> list[AutoBackup]:
    """The automatic backups of `db_path`, newest first."""
    folder = auto_backup_dir(db_path)
    found = []
    if folder.is_dir():
        for path in folder.glob(f"{AUTO_PREFIX}*.db"):
            m = _STAMP.search(path.name)
            if not m:
                continue
            try:
                made = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
            except ValueError:
                continue
            reason = path.stem[m.end():].lstrip("-")
            found.append(AutoBackup(path, made, re.sub(r"-\d+$", "", reason)))
    return sorted(found, key=lambda b: (b.made_at, _mtime(b.path)), reverse=True)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def backups_to_keep(made: Iterable[datetime], now: datetime) -> set[datetime]:
    """Which backup times survive thinning (pure, so it is easy to test)."""
    made = sorted(set(made), reverse=True)
    keep = {m for m in made if now - m < timedelta(hours=KEEP_ALL_HOURS)}
    keep = set(sorted(keep, reverse=True)[:KEEP_RECENT_MAX])
    for key, limit in (
        (lambda m: m.date(), KEEP_DAILY),
        (lambda m: m.isocalendar()[:2], KEEP_WEEKLY),
        (lambda m: (m.year, m.month), KEEP_MONTHLY),
    ):
        seen = []
        for m in made:  # newest first: the first of each period is its newest
            period = key(m)
            if period not in seen:
                seen.append(period)
                if len(seen) > limit:
                    break
                keep.add(m)
    return keep


def thin_auto_backups(db_path: Path, now: datetime | None = None) -> list[Path]:
    """Delete the automatic backups the policy no longer keeps; returns what was deleted."""
    backups = auto_backups(db_path)
    keep = backups_to_keep((b.made_at for b in backups), now or datetime.now())
    deleted = []
    for b in backups:
        if b.made_at not in keep:
            try:
                b.path.unlink()
                deleted.append(b.path)
            except OSError:
                pass  # next time
    return deleted


def auto_backup(db_path: Path, reason: str) -> Path | None:
    """Make an automatic backup of `db_path` (if it holds anything) and thin the folder."""
    db_path = Path(db_path)
    if not db_path.is_file() or not db_path.stat().st_size:
        return None
    folder = auto_backup_dir(db_path)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise BackupFailed(_reason(exc, folder)) from exc
    made = _checked_copy(db_path, folder, AUTO_PREFIX, reason)
    thin_auto_backups(db_path)
    return made


def daily_backup_due(db_path: Path, today: datetime | None = None) -> bool:
    today = (today or datetime.now()).date()
    return not any(b.made_at.date() == today for b in auto_backups(db_path))


def daily_backup(db_path: Path) -> Path | None:
    """The day's automatic backup, once a day."""
    if daily_backup_due(db_path):
        return auto_backup(db_path, DAILY)
    return None


# --- restore --------------------------------------------------------------------------


def restore(backup: Path, target: Path) -> Path | None:
    """Replace `target` with a checked copy of `backup`; returns the safety copy of the
    file it replaced (an automatic backup, listed by the restore dialog), if there was one.

    Order matters: a `-journal` left beside the target by a killed process belongs to
    the old file. It is rolled back into the old file (or, if that file is damaged, kept
    with it) and removed *before* the new file takes the name; otherwise the next open
    would play the old journal into the restored file.
    """
    backup, target = Path(backup), Path(target)
    if not backup.is_file():
        raise FileNotFoundError(f"备份文件不存在：{backup}")
    check_backup(backup)  # refuses empty, foreign, incomplete, damaged files and newer versions
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = _keep_current(target)
    staging = f".{target.name}.restoring-"
    staged = _checked_copy(backup, target.parent, staging)
    try:
        for sidecar in _sidecars(target):
            sidecar.unlink(missing_ok=True)
        os.replace(staged, target)
        _sync_folder(target.parent)
    except OSError as exc:
        _remove_partial(staged)
        raise BackupFailed(f"恢复没有完成，当前数据库未改动：{exc}") from exc
    return kept


def _keep_current(target: Path) -> Path | None:
    """Keep the file about to be replaced, as an automatic backup (backup API, `.db` name)."""
    if not target.is_file() or not target.stat().st_size:
        return None
    try:
        recover_after_crash(target)
        check_backup(target)
    except DatabaseError:
        return _keep_damaged(target)
    return auto_backup(target, BEFORE_RESTORE)


def _keep_damaged(target: Path) -> Path:
    """A damaged file is still the clerk's: keep its bytes (and its journal) as they are."""
    import shutil

    folder = auto_backup_dir(target)
    folder.mkdir(exist_ok=True)
    kept = _free_name(folder, "损坏文件-", BEFORE_RESTORE)
    shutil.copyfile(target, kept)
    for sidecar in _sidecars(target):
        if sidecar.exists():
            shutil.copyfile(sidecar, kept.with_name(kept.name + sidecar.name[len(target.name):]))
    return kept


__all__ = [
    "AUTO_FOLDER",
    "AutoBackup",
    "BackupFailed",
    "DatabaseError",
    "auto_backup",
    "auto_backup_dir",
    "auto_backups",
    "backup_file",
    "backup_to",
    "backups_to_keep",
    "daily_backup",
    "restore",
    "thin_auto_backups",
]
