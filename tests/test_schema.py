"""data/schema.sql is the definition: migrations and peewee models must match it."""

import sqlite3
from pathlib import Path

import pytest

from kaoping_desktop import backup, services
from kaoping_desktop.store import database as dbmod
from kaoping_desktop.store.database import APPLICATION_ID, DatabaseError, check_file, migrate, open_database
from kaoping_desktop.store.models import ALL_MODELS

SCHEMA = Path(__file__).resolve().parent.parent / "data" / "schema.sql"


def describe(conn: sqlite3.Connection) -> dict:
    """Tables with their columns, plus every index and trigger, independent of text formatting."""
    out = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        cols = conn.execute(f"PRAGMA table_info('{name}')").fetchall()
        fks = conn.execute(f"PRAGMA foreign_key_list('{name}')").fetchall()
        out[name] = {
            "columns": [(c[1], c[2].upper(), c[3], c[4], c[5]) for c in cols],
            "fks": sorted((f[2], f[3], f[4], f[6]) for f in fks),
        }
    for kind in ("index", "trigger"):
        out[kind] = sorted(
            (n, " ".join(s.split()))
            for n, s in conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type='{kind}' AND sql IS NOT NULL")
        )
    out["pragmas"] = (
        conn.execute("PRAGMA application_id").fetchone()[0],
        conn.execute("PRAGMA user_version").fetchone()[0],
    )
    return out


def test_migrations_build_exactly_the_canonical_schema(tmp_path):
    canonical = sqlite3.connect(tmp_path / "canonical.db")
    canonical.executescript(SCHEMA.read_text(encoding="utf-8"))
    migrate(tmp_path / "migrated.db")
    migrated = sqlite3.connect(tmp_path / "migrated.db")
    assert describe(migrated) == describe(canonical)
    assert describe(migrated)["pragmas"] == (APPLICATION_ID, dbmod.latest_version())


def test_peewee_models_match_schema_columns(tmp_path):
    conn = sqlite3.connect(tmp_path / "c.db")
    conn.executescript(SCHEMA.read_text(encoding="utf-8"))
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {m._meta.table_name for m in ALL_MODELS} == tables
    for model in ALL_MODELS:
        live = {c[1]: (c[3], c[5]) for c in conn.execute(f"PRAGMA table_info('{model._meta.table_name}')")}
        fields = {f.column_name: (0 if f.null else 1, 1 if f.primary_key else 0) for f in model._meta.sorted_fields}
        # NOT NULL of a primary key is implied in SQLite, so compare nullability on the rest only.
        assert set(fields) == set(live), model.__name__
        for column, (notnull, pk) in fields.items():
            assert live[column][1] == pk, (model.__name__, column)
            if not pk:
                assert live[column][0] == notnull, (model.__name__, column)


def test_open_refuses_a_file_that_is_not_ours(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="不是本程序"):
        open_database(other)


def test_open_refuses_garbage(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DatabaseError):
        open_database(bad)


def test_newer_file_is_refused(tmp_path):
    path = tmp_path / "new.db"
    migrate(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {dbmod.latest_version() + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="更新版本"):
        check_file(path)


def test_failed_migration_leaves_file_unchanged_and_backed_up(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    migrate(path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO setting (key, value) VALUES ('center_name', '\"甲县\"')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    # A broken next migration: it must roll back whole and keep the file at its version.
    extra = tmp_path / "migrations"
    extra.mkdir()
    for n, p in dbmod.migrations():
        (extra / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    latest = dbmod.latest_version()
    (extra / f"{latest + 1:04d}_broken.sql").write_text(
        "ALTER TABLE setting ADD COLUMN note TEXT;\nTHIS IS NOT SQL;\n", encoding="utf-8"
    )
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", extra)
    with pytest.raises(DatabaseError, match=f"升级到版本 {latest + 1} 失败"):
        services.open_app_database(path)  # the application's open: an automatic backup first
    assert path.read_bytes() == before
    kept = backup.auto_backups(path)
    assert [b.reason for b in kept] == [backup.BEFORE_UPGRADE]
    copy = sqlite3.connect(kept[0].path)
    assert copy.execute("SELECT value FROM setting WHERE key = 'center_name'").fetchone() == ('"甲县"',)
    copy.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest
    assert [c[1] for c in conn.execute("PRAGMA table_info(setting)")] == ["key", "value"]


def test_good_migration_upgrades_old_file_and_keeps_data(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    migrate(path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO setting (key, value) VALUES ('center_name', '\"甲县\"')")
    conn.commit()
    conn.close()
    extra = tmp_path / "migrations"
    extra.mkdir()
    for n, p in dbmod.migrations():
        (extra / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    latest = dbmod.latest_version()
    (extra / f"{latest + 1:04d}_note.sql").write_text("ALTER TABLE setting ADD COLUMN note TEXT NOT NULL DEFAULT '';\n")
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", extra)
    assert migrate(path) == latest
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest + 1
    assert conn.execute("SELECT value, note FROM setting").fetchall() == [('"甲县"', "")]


def test_whole_file_check_runs_once_a_day_on_open(tmp_path):
    import json
    import sqlite3
    from datetime import date

    from kaoping_desktop import services
    from kaoping_desktop.store.database import INTEGRITY_SETTING, close_database

    path = tmp_path / "k.db"
    services.open_app_database(path)
    close_database()
    conn = sqlite3.connect(path)
    stored = conn.execute("SELECT value FROM setting WHERE key = ?", (INTEGRITY_SETTING,)).fetchone()
    assert stored == (json.dumps(date.today().isoformat()),)
    # A file last checked on another day is checked again (and stamped today) when opened.
    conn.execute("UPDATE setting SET value = ? WHERE key = ?", (json.dumps("2000-01-01"), INTEGRITY_SETTING))
    conn.commit()
    conn.close()
    services.open_app_database(path)
    close_database()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM setting WHERE key = ?", (INTEGRITY_SETTING,)).fetchone() == stored
    conn.close()
