"""Choosing a month (YYYY-MM): a year spin box, a month combo and 上月/下月 buttons.

The window has one picker, bound to the shared `AppState` with `bind(state)`:
the picker sets the state's month and follows it when someone else sets it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSpinBox, QToolButton, QWidget

from ..domain.calendar import add_months


class MonthPicker(QWidget):
    monthChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None, month: str | None = None):
        super().__init__(parent)
        today = date.today()
        self.previous_button = QToolButton(self)
        self.previous_button.setText("◀")
        self.previous_button.setToolTip("上一个月")
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.year.setAccessibleName("考评年份")
        self.month_box = QComboBox(self)
        self.month_box.addItems([f"{m} 月" for m in range(1, 13)])
        self.month_box.setAccessibleName("考评月份")
        self.next_button = QToolButton(self)
        self.next_button.setText("▶")
        self.next_button.setToolTip("下一个月")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in (self.previous_button, self.year, self.month_box, self.next_button):
            layout.addWidget(widget)
        self._updating = False
        self._last: str | None = None
        self.set_month(month or f"{today.year:04d}-{today.month:02d}")
        self.year.valueChanged.connect(self._emit)
        self.month_box.currentIndexChanged.connect(self._emit)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))

    @classmethod
    def inside(cls, holder: QWidget, month: str | None = None) -> "MonthPicker":
        """A picker filling a placeholder widget of a .ui layout."""
        picker = cls(holder, month)
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(picker)
        return picker

    def bind(self, state) -> None:
        """Show `state.month`, set it when the clerk picks, follow it when others set it."""
        self.set_month(state.month)
        self.monthChanged.connect(state.set_month)
        state.month_changed.connect(self.set_month)

    def month(self) -> str:
        return f"{self.year.value():04d}-{self.month_box.currentIndex() + 1:02d}"

    def set_month(self, month: str) -> None:
        self._updating = True
        try:
            self.year.setValue(int(month[:4]))
            self.month_box.setCurrentIndex(int(month[5:7]) - 1)
        finally:
            self._updating = False
        self._emit()

    def step(self, months: int) -> None:
        """Go back or forward by whole months (across the year boundary)."""
        self.set_month(add_months(self.month(), months))

    def _emit(self, *_):
        if self._updating:
            return
        month = self.month()
        if month != self._last:
            self._last = month
            self.monthChanged.emit(month)
