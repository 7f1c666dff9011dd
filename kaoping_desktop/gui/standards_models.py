"""Table models for the 评分标准 tab: clause rows of one standard, editable variants."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from ..domain.numbers import to_text
from ..domain.consequences import CONSEQUENCE_LABELS
from ..domain.standards import Category, Clause, EvidenceType, Standard, Variant, points
from .table_base import HeaderedTableModel

ClauseRole = Qt.UserRole + 1


def show_points(value: Fraction) -> str:
    return to_text(value) if value else ""


@dataclass(frozen=True)
class ClauseRow:
    """One line of the table: a clause, or one of its variants."""

    category: Category
    clause: Clause
    variant: Variant | None
    first: bool  # the clause's first line (shows its id and text)


class ClausesModel(HeaderedTableModel):
    headers = ("类别", "条款", "内容", "情形", "窗口扣分", "首席代表扣分", "人员扣分", "单位", "评定依据", "后果")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[ClauseRow] = []
        self.evidence: dict[str, str] = {}

    def set_standard(self, std: Standard | None, evidence: list[EvidenceType]) -> None:
        self.beginResetModel()
        self.evidence = {e.code: e.name for e in evidence}
        self.rows = []
        if std is not None:
            categories = {c.code: c for c in std.categories}
            for clause in std.clauses:
                category = categories[clause.category_code]
                variants = clause.variants or (None,)
                for i, v in enumerate(variants):
                    self.rows.append(ClauseRow(category, clause, v, i == 0))
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.rows)

    def evidence_text(self, clause: Clause) -> str:
        return "、".join(self.evidence.get(code, code) for code in clause.evidence_codes)

    def cell(self, row: ClauseRow, column: int) -> str:
        cl, v = row.clause, row.variant
        if column == 0:
            return f"{row.category.code} {row.category.name}（{to_text(row.category.points)} 分）"
        if column == 1:
            return cl.code
        if column == 2:
            return cl.text
        if column == 3:
            if v is None:
                return f"计算得出，满分 {to_text(cl.points)} 分"
            return v.name
        if column in (4, 5, 6):
            if v is None:
                return ""
            return show_points((v.window_points, v.chief_points, v.person_points)[column - 4])
        if column == 7:
            return cl.unit
        if column == 8:
            return self.evidence_text(cl)
        if column == 9:
            return CONSEQUENCE_LABELS.get(cl.consequence, cl.consequence or "")
        return ""

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.DisplayRole:
            # Later lines of a multi-variant clause leave the clause columns blank, like the printed table.
            if not row.first and index.column() in (0, 1, 2, 7, 8, 9):
                return ""
            return self.cell(row, index.column())
        if role == Qt.ToolTipRole:
            text = self.cell(row, index.column())
            if index.column() in (1, 2) and row.clause.note:
                text += f"\n{row.clause.note}"
            return text
        if role == Qt.UserRole:  # filtered on: everything about the clause
            return " ".join(self.cell(row, c) for c in range(len(self.headers))) + " " + " ".join(
                row.clause.evidence_codes
            )
        if role == ClauseRole:
            return row.clause
        if role == Qt.TextAlignmentRole and index.column() in (4, 5, 6):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class ClauseFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFilterRole(Qt.UserRole)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseInsensitive)


class VariantsModel(HeaderedTableModel):
    """A clause's variants as editable text; checked and parsed when the dialog saves."""

    headers = ("情形名称", "窗口扣分", "首席代表扣分", "人员扣分")

    def __init__(self, variants: tuple[Variant, ...] = (), parent=None):
        super().__init__(parent)
        self.rows: list[list[str]] = [
            [v.name, show_points(v.window_points), show_points(v.chief_points), show_points(v.person_points)]
            for v in variants
        ]

    def row_count(self) -> int:
        return len(self.rows)

    def flags(self, index: QModelIndex):
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if index.isValid() and role in (Qt.DisplayRole, Qt.EditRole):
            return self.rows[index.row()][index.column()]
        if index.isValid() and role == Qt.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def setData(self, index: QModelIndex, value, role=Qt.EditRole) -> bool:
        if not index.isValid() or role != Qt.EditRole:
            return False
        self.rows[index.row()][index.column()] = str(value).strip()
        self.dataChanged.emit(index, index, [Qt.DisplayRole, Qt.EditRole])
        return True

    def add_row(self) -> int:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(["", "", "", ""])
        self.endInsertRows()
        return len(self.rows) - 1

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def variants(self) -> tuple[Variant, ...]:
        """Parse every row; raises ValueError with a Chinese message on a bad value."""
        result = []
        for n, (name, *values) in enumerate(self.rows, start=1):
            parsed = []
            for header, text in zip(self.headers[1:], values):
                try:
                    parsed.append(points(text or "0"))
                except (ValueError, ZeroDivisionError):
                    raise ValueError(f"第 {n} 个情形的{header}“{text}”不正确：分值必须是 0.5 的非负整数倍") from None
            result.append(Variant(name, *parsed))
        if not result:
            raise ValueError("条款至少要有一个情形（无情形名称时留空名称）")
        return tuple(result)
