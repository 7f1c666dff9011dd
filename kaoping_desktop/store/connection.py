"""The connection that the store's plain SQL (reads.py, audit_chain.py) goes through.

The window and every command that writes open the file through peewee (models.py),
which registers its per-thread connection here. A command that needs no model layer
(`results --month`, `backup`) registers a plain sqlite3 connection instead and never
loads peewee or the models: that import is a third of such a command's start-up.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import DatabaseBusy

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


def connect_plain(path: Path) -> None:
    """One sqlite3 connection, set up as peewee's are (database.open_database), for a
    command without the model layer."""
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


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED, by the error code SQLite gives (peewee wraps the original)."""
    for candidate in (exc, *exc.args, exc.__cause__, exc.__context__):
        code = getattr(candidate, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return False


@contextmanager
def write_lock() -> Iterator[None]:
    """The statements inside run in one transaction holding the write lock (BEGIN IMMEDIATE),
    or in the caller's when one is open (peewee's atomic() included: same connection)."""
    if _connect is None:
        raise NotOpen("数据库尚未打开")
    conn = _connect()
    if conn.in_transaction:
        yield
        return
    try:
        conn.execute("BEGIN IMMEDIATE")  # waits busy_timeout for another writer, then gives up
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusy() from exc
        raise
    try:
        yield
        conn.execute("COMMIT")  # may wait for readers; busy past the timeout: nothing written
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError) and is_busy(exc):
            raise DatabaseBusy() from exc
        raise


def current_path() -> Path | None:
    return _path


def is_plain() -> bool:
    """Opened with the plain connection (no model layer bound)?"""
    return _plain is not None
