"""Shared helpers for the GUI tests: a real database file and driving modal dialogs."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog


def when_dialog_opens(callback: Callable[[QDialog], None]) -> list:
    """Run `callback` on the next modal dialog once its exec() loop is running.

    If the callback leaves the dialog open (a failed assertion, say), it is
    rejected so the test fails instead of hanging. Exceptions are kept in the
    returned list for the test to re-raise.
    """
    errors: list = []

    def run():
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # exec() not started yet
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
    if errors:
        raise errors[0]
