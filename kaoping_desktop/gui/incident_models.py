"""The month's incidents as a table: display strings computed once per refresh.

A month can hold 10,000 incidents; data() only indexes prepared lists, and the
filter matches one prepared lower-case string per row.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from ..domain.numbers import display
from ..services.incidents import IncidentRow
from .table_base import HeaderedTableModel

HEADERS = ["日期", "窗口", "人员", "标准", "条款", "情形", "次数", "评定依据", "依据说明", "窗口扣分", "首席扣分", "人员扣分", "备注", "状态"]
RowRole = Qt.UserRole + 1
_VOIDED = QBrush(QColor("#999999"))


def _points(value) -> str:
    return display(value) if value else ""


def _cells(r: IncidentRow) -> tuple[str, ...]:
    return (
        r.date.isoformat(),
        f"{r.window_code} {r.window_name}",
        f"{r.person_id} {r.person_name}" if r.person_id else "",
        r.standard_label,
        r.clause_code,
        r.variant,
        str(r.count),
        r.evidence_name,
        r.reference,
        _points(r.window_points),
        _points(r.chief_points),
        _points(r.person_points),
        r.note,
        f"已作废：{r.void_reason}" if r.voided else "",
    )


class IncidentTableModel(HeaderedTableModel):
    headers = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[IncidentRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._search: list[str] = []

    def set_rows(self, rows: list[IncidentRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._cells = [_cells(r) for r in self._rows]
        self._search = ["\t".join(c).lower() for c in self._cells]
        self.endResetModel()

    def row_count(self) -> int:
        return len(self._rows)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = index.row()
        if role == Qt.DisplayRole:
            return self._cells[row][index.column()]
        if role == RowRole:
            return self._rows[row]
        if role == Qt.ForegroundRole and self._rows[row].voided:
            return _VOIDED
        if role == Qt.TextAlignmentRole and index.column() in (6, 9, 10, 11):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def row_at(self, row: int) -> IncidentRow:
        return self._rows[row]

    def matches(self, row: int, needle: str) -> bool:
        return needle in self._search[row]


class IncidentFilter(QSortFilterProxyModel):
    """Text filter over every column, and voided rows only when asked for."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._needle = ""
        self._show_voided = False
        self._window = ""

    def _refilter(self, name: str, value) -> None:
        # Qt 6.10 replaced invalidateFilter() by begin/endFilterChange().
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            setattr(self, name, value)
            self.endFilterChange()
        else:
            setattr(self, name, value)
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self._refilter("_needle", text.strip().lower())

    def set_show_voided(self, show: bool) -> None:
        self._refilter("_show_voided", show)

    def set_window(self, code: str) -> None:
        self._refilter("_window", code)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        model: IncidentTableModel = self.sourceModel()
        row = model.row_at(source_row)
        if row.voided and not self._show_voided:
            return False
        if self._window and row.window_code != self._window:
            return False
        return not self._needle or model.matches(source_row, self._needle)
