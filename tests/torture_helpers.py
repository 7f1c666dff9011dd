"""Helpers for the torture suite (tests/test_torture.py): a database with history,
`kill -9` of a real command-line process at a chosen moment, and canonical dumps
that tell "the state before the command" from "the state after it".

Everything is real: SQLite files on disk, workbooks written with openpyxl, and
`python -m kaoping_desktop` subprocesses killed with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from workbooks import write_ledger, write_roster

APPLICATION_ID = 0x4B50444B  # "KPDK": PRAGMA application_id of a database of ours


# --- the command line ------------------------------------------------------------------


def cli_argv(db: Path, *args) -> list[str]:
    return [sys.executable, "-m", "kaoping_desktop", "--db", str(db), *(str(a) for a in args)]


def cli_env() -> dict:
    return dict(os.environ, PYTHONIOENCODING="utf-8")


def run_cli(db: Path, *args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_argv(db, *args), capture_output=True, text=True, encoding="utf-8", env=cli_env(), timeout=timeout
    )


def start_cli(db: Path, *args) -> subprocess.Popen:
    return subprocess.Popen(cli_argv(db, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env())


_CHECK_AVAILABLE: list[bool] = []


def check_available() -> bool:
    """`check` (formats.md) is being written: use it only once `check --help` exits 0."""
    if not _CHECK_AVAILABLE:
        done = subprocess.run(
            [sys.executable, "-m", "kaoping_desktop", "check", "--help"], capture_output=True, env=cli_env(), timeout=60
        )
        _CHECK_AVAILABLE.append(done.returncode == 0)
    return _CHECK_AVAILABLE[0]


def results_json(db: Path, month: str) -> dict:
    """`results --month M --json`, which must exit 0 (the program opens its file)."""
    done = run_cli(db, "results", "--month", month, "--json")
    assert done.returncode == 0, f"results --month {month} exited {done.returncode}: {done.stderr}"
    return json.loads(done.stdout)


# --- a database with some history --------------------------------------------------------

WINDOW_COUNT = 5
STAFF_PER_WINDOW = 3
CLOSED_HISTORY = ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]
BACKUP_MONTH = "2026-09"  # open in the restore backup, closed in the base
OPEN_MONTH = "2026-10"  # open in the base, with incidents: what close-month closes
BIG_MONTH = "2026-11"  # empty in the base: the big ledger's month


def roster_rows() -> tuple[list[list], list[list]]:
    windows = [[f"W{n:02d}", f"窗口{n}", f"部门{n}", None, None] for n in range(1, WINDOW_COUNT + 1)]
    people = []
    for n in range(1, WINDOW_COUNT + 1):
        people.append([f"{n}00", f"首席{n}", f"W{n:02d}", "首席代表", None, None, ""])
        for k in range(1, STAFF_PER_WINDOW + 1):
            people.append([f"{n}0{k}", f"员工{n}-{k}", f"W{n:02d}", "窗口工作人员", None, None, ""])
    return windows, people


def ledger_rows(month: str, count: int, tag: str) -> list[list]:
    """`count` distinct rows of month `month` spread over every window and its staff."""
    rows = []
    for i in range(count):
        w = i % WINDOW_COUNT + 1
        day = i % 28 + 1
        if i % 3 == 0:
            person = f"{w}0{i % STAFF_PER_WINDOW + 1}"
            rows.append([f"{month}-{day:02d}", f"W{w:02d}", person, "P1.1", None, 1, "考勤记录", f"{tag}-{i}", None])
        else:
            rows.append([f"{month}-{day:02d}", f"W{w:02d}", None, "3.1", None, 1, "办件抽查", f"{tag}-{i}", None])
    return rows


@dataclass
class History:
    folder: Path
    base: Path  # 9 closed months + 2026-09 closed + 2026-10 open with incidents
    backup: Path  # an older copy of the same file (2026-09 still open, no 2026-10)
    big_ledger: Path  # a few thousand rows of 2026-11
    ledgers: dict[str, Path] = field(default_factory=dict)


def sqlite_copy(source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (not the program's code)."""
    src = sqlite3.connect(ro_uri(source), uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def build_history(folder: Path, rows_per_month: int = 300, big_rows: int = 2000) -> History:
    """Build the base database in this process, through the program's services."""
    from kaoping_desktop import services
    from kaoping_desktop.store.database import close_database

    folder.mkdir(parents=True, exist_ok=True)
    windows, people = roster_rows()
    roster = write_roster(folder / "roster.xlsx", windows, people)
    base = folder / "history.db"
    backup = folder / "backup-2026-09.db"
    ledgers = {}
    for month in [*CLOSED_HISTORY, BACKUP_MONTH, OPEN_MONTH]:
        ledgers[month] = write_ledger(folder / f"ledger-{month}.xlsx", ledger_rows(month, rows_per_month, month))
    services.open_app_database(base)
    try:
        services.import_roster(roster)
        for month in CLOSED_HISTORY:
            services.import_incidents(ledgers[month])
            services.close_month(month)
        services.import_incidents(ledgers[BACKUP_MONTH])
    finally:
        close_database()
    sqlite_copy(base, backup)
    services.open_app_database(base)
    try:
        services.close_month(BACKUP_MONTH)
        services.import_incidents(ledgers[OPEN_MONTH])
    finally:
        close_database()
    big = write_ledger(folder / f"ledger-{BIG_MONTH}-big.xlsx", ledger_rows(BIG_MONTH, big_rows, "big"))
    return History(folder, base, backup, big, ledgers)


# --- looking at a file ------------------------------------------------------------------------


def ro_uri(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


def integrity(path: Path) -> str:
    conn = sqlite3.connect(ro_uri(path), uri=True)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())
    finally:
        conn.close()


def application_id(path: Path) -> int:
    conn = sqlite3.connect(ro_uri(path), uri=True)
    try:
        return conn.execute("PRAGMA application_id").fetchone()[0]
    finally:
        conn.close()


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")  # a rollback journal's header; zeroed once committed


def hot_journal(path: Path) -> bool:
    """A -journal beside `path` that SQLite would play back (its header not zeroed)."""
    try:
        with open(path.with_name(path.name + "-journal"), "rb") as fh:
            return fh.read(8) == JOURNAL_MAGIC
    except FileNotFoundError:
        return False


def kill_after_first_commit(argv: list[str], db: Path, timeout: float = 60) -> int:
    """Start `argv` and SIGKILL it the moment its first write transaction on `db` has
    committed (the -journal appeared, then went); returns the exit status (-9: killed)."""
    journal = db.with_name(db.name + "-journal")
    # Niced, so that on a busy machine this loop still sees the commit before the next one.
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(), preexec_fn=lambda: os.nice(10)
    )
    deadline = time.monotonic() + timeout
    seen = False
    while proc.poll() is None and time.monotonic() < deadline:
        present = os.path.exists(journal)
        if present:
            seen = True
        elif seen:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=timeout)
    return proc.returncode


