"""What the window remembers between sessions (per database, through settings.ui_state):
geometry, the last tab, the month, splitter positions and table column widths.

Qt's own saveGeometry/saveState byte strings are kept as base64 text. Tabs are
built on first use, so each tab's splitters and widths are restored when it is
built (`restore_page`); a table's widths once its model first has columns, after
the tab's own first sizing, so the remembered widths win. A tab never built this
session keeps what was remembered before.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QTimer
from typing import Callable

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMainWindow, QSplitter, QTabWidget, QWidget

from ..domain.calendar import parse_month
from ..services import settings as settings_service
from .results_models import WIDTHS_REMEMBERED

GEOMETRY, TAB, MONTH, SPLITTERS, HEADERS = "geometry", "tab", "month", "splitters", "headers"
GUIDE_HIDDEN = "guide_hidden"  # the clerk put the 开始使用 guide away


def to_text(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def from_text(text: str) -> QByteArray:
    return QByteArray.fromBase64(QByteArray(str(text).encode("ascii")))


def remembered_month(saved: dict) -> str | None:
    try:
        return parse_month(str(saved[MONTH]))
    except (KeyError, ValueError, TypeError):
        return None


def _header(view: QAbstractItemView) -> QHeaderView | None:
    if hasattr(view, "horizontalHeader"):
        return view.horizontalHeader()
    return view.header() if hasattr(view, "header") else None


def _named(page: QWidget, kind) -> dict[str, QWidget]:
    """Named children of a tab page, keyed "TabClass/objectName" (names repeat across tabs)."""
    prefix = type(page).__name__
    found = {}
    for child in page.findChildren(kind):
        name = child.objectName()
        if name and not name.startswith("qt_"):
            found.setdefault(f"{prefix}/{name}", child)
    return found


class WindowMemory:
    def __init__(self, window: QMainWindow, tabs: QTabWidget, pages: Callable[[], list[QWidget]]):
        self.window, self.tabs, self._pages = window, tabs, pages
        self.saved = settings_service.ui_state()
        self._pending: set[str] = set()  # headers whose remembered widths are not applied yet

    # -- restoring ------------------------------------------------------------------

    def restore(self) -> None:
        """The window's geometry; call before show()."""
        if self.saved.get(GEOMETRY):
            self.window.restoreGeometry(from_text(self.saved[GEOMETRY]))

    def restore_page(self, page: QWidget) -> None:
        """A tab's splitters and column widths, when the tab is built."""
        splitters = self.saved.get(SPLITTERS) or {}
        headers = self.saved.get(HEADERS) or {}
        for key, splitter in _named(page, QSplitter).items():
            if key in splitters:
                splitter.restoreState(from_text(splitters[key]))
        for key, view in _named(page, QAbstractItemView).items():
            header = _header(view)
            if header is not None and key in headers:
                self._restore_header(key, view, header, from_text(headers[key]))

    def restore_tab(self) -> None:
        index = self.saved.get(TAB)
        if isinstance(index, int) and 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    def _restore_header(self, key: str, view: QAbstractItemView, header: QHeaderView, state: QByteArray) -> None:
        self._pending.add(key)

        def apply() -> None:
            self._pending.discard(key)
            if header.count() and header.restoreState(state):
                view.setProperty(WIDTHS_REMEMBERED, True)

        def filled(_old: int, new: int) -> None:
            if new > 0:
                header.sectionCountChanged.disconnect(filled)
                QTimer.singleShot(0, header, apply)  # after the tab's own sizing of its first rows

        if header.count():
            QTimer.singleShot(0, header, apply)
        else:
            header.sectionCountChanged.connect(filled)

    # -- saving ---------------------------------------------------------------------

    def collect(self) -> dict:
        splitters = dict(self.saved.get(SPLITTERS) or {})
        headers = dict(self.saved.get(HEADERS) or {})
        for page in self._pages():
            for key, splitter in _named(page, QSplitter).items():
                if sum(splitter.sizes()) > 0:  # never laid out: keep the old positions
                    splitters[key] = to_text(splitter.saveState())
            for key, view in _named(page, QAbstractItemView).items():
                header = _header(view)
                # A table not filled yet (or still to be restored) keeps the remembered widths.
                if header is not None and header.count() and key not in self._pending:
                    headers[key] = to_text(header.saveState())
        return {
            GEOMETRY: to_text(self.window.saveGeometry()),
            TAB: self.tabs.currentIndex(),
            SPLITTERS: splitters,
            HEADERS: headers,
        }

    def save(self, extra: dict | None = None) -> None:
        values = {**self.collect(), **(extra or {})}
        settings_service.save_ui_state(values)
        self.saved.update(values)
