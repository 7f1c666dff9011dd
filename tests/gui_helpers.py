"""Shared helpers for the GUI tests: a real database file and driving modal dialogs."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog


def when_dialog_opens(callback: Callable[[QDialog], None]) -> list:
    """Run `callback` on the next modal dialog once its exec() loop is running.

    If the callback leaves the dialog open (a failed assertion, say), it is
    rejected so the test fails instead of hanging. Exceptions are kept in the
    returned list for the test to re-raise.
    """
    errors: list = []
    deadline = time.monotonic() + 10
    _pending.append(errors)

    def run():
        if errors is not None and any(e is _CANCELLED for e in errors):
            return  # the test is over: never answer the next test's dialog
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # exec() not started yet
            if time.monotonic() > deadline:
                errors.append(TimeoutError("no modal dialog opened within 10 s"))
                return
            QTimer.singleShot(10, run)
            return
        try:
            callback(dialog)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            errors.append(exc)
        finally:
            if dialog.isVisible() and errors:
                dialog.reject()

    QTimer.singleShot(0, run)
    return errors


def check(errors: list) -> None:
    real = [e for e in errors if e is not _CANCELLED]
    if real:
        raise real[0]


_CANCELLED = object()
_pending: list[list] = []


def cancel_pending() -> None:
    """Stop every watcher still waiting for a dialog (called after each test)."""
    for errors in _pending:
        errors.append(_CANCELLED)
    _pending.clear()


def type_text(widget, text: str) -> None:
    """ASCII key by key; Chinese as an input method commits it (how a Chinese clerk types)."""
    for ch in text:
        if ch.isascii():
            QTest.keyClicks(widget, ch)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)


def shot(widget, name: str) -> None:
    """With KAOPING_SCREENSHOTS=DIR, keep a picture of a dialog for review."""
    folder = os.environ.get("KAOPING_SCREENSHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / name))
