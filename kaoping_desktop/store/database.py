"""Opening the database file safely: identity check, integrity check, migrations.

Modelled on how desktop apps protect their SQLite file: refuse a file that is
not ours or is damaged, copy the file aside before upgrading it, and run each
numbered migration in one transaction so a failure leaves the file as it was.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from datetime import date
from pathlib import Path
from collections.abc import Callable

from . import connection

TYPE_CHECKING = False  # typing's, without importing typing (a reading command never needs it)
if TYPE_CHECKING:
    from peewee import SqliteDatabase

APPLICATION_ID = 0x4B50444B  # "KPDK"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(Exception):
    """A problem with the database file, with a message for the clerk."""


class UnusableFile(DatabaseError):
    """A file offered as a backup that is not a complete, intact database of ours (bad input)."""


class BackupFailed(DatabaseError):
    """A backup or restore could not be written; nothing half-written was left behind.
    (Here with the store's other errors, so that a command can catch it without loading
    the backup module.)"""


def migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = re.match(r"^(\d{4})_", path.name)
        if m:
            found.append((int(m.group(1)), path))
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise DatabaseError(f"迁移脚本编号不连续：{numbers}")
    return found


def latest_version() -> int:
    return len(migrations())


def read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for any path: `#`, `?`, `%`, spaces and Chinese are escaped
    (a hand-built "file:…" cut at `#` and silently opened a different, new file)."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def recover_after_crash(path: Path) -> None:
    """Roll back what a killed process left half-written (a hot journal) before the file is
    checked: only a read-write connection can do that, a read-only check would just fail."""
    journal = path.with_name(path.name + "-journal")
    if not journal.exists() or not journal.stat().st_size:
        return
    try:
        conn = sqlite3.connect(path, timeout=5)
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # the first read plays the journal back
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"无法打开数据库文件 {path}：上次异常退出留下的日志无法恢复（{exc}）") from exc


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


INTEGRITY_SETTING = "integrity_checked_on"  # the day the file last passed quick_check on open


def _checked_today(conn: sqlite3.Connection) -> bool:
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (INTEGRITY_SETTING,)).fetchone()
    except sqlite3.DatabaseError:  # no setting table yet
        return False
    return row is not None and row[0] == json.dumps(date.today().isoformat())


def check_file(path: Path, daily: bool = False, scan: bool = True) -> tuple[int, int]:
    """Return (application_id, user_version) after checking the file is ours and intact.

    daily=True (opening the program's own file): the whole-file quick_check runs
    once a day, not on every start (it costs ~150 ms on ten years of data).
    scan=False: the caller runs the full integrity_check itself (a superset).
    Backups and restores always check.
    """
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = _has_tables(conn)
            skip = not scan or (daily and app_id == APPLICATION_ID and _checked_today(conn))
            result = "ok" if skip else conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"无法打开数据库文件 {path}：文件已损坏或不是数据库（{exc}）") from exc
    if app_id != APPLICATION_ID and (app_id != 0 or tables):
        raise DatabaseError(f"{path} 不是本程序的数据库文件")
    if result != "ok":
        raise DatabaseError(f"数据库文件 {path} 完整性检查未通过：{result}。请从备份恢复。")
    if version > latest_version():
        raise DatabaseError(f"数据库文件 {path} 由更新版本的程序创建（版本 {version}），请升级程序后再打开")
    return app_id, version


def _schema(conn: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """(type, name, SQL with whitespace folded) of every table, index and trigger."""
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL"
    )
    return {(kind, name, " ".join(sql.split())) for kind, name, sql in rows}


def expected_schema(version: int) -> set[tuple[str, str, str]]:
    """What migrations 1..version create, built in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        for number, script in migrations():
            if number <= version:
                conn.executescript(script.read_text(encoding="utf-8"))
        return _schema(conn)
    finally:
        conn.close()


def check_backup(path: Path, thorough: bool = True) -> int:
    """Refuse anything but a complete, intact database of ours; returns its schema version.

    Empty files, empty or foreign SQLite databases, ours with a table, index or trigger
    missing or altered (the closed-month locks are triggers), and damaged ones are all
    refused with the reason in Chinese (UnusableFile).
    thorough=True (a file about to be restored, or listed): the full integrity_check,
    indexes against their tables included. thorough=False (a copy just made with the
    backup API from our checked file): quick_check, which reads every page and record
    and finds a copy damaged on its way to the stick at a quarter of the cost.
    """
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise UnusableFile(f"{path.name} 是空文件，不是数据库备份")
    try:
        app_id, version = check_file(path, scan=not thorough)
    except DatabaseError as exc:
        raise UnusableFile(str(exc)) from exc
    if app_id != APPLICATION_ID or version < 1:
        raise UnusableFile(f"{path.name} 不是本程序的数据库备份（空数据库或其他程序的文件）")
    try:
        schema, integrity = _schema_and_integrity(path, version, thorough)
    except sqlite3.DatabaseError as exc:
        raise UnusableFile(f"{path.name} 无法读取：{exc}") from exc
    if schema:
        raise UnusableFile(f"{path.name} 不是完整的本程序数据库（{schema}），不能用于恢复")
    if integrity:
        raise UnusableFile(f"{path.name} 完整性检查未通过：{integrity}")
    return version


def _schema_and_integrity(path: Path, version: int, thorough: bool = True) -> tuple[str, str]:
    """("" or what differs from the schema of `version`, "" or what integrity_check found;
    not thorough: the quick_check already run by check_file stands)."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        found = _schema(conn)
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")] if thorough else ["ok"]
    finally:
        conn.close()
    expected = expected_schema(version)
    schema = ""
    if found != expected:
        missing = sorted(name for kind, name, _sql in expected - found)
        extra = sorted(name for kind, name, _sql in found - expected)
        schema = "；".join(
            part
            for part in (
                f"缺少或被改动：{'、'.join(missing)}" if missing else "",
                f"多出：{'、'.join(extra)}" if extra else "",
            )
            if part
        )
    return schema, "" if integrity == ["ok"] else "；".join(integrity)


def check_open_file(path: Path) -> list[str]:
    """What the full integrity check and the schema check find in the program's own file
    (`check`): [] when both hold. Triggers dropped or altered (the closed-month locks, the
    append-only log) are findings too."""
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
        schema, integrity = _schema_and_integrity(path, version)
    except sqlite3.DatabaseError as exc:
        return [f"数据库文件无法完整读取：{exc}"]
    findings = []
    if integrity:
        findings.append(f"完整性检查未通过：{integrity}")
    if schema:
        findings.append(f"数据库结构与本程序版本 {version} 的结构不同（{schema}）：锁定月份或日志的保护可能已被去除")
    return findings


def migrate(path: Path, keep_copy: Callable[[Path], object] | None = None) -> int:
    """Bring the file up to the latest schema version; returns the version it had.

    `keep_copy(path)` is called before an existing file is upgraded (the application
    passes its automatic backup, so the file as it was stays restorable).
    """
    if path.exists() and path.stat().st_size:
        recover_after_crash(path)
        _, version = check_file(path, daily=True)
    else:
        version = 0
    pending = [(n, p) for n, p in migrations() if n > version]
    if not pending:
        return version
    if version > 0 and keep_copy is not None:
        keep_copy(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for number, script in pending:
            sql = script.read_text(encoding="utf-8")
            try:
                conn.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\n"
                    f"PRAGMA application_id = {APPLICATION_ID};\n"
                    f"PRAGMA user_version = {number};\nCOMMIT;"
                )
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise DatabaseError(f"数据库升级到版本 {number} 失败，文件未改动：{exc}") from exc
    finally:
        conn.close()
    return version


def open_database(path: str | Path, keep_copy: Callable[[Path], object] | None = None) -> SqliteDatabase:
    """Open (creating if needed) and migrate the file, and bind the models to it."""
    global _models_db
    from peewee import SqliteDatabase

    from .models import database

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    migrate(path, keep_copy)
    db = SqliteDatabase(
        str(path),
        pragmas={"foreign_keys": 1, "synchronous": 2, "busy_timeout": 5000},
    )
    database.initialize(db)
    db.connect(reuse_if_open=True)
    _models_db = db
    connection.bind(path, db.connection)
    _opened[str(path)] = file_identity(path)
    _note_checked_today()
    return db


def open_plain(path: str | Path) -> bool:
    """Open an existing file without the model layer, for a command that needs none (a month's
    results, a backup).

    The same checks as open_database; False (nothing left open) when the file needs
    what only the full open does: creating, upgrading (with its copy kept first),
    seeding the standards or sealing months closed before the audit chain existed.
    """
    path = Path(path)
    if not path.is_file() or not path.stat().st_size:
        return False
    recover_after_crash(path)
    if check_file(path, daily=True)[1] < latest_version():
        return False  # an upgrade: open_database keeps the copy first
    connection.connect_plain(path)
    from .reads import has_standards, unsealed_months

    if not has_standards() or unsealed_months():
        connection.close_plain()
        return False
    _opened[str(path)] = file_identity(path)
    _note_checked_today()
    return True


def _note_checked_today() -> None:
    """The file passed its check (or a fresh one was made): no need to check again today."""
    today = json.dumps(date.today().isoformat())
    if connection.execute("SELECT value FROM setting WHERE key = ?", (INTEGRITY_SETTING,)).fetchone() != (today,):
        connection.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (INTEGRITY_SETTING, today))


_opened: dict[str, tuple[int, int]] = {}  # path -> (device, inode) of the file when it was opened
_models_db: SqliteDatabase | None = None  # the models' database, once open_database ran


def file_identity(path: str | Path | None) -> tuple[int, int] | None:
    """(device, inode) of the file at `path` (None if there is none): a file put in its
    place (os.replace by a restore) has another one, however alike its contents."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def file_replaced() -> bool:
    """Has the open file been replaced (another program restored a backup over it) or
    removed since it was opened? A write then would go into the old, unlinked file."""
    path = connection.current_path()
    if path is None:
        return False
    opened = _opened.get(str(path))
    return opened is not None and file_identity(path) != opened


def close_database() -> None:
    """Close this thread's connection (peewee reconnects on the next use) or the reading one."""
    connection.close_plain()
    if _models_db is not None and not _models_db.is_closed():
        _models_db.close()


def current_path() -> Path | None:
    """The open database file, or None."""
    return connection.current_path()


def close_thread_connection() -> None:
    """Close this thread's connection (peewee keeps one per thread)."""
    close_database()
