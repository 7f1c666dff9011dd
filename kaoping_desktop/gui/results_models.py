"""Ranking and people tables of the 月度结果 tab.

Every string is prepared once (`prepare_ranking`, `prepare_people`: plain Python,
so the results worker runs them off the GUI thread), and data() only indexes
lists. Qt asks data() for about ten roles of each visible cell on every paint,
so it compares plain ints, not Qt enums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView

from ..domain.numbers import display
from ..domain.scoring import MonthResult, PersonResult
from .table_base import HeaderedTableModel

CodeRole = Qt.UserRole + 1
SortRole = Qt.UserRole + 2
# Set on a view whose column widths the window restored from the last session.
WIDTHS_REMEMBERED = "widthsRemembered"

_DISPLAY = 0
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_CODE = int(CodeRole)
_SORT = int(SortRole)
_HORIZONTAL = Qt.Orientation.Horizontal
_CENTER = int(Qt.AlignmentFlag.AlignCenter.value)
_RED = QBrush(QColor("#fde2e1"))


@dataclass(frozen=True)
class Prepared:
    """A table's rows as display strings and sort keys, with the object behind each row."""

    headers: tuple[str, ...]
    objects: tuple = ()
    cells: tuple = ()  # rows of strings
    keys: tuple = ()  # rows of sort keys (ints and strings)
    marked: frozenset = field(default_factory=frozenset)  # rows drawn red (红旗窗口)
    centered: frozenset = field(default_factory=frozenset)  # columns centred

    def rows(self, wanted) -> "Prepared":
        """Only the rows whose object `wanted(obj)` accepts (the selected window's people)."""
        keep = [i for i, obj in enumerate(self.objects) if wanted(obj)]
        return Prepared(
            self.headers,
            tuple(self.objects[i] for i in keep),
            tuple(self.cells[i] for i in keep),
            tuple(self.keys[i] for i in keep),
            frozenset(n for n, i in enumerate(keep) if i in self.marked),
            self.centered,
        )


def _num(value: Fraction) -> int:
    """An integer sort key (millionths); Qt cannot compare Fractions."""
    return int(value * 1_000_000)


RANKING_FIXED = ["名次", "窗口编号", "窗口", "部门", "首席代表分", "工作人员分", "基础分"]
RANKING_TAIL = ["总分", "等级", "红旗窗口", "取消评优", "提示"]


def prepare_ranking(result: MonthResult, category_names: dict[str, str]) -> Prepared:
    cats = [c for c in sorted(category_names) if c != "1"]
    headers = RANKING_FIXED + [f"{c} {category_names[c]}" for c in cats] + RANKING_TAIL
    cells, keys, marked = [], [], set()
    zero = Fraction(0)
    for n, w in enumerate(result.windows):
        row = [str(w.rank), w.code, w.name, w.department, display(w.chief_component), display(w.staff_component), display(w.base)]
        key: list = [w.rank, w.code, w.name, w.department, _num(w.chief_component), _num(w.staff_component), _num(w.base)]
        for c in cats:
            value = w.categories.get(c, zero)
            row.append(display(value))
            key.append(_num(value))
        warnings = "；".join(w.warnings)
        row += [display(w.total), w.grade, "★" if w.red_flag else "", "、".join(w.marks), warnings]
        key += [_num(w.total), w.grade, int(w.red_flag), int(w.disqualified), warnings]
        cells.append(tuple(row))
        keys.append(tuple(key))
        if w.red_flag:
            marked.add(n)
    centered = frozenset(i for i in range(len(headers)) if i not in (1, 2, 3))
    return Prepared(tuple(headers), tuple(result.windows), tuple(cells), tuple(keys), frozenset(marked), centered)


PEOPLE_HEADERS = ("窗口", "工号", "姓名", "身份", "个人得分", "其中首席代表扣分")


def prepare_people(people) -> Prepared:
    people = tuple(people)
    cells = tuple(
        (p.window_code, p.person_id, p.name, p.role, display(p.score), display(p.chief_share) if p.chief_share else "")
        for p in people
    )
    keys = tuple((p.window_code, p.person_id, p.name, p.role, _num(p.score), _num(p.chief_share)) for p in people)
    return Prepared(PEOPLE_HEADERS, people, cells, keys)


class _Table(HeaderedTableModel):
    headers: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._prepared = Prepared(tuple(self.headers))
        self._cells: tuple = ()

    def row_count(self) -> int:
        return len(self._cells)

    def object_at(self, row: int):
        return self._prepared.objects[row]

    @property
    def cells(self) -> tuple:
        return self._cells

    @property
    def prepared(self) -> Prepared:
        return self._prepared

    def clear(self) -> None:
        self.set_prepared(Prepared(tuple(self.headers)))

    def set_prepared(self, prepared: Prepared) -> None:
        self.beginResetModel()
        self._prepared, self._cells = prepared, prepared.cells
        self.headers = prepared.headers
        self.endResetModel()

    def headerData(self, section, orientation, role=_DISPLAY):
        if role == _DISPLAY and orientation == _HORIZONTAL:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role=_DISPLAY):
        if role == _DISPLAY:
            return self._cells[index.row()][index.column()]
        if role == _ALIGN:
            return _CENTER if index.column() in self._prepared.centered else None
        if role == _BACKGROUND:
            return _RED if index.row() in self._prepared.marked else None
        if role == _SORT:
            return self._prepared.keys[index.row()][index.column()]
        if role == _CODE:
            return self._prepared.objects[index.row()]
        return None


class RankingModel(_Table):
    headers = tuple(RANKING_FIXED + RANKING_TAIL)

    def set_result(self, result: MonthResult, category_names: dict[str, str]) -> None:
        self.set_prepared(prepare_ranking(result, category_names))

    def total_of(self, code: str) -> str | None:
        column = self.headers.index("总分")
        for row in self._cells:
            if row[1] == code:
                return row[column]
        return None


class PeopleModel(_Table):
    headers = PEOPLE_HEADERS

    def set_people(self, people: list[PersonResult]) -> None:
        self.set_prepared(prepare_people(people))


def sorting_proxy(parent, model) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    return proxy


def fit_columns(view: QTableView, headers, cells, widest: int = 320) -> None:
    """Size columns to their title and longest text, measured on the prepared strings.

    resizeColumnsToContents asks data() for every cell and role (a quarter of a
    second for a 120-window ranking); this measures one string per column. It
    runs when the columns change (or the first rows come), so widths the clerk
    set stay, and never once the window restored remembered widths.
    """
    if view.property(WIDTHS_REMEMBERED):
        return
    fitted = (list(headers), bool(cells))
    if view.property("fittedColumns") == repr(fitted):
        return
    view.setProperty("fittedColumns", repr(fitted))
    metrics = view.fontMetrics()
    header_metrics = view.horizontalHeader().fontMetrics()
    for column, title in enumerate(fitted[0]):
        longest = max((row[column] for row in cells), key=len, default="")
        width = max(header_metrics.horizontalAdvance(title), metrics.horizontalAdvance(longest)) + 24
        view.setColumnWidth(column, min(width, widest))
