"""Ranking and people tables of the 月度结果 tab; strings prepared once per refresh."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from ..domain.numbers import display
from ..domain.scoring import MonthResult, PersonResult, WindowResult
from .table_base import HeaderedTableModel

CodeRole = Qt.UserRole + 1
SortRole = Qt.UserRole + 2
_RED = QBrush(QColor("#fde2e1"))


class _Table(HeaderedTableModel):
    headers: list[str] = []

    def __init__(self, parent=None):
        super().__init__(parent)
        self._objects: list = []
        self._cells: list[list[str]] = []
        self._sort: list[list] = []

    def row_count(self) -> int:
        return len(self._cells)

    def object_at(self, row: int):
        return self._objects[row]

    def _set(self, objects, cells, sort_keys) -> None:
        self.beginResetModel()
        self._objects, self._cells, self._sort = list(objects), cells, sort_keys
        self.endResetModel()

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == SortRole:
            return self._sort[index.row()][index.column()]
        if role == CodeRole:
            return self._objects[index.row()]
        return None


def _num(value: Fraction) -> int:
    """An integer sort key (millionths); Qt cannot compare Fractions."""
    return int(value * 1_000_000)


class RankingModel(_Table):
    def set_result(self, result: MonthResult, category_names: dict[str, str]) -> None:
        cats = [c for c in sorted(category_names) if c != "1"]
        self.headers = ["名次", "窗口编号", "窗口", "部门", "首席代表分", "工作人员分", "基础分"]
        self.headers += [f"{c} {category_names[c]}" for c in cats]
        self.headers += ["总分", "等级", "红旗窗口", "取消评优", "提示"]
        cells, keys = [], []
        for w in result.windows:
            row = [str(w.rank), w.code, w.name, w.department, display(w.chief_component), display(w.staff_component), display(w.base)]
            key: list = [w.rank, w.code, w.name, w.department, _num(w.chief_component), _num(w.staff_component), _num(w.base)]
            for c in cats:
                row.append(display(w.categories.get(c, Fraction(0))))
                key.append(_num(w.categories.get(c, Fraction(0))))
            row += [display(w.total), w.grade, "★" if w.red_flag else "", "取消评优" if w.disqualified else "", "；".join(w.warnings)]
            key += [_num(w.total), w.grade, int(w.red_flag), int(w.disqualified), "；".join(w.warnings)]
            cells.append(row)
            keys.append(key)
        self._set(result.windows, cells, keys)

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.BackgroundRole and index.isValid():
            w: WindowResult = self._objects[index.row()]
            return _RED if w.red_flag else None
        if role == Qt.TextAlignmentRole and index.isValid() and index.column() not in (1, 2, 3):
            return int(Qt.AlignCenter)
        return super().data(index, role)

    def total_of(self, code: str) -> str | None:
        for row in self._cells:
            if row[1] == code:
                return row[self.headers.index("总分")]
        return None


class PeopleModel(_Table):
    headers = ["窗口", "工号", "姓名", "身份", "个人得分", "其中首席代表扣分"]

    def set_people(self, people: list[PersonResult]) -> None:
        cells = [[p.window_code, p.person_id, p.name, p.role, display(p.score), display(p.chief_share) if p.chief_share else ""] for p in people]
        keys = [[p.window_code, p.person_id, p.name, p.role, _num(p.score), _num(p.chief_share)] for p in people]
        self._set(people, cells, keys)


def sorting_proxy(parent, model) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    return proxy
