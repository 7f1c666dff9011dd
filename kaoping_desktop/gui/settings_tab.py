"""The 设置 tab: center name, the 通报's 落款单位, grade thresholds, 红旗窗口 and 年度先进 counts,
the signature titles of each signed document (窗口评分表, 月度汇总表, 人员得分表, 年度汇总),
the first evaluated month (开始考评月份), the operator (操作员) and the 上月截止日; and,
to read only, where the automatic backups are kept (打开文件夹 shows them).

Everything on the tab is saved together or not at all (services/settings_form.py);
a refusal is shown on the tab in Chinese, with the refused field focused.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QWidget

from ..domain.numbers import to_text
from ..domain.settings import SIGNED_DOCUMENT_LABELS, SIGNED_DOCUMENTS, Grade
from ..domain.calendar import parse_month
from ..services import DatabaseBusy, InputError, MonthClosedError
from ..services import settings as settings_service
from ..services.settings import AppSettings
from ..services.settings_form import save_all, stored_values
from .app_state import SETTINGS, AppState, LazyRefresh
from .table_base import HeaderedTableModel
from .uiload import load_into, load_ui


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


# The keyed settings (services.settings.KEYS) this tab edits, with their field names.
KEYED_FIELDS = {
    "issuer": "通报落款单位",
    "annual-awards": "年度先进窗口数",
    "first-month": "开始考评月份",
    "operator": "操作员",
    "previous-month-until-day": "上月截止日",
}


def _month_text(text: str) -> str:
    """A typed month as it would be stored ("2026/10" -> "2026-10"); odd text stays as typed."""
    text = text.strip()
    if not text:
        return ""
    try:
        return parse_month(text)
    except ValueError:
        return text


class SettingsTab(LazyRefresh, QWidget):
    """API: `refresh()` / `discard_changes()` reload from the database; `save() -> bool`;
    `has_unsaved_changes()`; `focus_field(key)`; after a save, `state.notify(SETTINGS)`."""

    def __init__(self, parent: QWidget | None = None, state: AppState | None = None):
        super().__init__(parent)
        self.state = state or AppState(settings_service.starting_month())
        load_into(self, "settings_tab.ui")
        self.grades = GradesModel(self)
        self.gradesView.setModel(self.grades)
        self.gradesView.verticalHeader().hide()
        self.gradesView.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        # One list per signed document; the combo chooses which one the list view edits.
        self.title_lists = {doc: QStringListModel(self) for doc in SIGNED_DOCUMENTS}
        for doc in SIGNED_DOCUMENTS:
            self.titlesDocumentCombo.addItem(SIGNED_DOCUMENT_LABELS[doc], doc)
        self.titlesDocumentCombo.currentIndexChanged.connect(lambda _i: self._show_title_list())
        self._show_title_list()
        self.addGradeButton.clicked.connect(self._add_grade)
        self.removeGradeButton.clicked.connect(lambda: self.grades.remove_row(self.gradesView.currentIndex().row()))
        self.addTitleButton.clicked.connect(self._add_title)
        self.removeTitleButton.clicked.connect(self._remove_title)
        self.saveButton.clicked.connect(self.save)
        self.revertButton.clicked.connect(self.discard_changes)
        for edit in (self.centerNameEdit, self.issuerEdit, self.firstMonthEdit, self.operatorEdit):
            edit.returnPressed.connect(self.save)
        self.saveButton.setDefault(True)
        self.errorLabel.hide()
        self._add_auto_backup_row()
        self._shown: dict = {}
        self.watch(self.state)
        self.refresh()

    # -- signature titles, one list per document ----------------------------------------------

    @property
    def titles(self) -> QStringListModel:
        """The list of the document chosen in the combo."""
        return self.title_lists[self.titles_document()]

    def titles_document(self) -> str:
        return self.titlesDocumentCombo.currentData()

    def choose_titles_document(self, document: str) -> None:
        self.titlesDocumentCombo.setCurrentIndex(self.titlesDocumentCombo.findData(document))

    def _show_title_list(self) -> None:
        self.titlesView.setModel(self.titles)

    def _title_values(self) -> dict[str, tuple[str, ...]]:
        return {doc: tuple(model.stringList()) for doc, model in self.title_lists.items()}

    # -- where the automatic backups are (read only) ------------------------------------------

    def _add_auto_backup_row(self) -> None:
        row = load_ui("auto_backup_folder.ui", self)
        self.autoBackupPathLabel = row.findChild(QLabel, "autoBackupPathLabel")
        self.openAutoBackupButton = row.findChild(QPushButton, "openAutoBackupButton")
        self.openAutoBackupButton.clicked.connect(self.open_auto_backup_folder)
        self.form.addRow("自动备份文件夹：", row)
        self.autoBackupRow = row
        self._show_auto_backup_folder()

    def auto_backup_folder(self) -> Path | None:
        from .. import backup
        from ..services import desktop

        path = desktop.database_path()
        return backup.auto_backup_dir(path) if path is not None else None

    def _show_auto_backup_folder(self) -> None:
        folder = self.auto_backup_folder()
        self.autoBackupPathLabel.setText(str(folder) if folder else "")
        self.openAutoBackupButton.setEnabled(folder is not None)

    def open_auto_backup_folder(self) -> bool:
        """Show the folder in the file manager (made first if no automatic backup exists yet)."""
        folder = self.auto_backup_folder()
        if folder is None:
            return False
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.statusLabel.setText(f"无法打开文件夹：{exc}")
            return False
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        if not opened:
            self.statusLabel.setText(f"无法打开文件夹，请在资源管理器中打开：{folder}")
        return opened

    # -- the form as plain values ----------------------------------------------------------

    def _form(self) -> dict:
        """What the fields hold now, in the shape of `_stored()`."""
        return {
            "center-name": self.centerNameEdit.text().strip(),
            "red-flags": self.redFlagSpin.value(),
            "grades": tuple(tuple(row) for row in self.grades.rows),
            "titles": self._title_values(),
            "issuer": self.issuerEdit.text().strip(),
            "annual-awards": str(self.annualAwardsSpin.value()),
            "first-month": _month_text(self.firstMonthEdit.text()),
            "operator": self.operatorEdit.text().strip(),
            "previous-month-until-day": str(self.previousMonthDaySpin.value()),
        }

    def _stored(self) -> dict:
        current = settings_service.load_settings()
        return {
            "center-name": current.center_name,
            "red-flags": current.red_flag_count,
            "grades": tuple((g.name, to_text(g.minimum)) for g in current.grades),
            "titles": {doc: tuple(current.signature_titles[doc]) for doc in SIGNED_DOCUMENTS},
            **stored_values(KEYED_FIELDS),
        }

    def _show_field(self, name: str, value) -> None:
        if name == "center-name":
            self.centerNameEdit.setText(value)
        elif name == "red-flags":
            self.redFlagSpin.setValue(int(value))
        elif name == "grades":
            self.grades.beginResetModel()
            self.grades.rows = [list(row) for row in value]
            self.grades.endResetModel()
        elif name == "titles":
            for doc, titles in value.items():
                self.title_lists[doc].setStringList(list(titles))
        elif name == "issuer":
            self.issuerEdit.setText(value)
        elif name == "annual-awards":
            self.annualAwardsSpin.setValue(int(value))
        elif name == "first-month":
            self.firstMonthEdit.setText(value)
        elif name == "operator":
            self.operatorEdit.setText(value)
        elif name == "previous-month-until-day":
            self.previousMonthDaySpin.setValue(int(value))

    def focus_field(self, key: str) -> None:
        """Put the cursor in one field, its text selected (the guide's 中心名称 / 开始考评月份 steps).
        `key`: "center-name", "red-flags", or a key of KEYED_FIELDS."""
        widget = {"center-name": self.centerNameEdit, "red-flags": self.redFlagSpin}.get(key) or self._field_widget(key)
        if widget is None:
            raise KeyError(key)
        widget.setFocus(Qt.OtherFocusReason)
        if hasattr(widget, "selectAll"):
            widget.selectAll()

    def has_unsaved_changes(self) -> bool:
        """Does any field differ from what is stored?"""
        return self._form() != self._stored()

    # -- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the stored settings, dropping any edit."""
        stored = self._stored()
        for name, value in stored.items():
            self._show_field(name, value)
        self._shown = stored
        self._show_error("")
        self.statusLabel.setText("")
        self._show_auto_backup_folder()

    def discard_changes(self) -> None:
        self.refresh()

    def refresh_for(self, kinds: frozenset) -> None:
        if SETTINGS not in kinds:
            return
        # Changed elsewhere (first-start dialog, operator dialog…): take the new values, but only
        # into fields the clerk has not edited here.
        form, stored = self._form(), self._stored()
        for name, value in stored.items():
            if form[name] == self._shown.get(name):
                self._show_field(name, value)
        self._shown = stored

    # -- editing lists ---------------------------------------------------------------------

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

    # -- saving --------------------------------------------------------------------------

    def edited_settings(self) -> AppSettings:
        return AppSettings(
            center_name=self.centerNameEdit.text(),
            grades=self.grades.grades(),
            red_flag_count=self.redFlagSpin.value(),
            signature_titles=self._title_values(),
        )

    def _edited_values(self) -> dict[str, str]:
        """The keyed settings that differ from what is stored, as typed."""
        typed = {
            "issuer": self.issuerEdit.text(),
            "annual-awards": str(self.annualAwardsSpin.value()),
            "first-month": self.firstMonthEdit.text(),
            "operator": self.operatorEdit.text(),
            "previous-month-until-day": str(self.previousMonthDaySpin.value()),
        }
        form, stored = self._form(), stored_values(KEYED_FIELDS)
        return {key: typed[key] for key in KEYED_FIELDS if form[key] != stored[key]}

    def _field_widget(self, key: str | None) -> QWidget | None:
        return {
            "issuer": self.issuerEdit,
            "annual-awards": self.annualAwardsSpin,
            "first-month": self.firstMonthEdit,
            "operator": self.operatorEdit,
            "previous-month-until-day": self.previousMonthDaySpin,
        }.get(key)

    def _refusal_text(self, exc: Exception, key: str | None) -> str:
        if isinstance(exc, MonthClosedError) and key == "first-month":
            month = exc.month
            return (
                f"开始考评月份不能改为“{self.firstMonthEdit.text().strip()}”：{month} 已锁定，"
                f"改到它之后，这个已锁定的月份就不再考评了。请选 {month} 或更早的月份；"
                f"确需更改，请先在“月度结果”中重新开放 {month}。"
            )
        label = KEYED_FIELDS.get(key or "")
        message = str(exc)
        if label and not message.startswith(label):
            return f"{label}：{message}"
        return message

    def save(self) -> bool:
        key = None
        try:
            new = self.edited_settings()
            values = self._edited_values()
            save_all(values, new)
        except DatabaseBusy as exc:  # another program is writing: what was typed stays
            self._show_error(str(exc))
            self.statusLabel.setText("")
            return False
        except (InputError, MonthClosedError) as exc:
            key = getattr(exc, "setting_key", None)
            self._show_error(self._refusal_text(exc, key))
            self.statusLabel.setText("")
            widget = self._field_widget(key)
            if widget is not None:
                widget.setFocus()
            return False
        self.refresh()
        self.statusLabel.setText("设置已保存")
        self.state.notify(SETTINGS)
        return True
