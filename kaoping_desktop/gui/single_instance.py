"""One window per database file.

The first window on a file holds a QLockFile beside it (`<file>.window-lock`) for as
long as it runs, and listens on a QLocalServer whose name is derived from the file's
full path (and the user), so that nothing else on the PC shares it. A second start
on the same file finds the lock taken, asks the first window over the local socket to
come forward (un-minimised, raised, activated), says so in Chinese and exits.

Stale locks: a lock left by a killed program must never block the next start. Its
lock file names the process (PID, program name, host, boot); QLockFile removes it
when that process no longer runs on this PC (or the PC has restarted since). The
age-based rule is switched off (`setStaleLockTime(0)`): a window stays open for days,
and an old lock of a live window must not be taken over.

The command line is not blocked: its writes coordinate through SQLite's own locks.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLockFile, QObject, Qt, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

REQUEST = b"show\n"
ANSWER = b"shown\n"
ANSWER_TIMEOUT_MS = 3000  # the first window answers within milliseconds unless it hangs
NOTICE_MS = 3000  # how long the second start's notice stays before it closes by itself

# Exit status of a second start: 0 when the first window came forward (what the clerk
# wanted happened), 1 when the first copy holds the file but did not answer.
EXIT_SHOWN_FIRST = 0
EXIT_FIRST_NOT_ANSWERING = 1


def _resolved(db_path: str | Path) -> Path:
    return Path(db_path).expanduser().resolve()


def lock_path(db_path: str | Path) -> Path:
    """The lock file: beside the database, so it guards that file whatever path names it."""
    path = _resolved(db_path)
    return path.with_name(f"{path.name}.window-lock")


def server_name(db_path: str | Path) -> str:
    """A short name (Unix sockets allow ~100 bytes), the same for every path naming the file."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some Windows setups
        user = ""
    key = f"{user}\0{os.path.normcase(str(_resolved(db_path)))}"
    return "kaoping-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


class SingleInstance(QObject):
    """`acquire()` once at start: True for the first window (which then hears requests to
    come forward through `come_forward`), False when another window has the file."""

    come_forward = Signal()

    def __init__(self, db_path: str | Path, parent: QObject | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.name = server_name(db_path)
        self.lock = QLockFile(str(lock_path(db_path)))
        self.lock.setStaleLockTime(0)  # stale only when its process is gone (see the module text)
        self.server: QLocalServer | None = None
        self.requests = 0  # how many times another start asked this window to come forward

    def acquire(self) -> bool:
        if not self.lock.tryLock(200):
            if self.lock.error() == QLockFile.LockError.LockFailedError:
                return False
            # No permission to write beside the database (or another odd failure): no guard
            # then; opening the database will say what is wrong with the folder.
            return True
        self._listen()
        return True

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # We hold the lock: a socket file still there is a killed window's leftover.
        QLocalServer.removeServer(self.name)
        if server.listen(self.name):
            server.newConnection.connect(self._connected)
            self.server = server

    def _connected(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.canReadLine():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        line = bytes(socket.readLine().data())
        if line == REQUEST:
            self.requests += 1
            self.come_forward.emit()
            socket.write(ANSWER)
            socket.flush()
        socket.disconnectFromServer()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock.isLocked():
            self.lock.unlock()


def _allow_foreground() -> None:
    """Windows gives the foreground only to the program the user just started (this one):
    let the first window take it when asked."""
    if sys.platform != "win32":
        return
    try:
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)  # ASFW_ANY
    except Exception:  # noqa: BLE001 - only a nicety
        pass


def ask_to_come_forward(db_path: str | Path, timeout_ms: int = ANSWER_TIMEOUT_MS) -> bool:
    """Ask the window holding `db_path` to come forward; True once it said it did.

    Waits in a local event loop (not a blocking wait), so the asking and the answering
    side may even share one thread. Retries while the first window is still starting.
    """
    _allow_foreground()
    name = server_name(db_path)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        if _ask_once(name, max(1, int((deadline - time.monotonic()) * 1000))):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)  # not listening yet (it is starting): ask again


def _ask_once(name: str, timeout_ms: int) -> bool:
    socket = QLocalSocket()
    received = bytearray()
    done = []  # set by whichever comes first: the answer, an error, a hang-up, the time
    loop = QEventLoop()

    def finish(*_args) -> None:
        done.append(True)
        loop.quit()

    def connected() -> None:
        socket.write(REQUEST)
        socket.flush()

    def ready() -> None:
        received.extend(bytes(socket.readAll().data()))
        if received.endswith(b"\n"):
            finish()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(finish)
    socket.connected.connect(connected)
    socket.readyRead.connect(ready)
    socket.errorOccurred.connect(finish)
    socket.disconnected.connect(finish)
    timer.start(timeout_ms)
    socket.connectToServer(name)
    if not done:  # a refused connection may already have answered inside connectToServer
        loop.exec()
    timer.stop()
    if socket.bytesAvailable():
        received.extend(bytes(socket.readAll().data()))
    # Nothing may call back into this function's closures once it has returned.
    for signal in (socket.connected, socket.readyRead, socket.errorOccurred, socket.disconnected):
        signal.disconnect()
    timer.timeout.disconnect()
    socket.abort()
    return bytes(received) == ANSWER


def bring_forward(window: QWidget) -> None:
    """Show `window` in front: restored if minimised, raised, activated; an open dialog
    of it in front of it."""
    state = window.windowState()
    if state & Qt.WindowState.WindowMinimized:
        window.setWindowState((state & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()
    modal = QApplication.activeModalWidget()
    if modal is not None and modal is not window:
        modal.raise_()
        modal.activateWindow()


def already_open_text(db_path: str | Path, answered: bool) -> str:
    if answered:
        return f"窗口月度考评系统已经打开，已切换到已打开的窗口，不需要再次启动。\n\n数据库：{db_path}"
    return (
        "窗口月度考评系统已经打开，但已打开的窗口没有响应。\n"
        "请在任务栏中找到它；如果它已经停止响应，请先关闭它，再重新启动程序。\n\n"
        f"数据库：{db_path}"
    )


def tell_already_open(db_path: str | Path) -> int:
    """The second start: ask the first window forward, say so, return the exit status."""
    answered = ask_to_come_forward(db_path)
    text = already_open_text(db_path, answered)
    if sys.stderr is not None:  # a windowed build has no console
        try:
            print(" ".join(text.split()), file=sys.stderr)
        except (OSError, ValueError):
            pass
    box = already_open_box(db_path, answered)
    if answered:  # a notice: the clerk's window is already in front; it goes by itself
        QTimer.singleShot(NOTICE_MS, box, box.accept)
    box.exec()
    return EXIT_SHOWN_FIRST if answered else EXIT_FIRST_NOT_ANSWERING


def already_open_box(db_path: str | Path, answered: bool) -> QMessageBox:
    icon = QMessageBox.Icon.Information if answered else QMessageBox.Icon.Warning
    box = QMessageBox(icon, "程序已经打开", already_open_text(db_path, answered))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    return box


__all__ = [
    "EXIT_FIRST_NOT_ANSWERING",
    "EXIT_SHOWN_FIRST",
    "SingleInstance",
    "already_open_box",
    "already_open_text",
    "ask_to_come_forward",
    "bring_forward",
    "lock_path",
    "server_name",
    "tell_already_open",
]
