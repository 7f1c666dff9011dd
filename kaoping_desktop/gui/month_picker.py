"""Choosing a month (YYYY-MM): a year spin box and a month combo, keyboard friendly."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSpinBox, QWidget


class MonthPicker(QWidget):
    monthChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None, month: str | None = None):
        super().__init__(parent)
        today = date.today()
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setSuffix(" 年")
        self.month_box = QComboBox(self)
        self.month_box.addItems([f"{m} 月" for m in range(1, 13)])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.year)
        layout.addWidget(self.month_box)
        self.set_month(month or f"{today.year:04d}-{today.month:02d}")
        self.year.valueChanged.connect(self._emit)
        self.month_box.currentIndexChanged.connect(self._emit)

    @classmethod
    def inside(cls, holder: QWidget) -> "MonthPicker":
        """A picker filling a placeholder widget of a .ui layout."""
        picker = cls(holder)
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(picker)
        return picker

    def month(self) -> str:
        return f"{self.year.value():04d}-{self.month_box.currentIndex() + 1:02d}"

    def set_month(self, month: str) -> None:
        self._updating = True
        self.year.setValue(int(month[:4]))
        self.month_box.setCurrentIndex(int(month[5:7]) - 1)
        self._updating = False
        self._emit()

    def _emit(self, *_):
        if getattr(self, "_updating", False):
            return
        month = self.month()
        if month != getattr(self, "_last", None):
            self._last = month
            self.monthChanged.emit(month)
