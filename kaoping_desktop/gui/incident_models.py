"""The month's incidents as a table, fast at 10,000 rows.

`IncidentTableModel.set_rows` is one model reset and no per-row work: a row's
display strings are made the first time it is painted, the search text only
once a filter text is typed. `IncidentFilter` filters and sorts lists of row
numbers in Python, so Qt never calls back into Python once per row (a
QSortFilterProxyModel asks filterAcceptsRow and data() for every row, and
data() tens of thousands of times to sort).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractProxyModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from ..domain.numbers import display
from ..services.incidents import IncidentRow
from .table_base import HeaderedTableModel

HEADERS = ["日期", "窗口", "人员", "标准", "条款", "情形", "次数", "评定依据", "依据说明", "窗口扣分", "首席扣分", "人员扣分", "备注", "状态"]
RowRole = Qt.UserRole + 1
_VOIDED = QBrush(QColor("#999999"))
_NUMERIC = (6, 9, 10, 11)  # right-aligned, sorted as numbers
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
# Roles as plain ints: data() runs for every painted cell and role, and comparing with
# the enum members costs more than the lookup itself.
_DISPLAY, _FOREGROUND, _ALIGNMENT, _ROW = int(Qt.DisplayRole), int(Qt.ForegroundRole), int(Qt.TextAlignmentRole), int(RowRole)
_points_text: dict = {}  # a month has a handful of distinct point values


def _points(value) -> str:
    if not value:
        return ""
    text = _points_text.get(value)
    if text is None:
        text = _points_text[value] = display(value)
    return text


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


def _sort_value(r: IncidentRow, column: int):
    """The value a column sorts by, when it is not its text."""
    return {0: r.date, 6: r.count, 9: r.window_points, 10: r.chief_points, 11: r.person_points}[column]


class IncidentTableModel(HeaderedTableModel):
    headers = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[IncidentRow] = []
        self._cell_cache: list[tuple[str, ...] | None] = []
        self._search: list[str] | None = None

    def set_rows(self, rows: list[IncidentRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._cell_cache = [None] * len(self._rows)
        self._search = None
        self.endResetModel()

    def put_row(self, new: IncidentRow) -> None:
        """Add or replace one incident (by id), keeping date order and every other row's cached cells."""
        rows, cache = self._rows, self._cell_cache
        at = next((i for i in range(len(rows) - 1, -1, -1) if rows[i].id == new.id), None)
        if at is not None:
            del rows[at], cache[at]
        key = (new.date, new.id)
        position = len(rows)
        while position > 0 and (rows[position - 1].date, rows[position - 1].id) > key:
            position -= 1
        self.beginResetModel()  # the filter proxy rebuilds its row list on reset (milliseconds)
        rows.insert(position, new)
        cache.insert(position, None)
        self._search = None
        self.endResetModel()

    def row_count(self) -> int:
        return len(self._rows)

    def row_cells(self, row: int) -> tuple[str, ...]:
        cells = self._cell_cache[row]
        if cells is None:
            cells = self._cell_cache[row] = _cells(self._rows[row])
        return cells

    @property
    def cells(self) -> list[tuple[str, ...]]:
        """Every row's display strings (for measuring column widths)."""
        return [self.row_cells(r) for r in range(len(self._rows))]

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        return self.cell(index.row(), index.column(), int(role))

    def cell(self, row: int, column: int, role: int):
        """data() by row, column and role, without a QModelIndex (the filter calls it)."""
        if role == _DISPLAY:
            return self.row_cells(row)[column]
        if role == _ROW:
            return self._rows[row]
        if role == _FOREGROUND:
            return _VOIDED if self._rows[row].voided else None
        if role == _ALIGNMENT and column in _NUMERIC:
            return _RIGHT
        return None

    def row_at(self, row: int) -> IncidentRow:
        return self._rows[row]

    def rows(self) -> list[IncidentRow]:
        return self._rows

    def search_texts(self) -> list[str]:
        """One lower-case string per row holding all its cells (made when first filtered)."""
        if self._search is None:
            self._search = ["\t".join(self.row_cells(r)).lower() for r in range(len(self._rows))]
        return self._search

    def matches(self, row: int, needle: str) -> bool:
        return needle in self.search_texts()[row]

    def sort_keys(self, column: int) -> list:
        if column in (0, *_NUMERIC):
            return [_sort_value(r, column) for r in self._rows]
        return [self.row_cells(r)[column] for r in range(len(self._rows))]


