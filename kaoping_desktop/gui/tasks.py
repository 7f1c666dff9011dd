"""Slow work (imports, exports, backups) off the GUI thread, with a progress dialog.

`run_task` blocks the caller in a nested event loop, so code reads top to bottom
while the window stays responsive and repaints. The worker's exception is raised
again in the caller. SQLite connections are per thread in peewee; the worker
closes its own when done.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..services.desktop import in_worker_connection

T = TypeVar("T")
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class _Worker(QObject):
    progressed = Signal(int, int)
    finished = Signal()

    def __init__(self, work):
        super().__init__()
        self._work = work
        self.cancel_requested = False
        self.result = None
        self.error: BaseException | None = None

    @Slot()
    def run(self) -> None:
        try:
            self.result = in_worker_connection(
                lambda: self._work(lambda done, total: self.progressed.emit(done, total), lambda: self.cancel_requested)
            )
        except BaseException as exc:  # handed to the GUI thread and raised there
            self.error = exc
        finally:
            # Hand the object back so that it is deleted in the thread that owns it.
            self.moveToThread(QCoreApplication.instance().thread())
            self.finished.emit()


def run_task(
    parent: QWidget | None,
    title: str,
    label: str,
    work: Callable[[Progress, Cancelled], T],
    cancellable: bool = False,
) -> T:
    dialog = QProgressDialog(label, "取消" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(300)  # quick work finishes without a flash of dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    worker = _Worker(work)
    thread = QThread()
    worker.moveToThread(thread)
    loop = QEventLoop()

    def on_progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        if total:
            dialog.setLabelText(f"{label}（{done}/{total}）")

    def on_cancel() -> None:
        worker.cancel_requested = True
        dialog.setLabelText("正在取消……")

    worker.progressed.connect(on_progress, Qt.QueuedConnection)
    worker.finished.connect(loop.quit, Qt.QueuedConnection)
    dialog.canceled.connect(on_cancel)
    thread.started.connect(worker.run)
    thread.start()
    loop.exec()
    thread.quit()
    thread.wait()
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result
