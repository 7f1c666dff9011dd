"""操作日志: who did what, filterable by month, kind of operation and operator.

API for the main window: `open_audit_log(parent, state)` shows the (non-modal)
dialog, or `AuditLogDialog(parent, state)` to build it. Rows are loaded 200 at a
time, newest first; 显示更早的记录 loads the next page. The dialog reloads when
the shared state reports a data change while it is open.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QHeaderView, QWidget

from ..services import audit_log
from ..services import settings as settings_service
from .app_state import AppState
from .month_picker import MonthPicker
from .table_base import HeaderedTableModel
from .uiload import load_into

ALL_KINDS = "全部操作"
ALL_OPERATORS = "全部操作员"


class AuditModel(HeaderedTableModel):
    headers = ("时间", "操作员", "操作", "对象", "内容")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[audit_log.AuditEntry] = []

    def row_count(self) -> int:
        return len(self.entries)

    def set_entries(self, entries) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def append(self, entries) -> None:
        entries = list(entries)
        if not entries:
            return
        first = len(self.entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self.entries.extend(entries)
        self.endInsertRows()

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == Qt.DisplayRole:
            return (entry.at, entry.operator, entry.action, entry.target, entry.summary)[index.column()]
        if role == Qt.ToolTipRole and index.column() == 4:
            return "\n".join(entry.lines)
        return None

    def entry(self, row: int) -> audit_log.AuditEntry | None:
        return self.entries[row] if 0 <= row < len(self.entries) else None


class AuditLogDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, state: AppState | None = None):
        super().__init__(parent)
        load_into(self, "audit_log_dialog.ui")
        self.layout().setContentsMargins(10, 10, 10, 10)
        self.setWindowTitle("操作日志")
        self.resize(1040, 680)
        self.state = state
        self.page: audit_log.AuditPage | None = None
        self.page_size = audit_log.PAGE_SIZE

        self.monthPicker = MonthPicker.inside(self.monthHolder)
        self.monthPicker.set_month(state.month if state is not None else settings_service.starting_month())
        self.monthPicker.setEnabled(False)
        self.setTabOrder(self.monthCheck, self.monthPicker.year)
        self.setTabOrder(self.monthPicker.year, self.monthPicker.month_box)
        self.setTabOrder(self.monthPicker.month_box, self.kindCombo)

        self.model = AuditModel(self)
        self.auditView.setModel(self.model)
        self.auditView.verticalHeader().hide()
        header = self.auditView.horizontalHeader()
        for column, width in enumerate((150, 90, 100, 150)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(4, QHeaderView.Stretch)
        self.splitter.setSizes([460, 140])

        self._fill_choices()
        self.monthCheck.toggled.connect(self._month_toggled)
        self.monthPicker.monthChanged.connect(lambda _m: self.reload())
        self.kindCombo.currentIndexChanged.connect(lambda _i: self.reload())
        self.operatorCombo.currentIndexChanged.connect(lambda _i: self.reload())
        self.resetButton.clicked.connect(self.show_all)
        self.moreButton.clicked.connect(self.load_more)
        self.closeButton.clicked.connect(self.close)
        self.auditView.selectionModel().currentRowChanged.connect(self._show_detail)
        if state is not None:
            state.data_changed.connect(self._data_changed)
        self.reload()

    # -- filters -------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        """The kinds and operators present in the log, keeping the current choice."""
        for combo, first, values in (
            (self.kindCombo, ALL_KINDS, audit_log.kinds()),
            (self.operatorCombo, ALL_OPERATORS, audit_log.operators()),
        ):
            chosen = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first)
            combo.addItems(values)
            combo.setCurrentIndex(max(0, combo.findText(chosen)))
            combo.blockSignals(False)

    def set_filters(self, month: str | None = None, kind: str | None = None, operator: str | None = None) -> None:
        """Filter (None = any) and reload; for the main window and tests."""
        for widget in (self.monthCheck, self.monthPicker, self.kindCombo, self.operatorCombo):
            widget.blockSignals(True)
        self.monthCheck.setChecked(month is not None)
        self.monthPicker.setEnabled(month is not None)
        if month is not None:
            self.monthPicker.set_month(month)
        self.kindCombo.setCurrentIndex(max(0, self.kindCombo.findText(kind)) if kind else 0)
        self.operatorCombo.setCurrentIndex(max(0, self.operatorCombo.findText(operator)) if operator else 0)
        for widget in (self.monthCheck, self.monthPicker, self.kindCombo, self.operatorCombo):
            widget.blockSignals(False)
        self.reload()

    def filters(self) -> dict:
        return {
            "month": self.monthPicker.month() if self.monthCheck.isChecked() else None,
            "kind": self.kindCombo.currentText() if self.kindCombo.currentIndex() > 0 else None,
            "operator": self.operatorCombo.currentText() if self.operatorCombo.currentIndex() > 0 else None,
        }

    def show_all(self) -> None:
        self.set_filters()

    def _month_toggled(self, checked: bool) -> None:
        self.monthPicker.setEnabled(checked)
        self.reload()

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        self.page = audit_log.entries(**self.filters(), limit=self.page_size)
        self.model.set_entries(self.page.entries)
        self._after_load()
        if self.model.rowCount():
            self.auditView.selectRow(0)
        else:
            self.detailText.clear()

    def load_more(self) -> None:
        if self.page is None or not self.page.has_more:
            return
        self.page = audit_log.entries(**self.filters(), limit=self.page_size, before_id=self.page.last_id)
        self.model.append(self.page.entries)
        self._after_load()

    def _after_load(self) -> None:
        more = bool(self.page and self.page.has_more)
        self.moreButton.setEnabled(more)
        count = self.model.rowCount()
        if count == 0:
            self.countLabel.setText("没有符合条件的记录")
        else:
            self.countLabel.setText(f"已显示 {count} 条" + ("（还有更早的记录）" if more else "（已全部显示）"))

    def _data_changed(self, _kinds) -> None:
        if self.isVisible():
            self._fill_choices()
            self.reload()

    def _show_detail(self, current: QModelIndex, _previous=None) -> None:
        entry = self.model.entry(current.row())
        if entry is None:
            self.detailText.clear()
            return
        head = f"{entry.at}　{entry.operator or '（未记录）'}　{entry.action}　{entry.target}"
        self.detailText.setPlainText("\n".join([head, *entry.lines]))

    def rows(self) -> list[tuple[str, ...]]:
        """The table as shown (tests, screenshots)."""
        m = self.model
        return [tuple(m.index(r, c).data() for c in range(m.columnCount())) for r in range(m.rowCount())]


def open_audit_log(parent: QWidget | None = None, state: AppState | None = None) -> AuditLogDialog:
    dialog = AuditLogDialog(parent, state)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.show()
    return dialog


__all__ = ["AuditLogDialog", "AuditModel", "open_audit_log"]
