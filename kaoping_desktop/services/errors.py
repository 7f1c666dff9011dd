"""Errors the services raise with a message meant for the clerk."""

from __future__ import annotations

from ..store.errors import DatabaseBusy, MonthClosedError


class InputError(ValueError):
    """Bad input from the clerk or a file; the message says what to fix."""


class ClosingRefused(Exception):
    """The month cannot be closed yet (for example a window has no chief)."""


__all__ = ["ClosingRefused", "DatabaseBusy", "InputError", "MonthClosedError"]
