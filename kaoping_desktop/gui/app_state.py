"""What the whole window shares: the selected month and one signal for every data change.

In the spirit of Anki's operation changes: whoever changes data calls
`notify(kinds)`; every tab listens to `data_changed` and refreshes only what
the kinds touch, and only once it is shown (see `LazyRefresh`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

# Kinds of change; a tab reloads what depends on the kinds it is told.
ROSTER = "roster"  # windows, people, assignments
INCIDENTS = "incidents"
MONTHS = "months"  # closing / reopening
STANDARDS = "standards"
SETTINGS = "settings"
ALL = frozenset({ROSTER, INCIDENTS, MONTHS, STANDARDS, SETTINGS})


class AppState(QObject):
    month_changed = Signal(str)
    data_changed = Signal(object)  # frozenset of kinds

    def __init__(self, month: str, parent: QObject | None = None):
        super().__init__(parent)
        self._month = month
        self.version = 0  # bumped on every change: a cache key for computed results

    @property
    def month(self) -> str:
        return self._month

    def set_month(self, month: str) -> None:
        if month != self._month:
            self._month = month
            self.month_changed.emit(month)

    def notify(self, *kinds: str) -> None:
        """Tell everyone that data of these kinds changed (no kinds = everything)."""
        changed = frozenset(kinds) or ALL
        self.version += 1
        self.data_changed.emit(changed)


class LazyRefresh:
    """Mixin for a tab (list it before QWidget): changes seen while hidden wait until it is shown.

    A tab calls `watch(state)` once, and implements `refresh_for(kinds)`, where
    kinds may also hold "month" when the shared month changed. `flush()`
    forces pending work now (tests, or a tab that must be current).
    """

    MONTH = "month"

    def watch(self, state: AppState) -> None:
        self._pending: set[str] = set()
        state.data_changed.connect(self._data_changed)
        state.month_changed.connect(lambda _m: self._data_changed(frozenset({self.MONTH})))

    def _data_changed(self, kinds) -> None:
        self._pending |= set(kinds)
        if self.isVisible():
            self.flush()

    def flush(self) -> None:
        pending = getattr(self, "_pending", set())
        if pending:
            kinds = frozenset(pending)
            pending.clear()
            self.refresh_for(kinds)

    def refresh_for(self, kinds: frozenset) -> None:  # pragma: no cover - each tab says what it reloads
        raise NotImplementedError

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.flush()