# Columns whose value depends on when (or where) the command ran, not on what it did.
_TIME_COLUMNS = {"at", "created_at", "updated_at", "closed_at", "reopened_at"}
# Settings the program keeps for itself (the day of the last integrity check, backup times).
_OWN_SETTINGS = ("integrity_checked", "backup", "_at", "last_")


def _volatile_column(column: str) -> bool:
    return column in _TIME_COLUMNS or column.endswith("_at") or "hash" in column


def _own_setting(key: str) -> bool:
    return any(part in key for part in _OWN_SETTINGS)


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]


def canonical(path: Path) -> dict[str, tuple]:
    """Every table's rows without the columns that record when the command ran; the audit
    log as (action, entity) in order (its details name paths and times); the program's own
    bookkeeping settings by key only."""
    conn = sqlite3.connect(ro_uri(path), uri=True)
    try:
        out = {}
        tables = _tables(conn)
        for table in sorted(tables):
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            if table == "audit_log":
                rows = conn.execute('SELECT action, entity FROM audit_log ORDER BY id').fetchall()
                out[table] = tuple(rows)
                continue
            kept = [c for c in columns if not _volatile_column(c)]
            rows = conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in kept)} FROM "{table}"').fetchall()
            if table == "setting":
                rows = [(k, None if _own_setting(k) else v) for k, v in rows if k != "integrity_checked_on"]
            out[table] = tuple(sorted(rows, key=repr))
        return out
    finally:
        conn.close()


def content(path: Path) -> dict[str, tuple]:
    """Every row of every table, every column (for "the whole content equals")."""
    conn = sqlite3.connect(ro_uri(path), uri=True)
    try:
        out = {}
        tables = _tables(conn)
        for table in sorted(tables):
            out[table] = tuple(sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr))
        out["setting"] = tuple(r for r in out.get("setting", ()) if not _own_setting(r[0]))
        return out
    finally:
        conn.close()


def same_content(found: dict, expected: dict, extra_audit_rows: int = 3) -> bool:
    """`found` holds exactly `expected`, except that the audit log may have gained a few rows
    (a restore or a backup may log itself)."""
    if found.keys() != expected.keys():
        return False
    for table, rows in expected.items():
        if table == "audit_log":
            have = found[table]
            if not (set(rows) <= set(have) and len(have) - len(rows) <= extra_audit_rows):
                return False
        elif found[table] != rows:
            return False
    return True