class IncidentFilter(QAbstractProxyModel):
    """Text filter over every column, one window, voided rows only when asked for; sortable.

    The proxy holds the visible source rows as a list; filtering and sorting rebuild
    that list in Python (a few milliseconds for 10,000 rows)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._needle = ""
        self._show_voided = False
        self._window = ""
        self._sort_column = -1  # -1: the source order (date, then entry order)
        self._sort_order = Qt.AscendingOrder
        self._rows: list[int] = []  # proxy row -> source row
        self._where: list[int] = []  # source row -> proxy row, -1 when filtered out

    # --- wiring to the source -------------------------------------------------------

    def setSourceModel(self, model: IncidentTableModel) -> None:  # noqa: N802 (Qt's name)
        old = self.sourceModel()
        if old is not None:
            old.modelAboutToBeReset.disconnect(self._source_about_to_reset)
            old.modelReset.disconnect(self._source_reset)
        self.beginResetModel()
        super().setSourceModel(model)
        model.modelAboutToBeReset.connect(self._source_about_to_reset)
        model.modelReset.connect(self._source_reset)
        self._compute()
        self.endResetModel()

    def _source_about_to_reset(self) -> None:
        self.beginResetModel()

    def _source_reset(self) -> None:
        self._compute()
        self.endResetModel()

    def _compute(self) -> None:
        model: IncidentTableModel | None = self.sourceModel()
        if model is None:
            self._rows, self._where = [], []
            return
        every = model.rows()
        count = len(every)
        rows = range(count)
        if not self._show_voided:
            rows = [i for i in rows if not every[i].voided]
        if self._window:
            rows = [i for i in rows if every[i].window_code == self._window]
        if self._needle:
            search = model.search_texts()
            rows = [i for i in rows if self._needle in search[i]]
        rows = list(rows)
        if self._sort_column >= 0:
            keys = model.sort_keys(self._sort_column)
            rows.sort(key=keys.__getitem__, reverse=self._sort_order == Qt.DescendingOrder)
        self._rows = rows
        self._where = [-1] * count
        for proxy_row, source_row in enumerate(rows):
            self._where[source_row] = proxy_row

    # --- filtering and sorting --------------------------------------------------------

    def _refilter(self, name: str, value) -> None:
        if getattr(self, name) == value:
            return
        self.beginResetModel()
        setattr(self, name, value)
        self._compute()
        self.endResetModel()

    def set_text(self, text: str) -> None:
        self._refilter("_needle", text.strip().lower())

    def set_show_voided(self, show: bool) -> None:
        self._refilter("_show_voided", show)

    def set_window(self, code: str) -> None:
        self._refilter("_window", code)

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        """Same rows in another order: a layout change, so the selection follows its rows."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        sources = [(self._rows[i.row()], i.column()) if 0 <= i.row() < len(self._rows) else (-1, 0) for i in before]
        self._sort_column, self._sort_order = column, order
        self._compute()
        after = [self.index(self._where[s], c) if s >= 0 and self._where[s] >= 0 else QModelIndex() for s, c in sources]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # --- QAbstractProxyModel ------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        model = self.sourceModel()
        return 0 if parent.isValid() or model is None else model.columnCount()

    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._rows)) or not (0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, *index):
        # A flat table: no item has a parent. Without an index this is QObject.parent().
        return QModelIndex() if index else QObject.parent(self)

    def hasChildren(self, parent=QModelIndex()) -> bool:  # noqa: N802 (Qt's name)
        return not parent.isValid() and bool(self._rows)

    def sibling(self, row: int, column: int, index: QModelIndex) -> QModelIndex:
        return self.index(row, column)

    def mapToSource(self, proxy_index: QModelIndex) -> QModelIndex:  # noqa: N802 (Qt's name)
        if not proxy_index.isValid() or self.sourceModel() is None or proxy_index.row() >= len(self._rows):
            return QModelIndex()
        return self.sourceModel().index(self._rows[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: QModelIndex) -> QModelIndex:  # noqa: N802 (Qt's name)
        if not source_index.isValid() or source_index.row() >= len(self._where):
            return QModelIndex()
        return self.index(self._where[source_index.row()], source_index.column())

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        row = index.row()
        if not index.isValid() or row >= len(self._rows):
            return None
        return self.sourceModel().cell(self._rows[row], index.column(), int(role))

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802 (Qt's name)
        if orientation == Qt.Horizontal:
            return self.sourceModel().headerData(section, orientation, role) if self.sourceModel() else None
        return section + 1 if role == Qt.DisplayRole else None
