"""What only the desktop window needs from the database: its path, threads, restore."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

from .. import backup
from ..store.database import close_database, close_thread_connection, current_path
from ..store.database import file_identity  # noqa: F401 (the window compares it: a replaced file)

T = TypeVar("T")


def database_path() -> Path | None:
    return current_path()


def in_worker_connection(work: Callable[[], T]) -> T:
    """Run `work` in a worker thread and close that thread's own SQLite connection after.

    peewee keeps one connection per thread; without this the worker's
    connection would stay open (and hold the file) after the thread ends.
    """
    try:
        return work()
    finally:
        close_thread_connection()


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
