"""Custody of the database file: a killed writer, folders with awkward names, two writers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from kaoping_desktop import backup, services
from kaoping_desktop.services import custody
from kaoping_desktop.store import evidence, repository
from kaoping_desktop.store.database import close_database

pytestmark = pytest.mark.slow

KILLED_WRITER = textwrap.dedent(
    """
    import os, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA cache_size = 1")  # spill to the file: the journal becomes hot
    conn.execute("BEGIN IMMEDIATE")
    for n in range(3000):
        conn.execute("INSERT INTO setting (key, value) VALUES (?, ?)", (f"junk-{n}", "x" * 200))
    conn.execute("UPDATE setting SET value = ? WHERE key = 'center_name'", ('"改了一半"',))
    os.kill(os.getpid(), 9)
    """
)


def test_a_writer_killed_mid_transaction_leaves_a_file_that_opens_as_it_was(tmp_path):
    path = tmp_path / "k.db"
    services.open_app_database(path)
    repository.set_setting("center_name", "平安县政务服务中心")
    close_database()
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], timeout=60)
    assert done.returncode == -9
    journal = tmp_path / "k.db-journal"
    assert journal.exists() and journal.stat().st_size > 0  # hot: the "before" pages are in it
    services.open_app_database(path)  # rolls the journal back, then checks
    try:
        assert repository.get_setting("center_name") == "平安县政务服务中心"
        assert repository.get_setting("junk-1") is None
    finally:
        close_database()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


@pytest.mark.parametrize("folder", ["U盘 #1", "备份 100%", "a?b"])
def test_backup_and_restore_through_folders_with_awkward_names(tmp_path, folder):
    if os.name == "nt" and "?" in folder:
        pytest.skip("not a valid Windows folder name")
    path = tmp_path / folder / "k.db"
    services.open_app_database(path)
    repository.set_setting("center_name", "平安县政务服务中心")
    dest = tmp_path / folder / "备份"
    dest.mkdir()
    written = backup.backup_file(path, dest)
    close_database()
    assert written.parent == dest and written.exists()
    assert not any(p.suffix == ".db" and p != written for p in dest.iterdir())  # nothing opened by mistake
    repository_path = tmp_path / "other" / "k.db"
    backup.restore(written, repository_path)
    services.open_app_database(repository_path)
    try:
        assert repository.get_setting("center_name") == "平安县政务服务中心"
    finally:
        close_database()


def test_two_imports_at_once_both_go_in(tmp_path):
    from workbooks import WORKED_ROSTER_PEOPLE, WORKED_ROSTER_WINDOWS, write_ledger, write_roster

    db = tmp_path / "k.db"
    services.open_app_database(db)
    services.import_roster(write_roster(tmp_path / "r.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE))
    close_database()
    ledgers = []
    for n in range(2):
        rows = [[f"2026-10-{d:02d}", "W01", None, "3.1", None, 1, "办件抽查", f"第{n}批-{d}", None] for d in range(1, 29)]
        ledgers.append(write_ledger(tmp_path / f"l{n}.xlsx", rows * 20))  # 560 rows each
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    command = [sys.executable, "-m", "kaoping_desktop", "--db", str(db), "import-incidents"]
    running = [subprocess.Popen(command + [str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for f in ledgers]
    outcomes = [(p.wait(timeout=120), p.stderr.read().decode("utf-8")) for p in running]
    assert outcomes == [(0, ""), (0, "")]
    services.open_app_database(db)
    try:
        assert len(repository.load_incidents()) == 2 * 560
    finally:
        close_database()


def _hostile(kind: str, source, target) -> None:
    if kind == "zero bytes":
        target.write_bytes(b"")
    elif kind == "random bytes":
        target.write_bytes(os.urandom(8192))
    elif kind == "empty sqlite":
        sqlite3.connect(target).close()
        conn = sqlite3.connect(target)
        conn.execute("PRAGMA user_version = 0")
        conn.close()
    elif kind == "foreign sqlite":
        conn = sqlite3.connect(target)
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.commit()
        conn.close()
    else:
        target.write_bytes(source.read_bytes())
        conn = sqlite3.connect(target)
        if kind == "table dropped":
            conn.execute("DROP TABLE audit_log")
        elif kind == "triggers dropped":
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
                conn.execute(f'DROP TRIGGER "{name}"')
        conn.commit()
        conn.close()


@pytest.mark.parametrize(
    "kind", ["zero bytes", "random bytes", "empty sqlite", "foreign sqlite", "table dropped", "triggers dropped"]
)
def test_restore_refuses_what_is_not_a_complete_database_of_ours(tmp_path, kind):
    from test_cli import cli

    db = tmp_path / "k.db"
    services.open_app_database(db)
    repository.set_setting("center_name", "平安县政务服务中心")
    close_database()
    before = db.read_bytes()
    hostile = tmp_path / "hostile.db"
    _hostile(kind, db, hostile)
    done = cli("restore", hostile, db=db)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("错误：") and "Traceback" not in done.stderr
    assert db.read_bytes() == before  # the current database is untouched
    assert not list(tmp_path.glob("*.restoring")) and not list(tmp_path.glob("*.before-restore-*"))


def test_a_good_backup_restores_and_the_old_file_is_kept(tmp_path):
    from test_cli import cli

    db = tmp_path / "k.db"
    services.open_app_database(db)
    repository.set_setting("center_name", "备份时的名称")
    written = backup.backup_file(db, tmp_path)
    repository.set_setting("center_name", "备份后的名称")
    close_database()
    done = cli("restore", written, db=db)
    assert done.returncode == 0, done.stderr
    services.open_app_database(db)
    try:
        assert repository.get_setting("center_name") == "备份时的名称"
        restores = [r for r in evidence.audit_records() if r.action == custody.RESTORE_ACTION]
        assert [r.entity_id for r in restores] == [written.name]  # the restore is in the restored file's log
    finally:
        close_database()
    # The replaced file is kept as an automatic backup (backup API, .db name, listed by the dialog).
    kept = [b for b in backup.auto_backups(db) if b.reason == backup.BEFORE_RESTORE]
    assert len(kept) == 1 and kept[0].path.suffix == ".db"
    assert f"恢复前的数据库已另存为 {kept[0].path}" in done.stdout
    services.open_app_database(kept[0].path)
    try:
        assert repository.get_setting("center_name") == "备份后的名称"
    finally:
        close_database()


@pytest.fixture
def closed_db(tmp_path):
    """A new database file of ours, closed: what the command line opens."""
    db = tmp_path / "k.db"
    services.open_app_database(db)
    close_database()
    return db


@pytest.fixture
def small_stick(tmp_path):
    """A real, tiny file system (tmpfs) as a USB stick; skipped where mounting is not allowed."""
    stick = tmp_path / "stick"
    stick.mkdir()

    def mount(options: str):
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(stick)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
        return stick

    yield mount
    subprocess.run(["umount", str(stick)], capture_output=True)


def test_a_backup_to_a_full_stick_says_so_and_leaves_nothing(closed_db, small_stick):
    from test_cli import cli

    stick = small_stick("size=64k")
    done = cli("backup", stick, db=closed_db)
    assert done.returncode == 1
    assert "空间不足" in done.stderr and "Error" not in done.stderr
    assert list(stick.iterdir()) == []  # no .part, no journal filling the stick


def test_a_backup_to_a_read_only_stick_says_so(closed_db, small_stick):
    from test_cli import cli

    stick = small_stick("size=4m,ro")
    done = cli("backup", stick, db=closed_db)
    assert done.returncode == 1 and "不能写入" in done.stderr, done.stderr


def test_a_backup_onto_a_file_instead_of_a_folder_says_so(closed_db, tmp_path):
    from test_cli import cli

    (tmp_path / "U盘").write_text("a file")
    done = cli("backup", tmp_path / "U盘", db=closed_db)
    assert done.returncode == 1 and "不是文件夹" in done.stderr, done.stderr
