"""The 开始使用 guide: six steps for a new center, each with a button and a ✓ when done.

API for the main window:
    panel = GuidePanel(state, parent)
    panel.step_requested.connect(...)   # "center", "first_month", "templates",
                                        # "import_roster", "entry", "close_print", "backup"
    panel.hide_requested.connect(...)   # the clerk pressed 收起向导
    panel.refresh()                     # after a backup (not a data kind of AppState)
    panel.status() / panel.all_done()

What is done comes from services.first_day.guide_status(); the panel refreshes
on every data change of the shared AppState (lazily, when shown).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ..services import first_day
from .app_state import AppState, LazyRefresh
from .uiload import load_into

# Button (in ui/guide_panel.ui) -> what it asks the main window to do.
STEP_BUTTONS = {
    "centerButton": "center",
    "firstMonthButton": "first_month",
    "templatesButton": "templates",
    "importRosterButton": "import_roster",
    "entryButton": "entry",
    "closePrintButton": "close_print",
    "backupButton": "backup",
}
# Step of services.first_day.STEPS -> its row prefix in the .ui file.
STEP_ROWS = {
    "center": "center",
    "first_month": "firstMonth",
    "roster": "roster",
    "entry": "entry",
    "close_print": "closePrint",
    "backup": "backup",
}
DONE_MARK = "✓"
DONE_STYLE = "color: #1b7f3b; font-size: 18px; font-weight: bold;"
OPEN_STYLE = "color: #999999; font-size: 18px;"


class GuidePanel(LazyRefresh, QWidget):
    step_requested = Signal(str)
    hide_requested = Signal()

    def __init__(self, state: AppState | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        load_into(self, "guide_panel.ui")
        self.state = state
        self._status: dict[str, bool] = {}
        for name, step in STEP_BUTTONS.items():
            getattr(self, name).clicked.connect(lambda _checked=False, step=step: self.step_requested.emit(step))
        self.manualButton.clicked.connect(self._open_manual)
        self.hideButton.clicked.connect(self.hide_requested.emit)
        if state is not None:
            self.watch(state)
        self.refresh()

    def refresh_for(self, kinds: frozenset) -> None:
        self.refresh()  # cheap: six EXISTS queries

    def refresh(self) -> dict[str, bool]:
        self._status = first_day.guide_status()
        for step, done in self._status.items():
            row = STEP_ROWS[step]
            mark = getattr(self, f"{row}Mark")
            mark.setText(DONE_MARK if done else "○")
            mark.setStyleSheet(DONE_STYLE if done else OPEN_STYLE)
            mark.setToolTip("已完成" if done else "未完成")
        done = sum(self._status.values())
        total = len(self._status)
        if done == total:
            self.progressLabel.setText("六步都已完成。以后每月：录入扣分 → 核对结果 → 锁定并打印 → 备份。")
        else:
            upcoming = next(step for step in first_day.STEPS if not self._status[step])
            title = getattr(self, f"{STEP_ROWS[upcoming]}Title").text()
            self.progressLabel.setText(f"已完成 {done}/{total} 步。下一步：{title.split(' ', 1)[-1]}。")
        return dict(self._status)

    def status(self) -> dict[str, bool]:
        return dict(self._status)

    def all_done(self) -> bool:
        return all(self._status.values())

    def _open_manual(self) -> None:
        from .manual import open_manual

        open_manual(self)


__all__ = ["GuidePanel", "STEP_BUTTONS"]