# --- kill -9 at a chosen moment -----------------------------------------------------------------


def folder_state(folder: Path) -> dict:
    """Name -> (size, mtime, inode) of every entry of `folder` (a sub-folder's mtime changes
    when something is created in it, so one level deeper is seen too)."""
    out = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    st = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                out[entry.name] = (st.st_size, st.st_mtime_ns, st.st_ino)
    except FileNotFoundError:
        pass
    return out


@dataclass
class Run:
    killed: bool  # SIGKILL reached a running process
    returncode: int
    stderr: str
    elapsed: float  # seconds from start to kill or exit
    first_write: float | None  # seconds from start to the trigger (its write began)


Trigger = Callable[[Path, dict], bool]  # (the trial folder, its state at start) -> the moment has come


def any_change(folder: Path, initial: dict) -> bool:
    return folder_state(folder) != initial


def journal_of(name: str) -> Trigger:
    """The database `name` has begun a write transaction: its rollback journal appeared
    (or, should the program move to WAL, its -wal file changed), or the file itself changed
    already: a short transaction's journal lives a few milliseconds, which a poller on a
    busy machine can miss."""

    def began(folder: Path, initial: dict) -> bool:
        now = folder_state(folder)
        journal, wal = f"{name}-journal", f"{name}-wal"
        return (
            (journal in now and journal not in initial)
            or (wal in now and now[wal] != initial.get(wal))
            or (name in initial and now.get(name) != initial[name])
        )

    return began


def committing(name: str) -> Trigger:
    """The database `name` is inside a commit: its journal is synced (header written), so
    the file itself is being overwritten. A kill now leaves a hot journal."""

    def began(folder: Path, initial: dict) -> bool:
        try:
            with open(folder / f"{name}-journal", "rb") as fh:
                return fh.read(8) == JOURNAL_MAGIC
        except FileNotFoundError:
            return False

    return began


def entry_changed(*names: str) -> Trigger:
    """One of these entries appeared or changed (a folder changes when a file is made in it)."""

    def began(folder: Path, initial: dict) -> bool:
        now = folder_state(folder)
        return any(now.get(n) != initial.get(n) for n in names)

    return began


def run_and_kill(argv: list[str], watch: Path, delay: float | None, trigger: Trigger | None) -> Run:
    """Start `argv` and SIGKILL it `delay` seconds after its start, or after the moment
    `trigger` sees in the folder `watch` (polled without pause). delay None: let it
    finish, timing when `trigger` first held."""
    initial = folder_state(watch)
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=cli_env())
    fired = None  # seconds from start to the trigger
    deadline = started + delay if trigger is None and delay is not None else None
    killed_at = None
    while proc.poll() is None:
        now = time.monotonic()
        if trigger is not None and fired is None and trigger(watch, initial):
            fired = now - started
            if delay is not None:
                deadline = now + delay
        if deadline is not None and now >= deadline:
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            killed_at = now
            break
        if trigger is None or fired is not None:  # nothing to watch for: wait without spinning
            time.sleep(0.0005 if deadline is None else min(0.0005, max(deadline - now, 0)))
    stderr = proc.communicate(timeout=120)[1].decode("utf-8", errors="replace")
    end = killed_at if killed_at is not None else time.monotonic()
    return Run(proc.returncode == -signal.SIGKILL, proc.returncode, stderr, end - started, fired)


# --- the report --------------------------------------------------------------------------------


@dataclass
class Tally:
    attempts: int = 0
    kills: int = 0
    finished_first: int = 0  # the command ended before the signal (the first such run is checked: "after")
    outcomes: dict = field(default_factory=lambda: {"before": 0, "after": 0})  # of the kills
    hot_journals: int = 0  # a kill that left a hot -journal beside the file
    leftovers: int = 0  # temporary files a kill left behind (.part, .restoring, …)
    safety_copies: int = 0  # restore: safety copies written and checked
    seconds: float = 0.0
    leftover_kinds: Counter = field(default_factory=Counter)

    def line(self, name: str) -> str:
        return (
            f"{name:<17} kills {self.kills:>3} (attempts {self.attempts:>3}, finished first {self.finished_first:>2}) "
            f"→ before {self.outcomes['before']:>3}, after {self.outcomes['after']:>3}; "
            f"hot journals {self.hot_journals:>3}, leftover temp files {self.leftovers:>3}, "
            f"safety copies checked {self.safety_copies:>3}; {self.seconds:5.1f} s"
            + "".join(f"\n{'':<19}left over: {kind} ×{n}" for kind, n in sorted(self.leftover_kinds.items()))
        )
