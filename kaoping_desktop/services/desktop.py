"""What only the desktop window needs from the database: its path, threads, restore."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Callable, TypeVar

from .. import backup
from ..store.database import close_database
from ..store.models import database

T = TypeVar("T")


def _import_rule_service():
    """Import services.catalogue (rule editing) without breaking open_app_database.

    Known bug (tests/test_standard_catalogue.py, xfail): services/__init__.py binds the
    name `catalogue` to store.catalogue, and loading the submodule rebinds it, after
    which open_app_database fails. Put the store module back; harmless once fixed.
    """
    package = sys.modules[__package__]
    before = package.__dict__.get("catalogue")
    module = importlib.import_module(".catalogue", __package__)
    if before is not None and hasattr(before, "seed_defaults"):
        package.catalogue = before
    return module


# The rule-editing service: standard_set, save_new_version, describe_version.
rules = _import_rule_service()


def database_path() -> Path | None:
    db = database.obj
    return Path(db.database) if db is not None else None


def in_worker_connection(work: Callable[[], T]) -> T:
    """Run `work` in a worker thread and close that thread's own SQLite connection after.

    peewee keeps one connection per thread; without this the worker's
    connection would stay open (and hold the file) after the thread ends.
    """
    try:
        return work()
    finally:
        db = database.obj
        if db is not None and not db.is_closed():
            db.close()


def close() -> None:
    """Close the main thread's connection (at exit)."""
    close_database()


def close_for_restore() -> Path:
    """Close the open database (main thread) before its file is replaced."""
    path = database_path()
    if path is None:
        raise RuntimeError("数据库未打开")
    close_database()
    return path


def restore_file(backup_file: str | Path, db_path: str | Path) -> Path | None:
    """Replace the database file by a checked backup; returns where the old file was kept."""
    return backup.restore(Path(backup_file), Path(db_path))
