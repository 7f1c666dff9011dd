"""Table models for the 人员名册 tab: windows, people, one person's assignments."""

from __future__ import annotations

from datetime import date
from typing import Any, Sequence

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from ..domain.roster import ROLES, Assignment, Person, Window, month_presence
from .table_base import HeaderedTableModel

# The object behind a row, and whether the row is retired (for the "show retired" filter).
ObjectRole = Qt.UserRole + 1
RetiredRole = Qt.UserRole + 2
SortRole = Qt.UserRole + 3


def show_date(day: date | None, open_text: str = "不限") -> str:
    return day.isoformat() if day else open_text


class _RowsModel(HeaderedTableModel):
    """A read-only table of plain rows; subclasses say what each column shows.

    Sorting and text search happen here in Python, once per row, instead of in a
    QSortFilterProxyModel that would call data() for every comparison and every
    cell (about 10,000 calls, half a second, for 800 people).
    """

    headers: Sequence[str] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Any] = []
        self._texts: list[str] | None = None  # lower-cased row texts for the filter, built when first needed
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def row_count(self) -> int:
        return len(self._rows)

    def row_object(self, row: int):
        return self._rows[row]

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = self._sorted(list(rows))
        self._texts = None
        self.endResetModel()

    def search_text(self, row: int) -> str:
        if self._texts is None:
            self._texts = [
                "\t".join(self.cell(obj, c) for c in range(len(self.headers))).casefold() for obj in self._rows
            ]
        return self._texts[row]

    def _sorted(self, rows: list) -> list:
        if self._sort is None:
            return rows
        column, order = self._sort
        return sorted(rows, key=lambda obj: self.cell(obj, column), reverse=order == Qt.DescendingOrder)

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if column < 0 or column >= len(self.headers):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        kept = [(self._rows[i.row()], i.column()) for i in old]
        self._rows = self._sorted(self._rows)
        self._texts = None
        where = {id(obj): row for row, obj in enumerate(self._rows)}
        self.changePersistentIndexList(old, [self.index(where[id(obj)], c) for obj, c in kept])
        self.layoutChanged.emit()

    def cell(self, obj, column: int) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def retired(self, obj) -> bool:
        return False

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        obj = self._rows[index.row()]
        if role in (Qt.DisplayRole, SortRole):
            return self.cell(obj, index.column())
        if role == Qt.ToolTipRole:
            return self.cell(obj, index.column())
        if role == ObjectRole:
            return obj
        if role == RetiredRole:
            return self.retired(obj)
        if role == Qt.ForegroundRole and self.retired(obj):
            return Qt.gray
        return None


class WindowsModel(_RowsModel):
    headers = ("窗口编号", "窗口名称", "进驻部门", "启用日期", "撤出日期", "状态")

    def __init__(self, parent=None, today: date | None = None):
        super().__init__(parent)
        self.today = today or date.today()

    def retired(self, w: Window) -> bool:
        return w.end is not None and w.end < self.today

    def cell(self, w: Window, column: int) -> str:
        if column == 5:
            if self.retired(w):
                return "已撤出"
            if w.start and w.start > self.today:
                return "未启用"
            return "在用"
        return (w.code, w.name, w.department, show_date(w.start), show_date(w.end, ""))[column]


class PersonRow:
    """A person with the assignment shown in the table (today's, else the latest),
    and whether they are listed in the selected month (and why not)."""

    def __init__(
        self, person: Person, assignments: list[Assignment], windows: dict[str, Window], today: date, month: str
    ):
        self.person = person
        self.assignments = sorted(assignments, key=lambda a: (a.start or date.min, a.window_code))
        current = [a for a in self.assignments if a.covers(today)]
        # The weightier role first when someone holds two posts today.
        current.sort(key=lambda a: ROLES.index(a.role) if a.role in ROLES else len(ROLES))
        self.current = current[0] if current else (self.assignments[-1] if self.assignments else None)
        self.presence = month_presence(self.assignments, windows, month)
        self.gone = bool(self.assignments) and not any(a.end is None or a.end >= today for a in self.assignments)
        # Hidden (with 显示已撤出/离岗 unticked) only when gone and absent from the month being
        # scored; a person without any assignment stays in sight, or they could never be fixed.
        self.retired = self.gone and not self.presence.listed
        w = windows.get(self.current.window_code) if self.current else None
        self.window_text = f"{w.code} {w.name}" if w else (self.current.window_code if self.current else "")


PEOPLE_HEADERS = ("工号", "姓名", "窗口", "身份", "在岗起始", "在岗截止", "联系电话", "状态")
MONTH_COLUMN = len(PEOPLE_HEADERS)


def month_header(month: str) -> str:
    return f"本月（{month}）"


class PeopleModel(_RowsModel):
    headers = PEOPLE_HEADERS + (month_header(""),)

    def __init__(self, parent=None, month: str = ""):
        super().__init__(parent)
        self.set_month_header(month)

    def set_month_header(self, month: str) -> None:
        self.headers = PEOPLE_HEADERS + (month_header(month),)
        self.headerDataChanged.emit(Qt.Horizontal, MONTH_COLUMN, MONTH_COLUMN)

    def retired(self, row: PersonRow) -> bool:
        return row.retired

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if role == Qt.ForegroundRole and index.isValid() and index.column() == MONTH_COLUMN:
            if not self._rows[index.row()].presence.listed:
                return QColor("#b00020")  # not scored this month: the clerk should see why at a glance
        return super().data(index, role)

    def cell(self, row: PersonRow, column: int) -> str:
        a = row.current
        if column == 7:
            if not row.assignments:
                return "无岗位"
            return "离岗" if row.gone else "在岗"
        if column == MONTH_COLUMN:
            return row.presence.text
        values = (
            row.person.id,
            row.person.name,
            row.window_text,
            a.role if a else "",
            show_date(a.start) if a else "",
            show_date(a.end, "") if a else "",
            row.person.phone,
        )
        return values[column]


def people_rows(
    windows: list[Window], people: list[Person], assignments: list[Assignment], today: date, month: str
) -> list[PersonRow]:
    by_code = {w.code: w for w in windows}
    mine: dict[str, list[Assignment]] = {}
    for a in assignments:
        mine.setdefault(a.person_id, []).append(a)
    return [PersonRow(p, mine.get(p.id, []), by_code, today, month) for p in people]


class AssignmentsModel(_RowsModel):
    """One person's assignments, edited in the person dialog."""

    headers = ("窗口", "身份", "在岗起始", "在岗截止")

    def __init__(self, parent=None, windows: dict[str, Window] | None = None):
        super().__init__(parent)
        self.windows = windows or {}

    def cell(self, a: Assignment, column: int) -> str:
        w = self.windows.get(a.window_code)
        window = f"{w.code} {w.name}" if w else a.window_code
        return (window, a.role, show_date(a.start), show_date(a.end))[column]

    def assignments(self) -> list[Assignment]:
        return list(self._rows)


class RosterFilter(QSortFilterProxyModel):
    """Text filter over every column (case-insensitive), and retired rows hidden unless asked for.

    Sorting is handed to the source model (see _RowsModel), so the proxy keeps its order.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show_retired = False
        self.text = ""

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def setFilterFixedString(self, text: str) -> None:
        self.text = text.strip().casefold()
        self.invalidateRowsFilter()

    def set_show_retired(self, show: bool) -> None:
        self.show_retired = show
        self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        model = self.sourceModel()
        if not self.show_retired and model.retired(model.row_object(source_row)):
            return False
        return not self.text or self.text in model.search_text(source_row)
