"""Slow work (imports, exports, backups) off the GUI thread, with a progress dialog.

`run_task` blocks the caller in a nested event loop, so code reads top to bottom
while the window stays responsive and repaints. The worker's exception is raised
again in the caller. SQLite connections are per thread in peewee; the worker
closes its own when done. `BackgroundCall` reads data for a table in a worker
without a dialog (the month's incidents), dropping answers nobody wants any more.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable, TypeVar

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QObject, Qt, QThread, QTimer, Signal, Slot
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


class BackgroundCall(QObject):
    """Runs one reading function at a time in a Python thread (with its own SQLite
    connection) and hands the answer to `done` on the GUI thread.

    A newer `start` makes an older answer stale: it is dropped, so the table never
    shows a month the clerk has already left. The worker only puts its answer into a
    queue; a timer of the GUI thread collects it. Nothing Qt is touched from the
    worker, so a tab closed while a reader still runs cannot be called back into
    (a signal emitted on a deleted object crashed the interpreter).
    """

    POLL_MS = 10

    def __init__(self, parent: QObject, done: Callable[[object], None], failed: Callable[[BaseException], None]):
        super().__init__(parent)
        self._done, self._failed = done, failed
        self._generation = 0
        self._answers: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self._deliver)

    def start(self, work: Callable[[], object]) -> None:
        self._generation += 1
        generation = self._generation
        answers = self._answers

        def run() -> None:
            try:
                answers.put((generation, in_worker_connection(work), None))
            except Exception as exc:  # noqa: BLE001 - handed to the GUI thread
                answers.put((generation, None, exc))

        thread = threading.Thread(target=run, name="kaoping-load", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        self._poll.start()

    def cancel(self) -> None:
        self._generation += 1

    def busy(self) -> bool:
        return any(t.is_alive() for t in self._threads) or not self._answers.empty()

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Until every answer is in and handed over (tests, and a tab that must be current now)."""
        deadline = QDeadlineTimer(timeout_ms)
        while self.busy():
            if deadline.hasExpired():
                return False
            for thread in self._threads:
                thread.join(0.01)
            self._deliver()
        return True

    def stop(self, timeout_s: float = 10.0) -> None:
        """Forget pending answers and let running readers finish (before the file is closed)."""
        self.cancel()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()
        self._poll.stop()

    def _deliver(self) -> None:
        while True:
            try:
                generation, answer, error = self._answers.get_nowait()
            except queue.Empty:
                break
            if generation != self._generation:
                continue  # asked for something else since
            if error is not None:
                self._failed(error)
            else:
                self._done(answer)
        if not any(t.is_alive() for t in self._threads) and self._answers.empty():
            self._poll.stop()
