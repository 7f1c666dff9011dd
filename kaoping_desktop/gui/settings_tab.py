"""The 设置 tab: center name, grade thresholds, 红旗窗口 count, signature titles."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QWidget

from ..domain.numbers import to_text
from ..domain.settings import Grade
from ..services import InputError
from ..services import settings as settings_service
from ..services.settings import AppSettings
from .table_base import HeaderedTableModel
from .uiload import load_into


class GradesModel(HeaderedTableModel):
    """Grades as editable text (name, minimum score); parsed when saving."""

    headers = ("等次", "分数线（不低于）")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[list[str]] = []

    def set_grades(self, grades) -> None:
        self.beginResetModel()
        self.rows = [[g.name, to_text(g.minimum)] for g in grades]
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.rows)

    def flags(self, index):
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable

    def data(self, index, role=Qt.DisplayRole):
        if index.isValid() and role in (Qt.DisplayRole, Qt.EditRole):
            return self.rows[index.row()][index.column()]
        return None

    def setData(self, index, value, role=Qt.EditRole) -> bool:
        if not index.isValid() or role != Qt.EditRole:
            return False
        self.rows[index.row()][index.column()] = str(value).strip()
        self.dataChanged.emit(index, index, [Qt.DisplayRole, Qt.EditRole])
        return True

    def add_row(self) -> int:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(["", ""])
        self.endInsertRows()
        return len(self.rows) - 1

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def grades(self) -> tuple[Grade, ...]:
        result = []
        for name, minimum in self.rows:
            if not name:
                raise InputError("等次名称不能为空")
            try:
                value = Fraction(minimum)
            except (ValueError, ZeroDivisionError):
                raise InputError(f"等次“{name}”的分数线“{minimum}”不是数字") from None
            result.append(Grade(name, value))
        # Highest first, as the clerk reads them.
        return tuple(sorted(result, key=lambda g: g.minimum, reverse=True))


class SettingsTab(QWidget):
    settings_saved = Signal(object)  # the AppSettings just stored

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        load_into(self, "settings_tab.ui")
        self.grades = GradesModel(self)
        self.gradesView.setModel(self.grades)
        self.gradesView.verticalHeader().hide()
        self.gradesView.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.titles = QStringListModel(self)
        self.titlesView.setModel(self.titles)
        self.addGradeButton.clicked.connect(self._add_grade)
        self.removeGradeButton.clicked.connect(lambda: self.grades.remove_row(self.gradesView.currentIndex().row()))
        self.addTitleButton.clicked.connect(self._add_title)
        self.removeTitleButton.clicked.connect(self._remove_title)
        self.saveButton.clicked.connect(self.save)
        self.revertButton.clicked.connect(self.refresh)
        self.centerNameEdit.returnPressed.connect(self.save)
        self.saveButton.setDefault(True)
        self.errorLabel.hide()
        self.refresh()

    def refresh(self) -> None:
        current = settings_service.load_settings()
        self.centerNameEdit.setText(current.center_name)
        self.redFlagSpin.setValue(current.red_flag_count)
        self.grades.set_grades(current.grades)
        self.titles.setStringList(list(current.signature_titles))
        self._show_error("")
        self.statusLabel.setText("")

    def _add_grade(self) -> None:
        index = self.grades.index(self.grades.add_row(), 0)
        self.gradesView.setCurrentIndex(index)
        self.gradesView.edit(index)

    def _add_title(self) -> None:
        row = self.titles.rowCount()
        self.titles.insertRows(row, 1)
        index = self.titles.index(row, 0)
        self.titlesView.setCurrentIndex(index)
        self.titlesView.edit(index)

    def _remove_title(self) -> None:
        row = self.titlesView.currentIndex().row()
        if row >= 0:
            self.titles.removeRows(row, 1)

    def _show_error(self, message: str) -> None:
        self.errorLabel.setText(message)
        self.errorLabel.setVisible(bool(message))

    def edited_settings(self) -> AppSettings:
        return AppSettings(
            center_name=self.centerNameEdit.text(),
            grades=self.grades.grades(),
            red_flag_count=self.redFlagSpin.value(),
            signature_titles=tuple(self.titles.stringList()),
        )

    def save(self) -> bool:
        try:
            new = self.edited_settings()
            settings_service.save_settings(new)
        except InputError as exc:
            self._show_error(str(exc))
            self.statusLabel.setText("")
            return False
        self.refresh()
        self.statusLabel.setText("设置已保存")
        self.settings_saved.emit(settings_service.load_settings())
        return True
