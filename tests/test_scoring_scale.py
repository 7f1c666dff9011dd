"""Start-up of a headless command (issue 12): `results` loads only what it uses and does no
whole-file work on an ordinary open."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from kaoping_desktop.store.database import INTEGRITY_SETTING, close_database, open_database
from store_builders import worked_example_db

pytestmark = pytest.mark.slow

# Packages `results` has no use for: loading any of them is most of a command's start-up.
HEAVY = ("reportlab", "openpyxl", "PIL", "PySide6", "shiboken6", "docx", "lxml")


def imported_by(*args, db) -> set[str]:
    """Top-level packages the command imported, as `python -X importtime` reports them."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kaoping_desktop", "--db", str(db), *args],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    json.loads(done.stdout)  # the command did its work
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            names.add(name.split(".")[0])
    assert "kaoping_desktop" in names  # the report was read, so an absence below means something
    return names


def test_results_json_imports_no_export_import_or_window_packages(tmp_path):
    db = tmp_path / "k.db"
    worked_example_db(db)
    close_database()
    loaded = imported_by("results", "--month", "2026-10", "--json", db=db)
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    # A month's results only read: no model layer, nor typing or shutil (start-up time).
    assert loaded.isdisjoint({"peewee", "typing", "shutil"}), sorted(loaded & {"peewee", "typing", "shutil"})
    loaded = imported_by("results", "--year", "2026", "--json", db=db)
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_backup_loads_no_model_layer_and_its_log_row_chains(tmp_path):
    """`backup` copies, checks and appends its audit row in plain SQL (store/audit_chain.py):
    no peewee, dataclasses or inspect at start-up, and `check` holds afterwards."""
    db = tmp_path / "k.db"
    worked_example_db(db)
    close_database()
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    (tmp_path / "stick").mkdir()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kaoping_desktop", "--db", str(db), "backup", str(tmp_path / "stick")],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in done.stderr.splitlines() if line.count("|") == 2}
    assert "kaoping_desktop" in loaded
    assert loaded.isdisjoint({"peewee", "dataclasses", "inspect", *HEAVY}), sorted(loaded & {"peewee", "dataclasses", "inspect"})
    assert len(list((tmp_path / "stick").glob("*.db"))) == 1
    checked = subprocess.run([sys.executable, "-m", "kaoping_desktop", "--db", str(db), "check"],
                             capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert checked.returncode == 0, checked.stderr
    import sqlite3

    conn = sqlite3.connect(db)
    last = conn.execute("SELECT action, hash != '' FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    assert last == ("备份数据库", 1)


def test_the_reading_open_gives_the_same_results_and_falls_back_when_it_must(tmp_path):
    """`results --month` opens without peewee; its figures are those of the full open, and a
    file that needs creating, seeding or upgrading goes through the full open instead."""
    import sqlite3

    from kaoping_desktop import services
    from kaoping_desktop.domain.results_io import results_json
    from kaoping_desktop.store import connection
    from kaoping_desktop.store.database import open_plain

    db = tmp_path / "k.db"
    worked_example_db(db)
    full = results_json(services.month_results("2026-10"))
    close_database()
    assert open_plain(db) and connection.is_plain()
    try:
        assert results_json(services.month_results("2026-10")) == full
        assert full["windows"][0]["total"] == 92.15
    finally:
        close_database()
    assert not connection.is_plain()

    assert not open_plain(tmp_path / "new.db") and not (tmp_path / "new.db").exists()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 3")  # as if migration 4 had not run yet
    conn.close()
    assert not open_plain(db), "an upgrade is the full open's, which keeps a copy first"
    assert not connection.is_plain()


def test_quick_check_runs_once_a_day_not_on_every_open(tmp_path, monkeypatch):
    """A file checked today opens without the whole-file check (issue 12, item 4): that runs on
    the day's first open, and always in `check`, before a backup and on restore."""
    import sqlite3

    path = tmp_path / "k.db"
    worked_example_db(path)
    close_database()
    conn = sqlite3.connect(path)
    mark = conn.execute("SELECT value FROM setting WHERE key = ?", (INTEGRITY_SETTING,)).fetchone()[0]
    assert json.loads(mark) == date.today().isoformat()
    conn.execute("UPDATE setting SET value = ? WHERE key = ?", (json.dumps("2000-01-01"), INTEGRITY_SETTING))
    conn.commit()
    conn.close()

    statements: list[str] = []
    connect = sqlite3.connect  # the check opens its own read-only connection through this

    def traced(*args, **kwargs):
        c = connect(*args, **kwargs)
        c.set_trace_callback(statements.append)
        return c

    monkeypatch.setattr(sqlite3, "connect", traced)

    def whole_file_checks_on_open() -> list[str]:
        statements.clear()
        open_database(path)
        close_database()
        return [s for s in statements if s.lstrip().upper().startswith(("PRAGMA QUICK_CHECK", "PRAGMA INTEGRITY_CHECK"))]

    assert whole_file_checks_on_open(), "a mark from another day: the first open checks the whole file"
    assert whole_file_checks_on_open() == []
