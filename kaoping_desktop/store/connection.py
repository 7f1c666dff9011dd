"""The connection that the store's plain-SQL reads (reads.py) go through.

The window and every command that writes open the file through peewee (models.py),
which registers its per-thread connection here. A command that only reads
(`results --month`) registers a plain sqlite3 connection instead and never loads
peewee or the models: that import is a third of such a command's start-up.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from collections.abc import Callable

_connect: Callable[[], sqlite3.Connection] | None = None
_path: Path | None = None
_plain: sqlite3.Connection | None = None


class NotOpen(RuntimeError):
    """A read before any database was opened (a programming error, not the clerk's)."""


def bind(path: Path, connect: Callable[[], sqlite3.Connection]) -> None:
    """Reads go to `connect()` from now on (peewee's connection of the calling thread)."""
    global _connect, _path
    close_plain()
    _connect, _path = connect, Path(path)


def open_plain(path: Path) -> None:
    """One sqlite3 connection, set up as peewee's are (models.py), for a reading command."""
    global _plain
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA foreign_keys = 1")
    conn.execute("PRAGMA synchronous = 2")
    conn.execute("PRAGMA busy_timeout = 5000")
    bind(path, lambda: conn)
    _plain = conn


def close_plain() -> None:
    global _plain, _connect, _path
    if _plain is not None:
        _plain.close()
        _plain = None
        _connect = _path = None


def execute(sql: str, params: tuple | list = ()) -> sqlite3.Cursor:
    """Run one statement with bound parameters on the open database."""
    if _connect is None:
        raise NotOpen("数据库尚未打开")
    return _connect().execute(sql, params)


def current_path() -> Path | None:
    return _path


def is_plain() -> bool:
    """Opened for reading only (no model layer bound)?"""
    return _plain is not None
