"""The 人员名册 tab: windows and people, with dialogs to add, edit, move and retire."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QDialog, QHeaderView, QTableView, QWidget

from ..services import roster_view
from .roster_dialogs import MoveDialog, PersonDialog, RetireDialog, WindowDialog
from .roster_models import ObjectRole, PeopleModel, RosterFilter, WindowsModel, people_rows
from .uiload import load_into


def _setup_view(view: QTableView, proxy) -> None:
    view.setModel(proxy)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.sortByColumn(0, proxy.sortOrder())


class RosterTab(QWidget):
    roster_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        load_into(self, "roster_tab.ui")
        self.windows_model = WindowsModel(self)
        self.windows_proxy = RosterFilter(self)
        self.windows_proxy.setSourceModel(self.windows_model)
        _setup_view(self.windowsView, self.windows_proxy)
        self.people_model = PeopleModel(self)
        self.people_proxy = RosterFilter(self)
        self.people_proxy.setSourceModel(self.people_model)
        _setup_view(self.peopleView, self.people_proxy)

        self.filterEdit.textChanged.connect(self._filter)
        self.showRetiredCheck.toggled.connect(self._show_retired)
        self.addWindowButton.clicked.connect(self.add_window)
        self.editWindowButton.clicked.connect(self.edit_window)
        self.retireWindowButton.clicked.connect(self.retire_window)
        self.addPersonButton.clicked.connect(self.add_person)
        self.editPersonButton.clicked.connect(self.edit_person)
        self.movePersonButton.clicked.connect(self.move_person)
        self.windowsView.doubleClicked.connect(lambda _i: self.edit_window())
        self.peopleView.doubleClicked.connect(lambda _i: self.edit_person())
        self.windowsView.selectionModel().selectionChanged.connect(self._update_buttons)
        self.peopleView.selectionModel().selectionChanged.connect(self._update_buttons)
        self.windows, self.people, self.assignments = [], [], []
        self.refresh()

    # -- reading -----------------------------------------------------------

    def refresh(self) -> None:
        today = date.today()
        self.windows, self.people, self.assignments = roster_view.roster()
        self.windows_model.today = today
        self.windows_model.set_rows(self.windows)
        self.people_model.set_rows(people_rows(self.windows, self.people, self.assignments, today))
        for view in (self.windowsView, self.peopleView):
            view.resizeColumnsToContents()
        self._update_counts()
        self._update_buttons()

    def _filter(self, text: str) -> None:
        self.windows_proxy.setFilterFixedString(text)
        self.people_proxy.setFilterFixedString(text)
        self._update_counts()

    def _show_retired(self, show: bool) -> None:
        self.windows_proxy.set_show_retired(show)
        self.people_proxy.set_show_retired(show)
        self._update_counts()

    def _update_counts(self) -> None:
        self.windowsCountLabel.setText(f"显示 {self.windows_proxy.rowCount()} / 共 {self.windows_model.rowCount()} 个窗口")
        self.peopleCountLabel.setText(f"显示 {self.people_proxy.rowCount()} / 共 {self.people_model.rowCount()} 人")

    def _update_buttons(self, *_args) -> None:
        has_window = self.selected_window() is not None
        has_person = self.selected_person_row() is not None
        self.editWindowButton.setEnabled(has_window)
        self.retireWindowButton.setEnabled(has_window)
        self.editPersonButton.setEnabled(has_person)
        self.movePersonButton.setEnabled(has_person and bool(self.windows))
        self.addPersonButton.setEnabled(bool(self.windows))
        self.addPersonButton.setToolTip("" if self.windows else "请先新增窗口")

    @staticmethod
    def _selected(view: QTableView):
        rows = view.selectionModel().selectedRows()
        return rows[0].data(ObjectRole) if rows else None

    def selected_window(self):
        return self._selected(self.windowsView)

    def selected_person_row(self):
        return self._selected(self.peopleView)

    def select_window(self, code: str) -> None:
        self._select(self.windowsView, lambda w: w.code == code)

    def select_person(self, person_id: str) -> None:
        self._select(self.peopleView, lambda r: r.person.id == person_id)

    @staticmethod
    def _select(view: QTableView, match) -> None:
        model = view.model()
        for row in range(model.rowCount()):
            if match(model.index(row, 0).data(ObjectRole)):
                view.selectRow(row)
                return

    # -- dialogs (built here, run with exec(); tests build them directly) ---------

    def window_dialog(self, window=None) -> WindowDialog:
        return WindowDialog(self, window)

    def person_dialog(self, row=None) -> PersonDialog:
        if row is None:
            return PersonDialog(self, self.windows)
        return PersonDialog(self, self.windows, row.person, row.assignments)

    def _run(self, dialog: QDialog, select=None) -> bool:
        if dialog.exec() != QDialog.Accepted:
            return False
        self.refresh()
        if select:
            select()
        self.roster_changed.emit()
        return True

    def add_window(self) -> None:
        dialog = self.window_dialog()
        self._run(dialog, lambda: self.select_window(dialog.window_value().code.strip()))

    def edit_window(self) -> None:
        window = self.selected_window()
        if window is not None:
            self._run(self.window_dialog(window), lambda: self.select_window(window.code))

    def retire_window(self) -> None:
        window = self.selected_window()
        if window is not None:
            self._run(RetireDialog(self, window), lambda: self.select_window(window.code))

    def add_person(self) -> None:
        dialog = self.person_dialog()
        self._run(dialog, lambda: self.select_person(dialog.idEdit.text().strip()))

    def edit_person(self) -> None:
        row = self.selected_person_row()
        if row is not None:
            self._run(self.person_dialog(row), lambda: self.select_person(row.person.id))

    def move_person(self) -> None:
        row = self.selected_person_row()
        if row is not None and self.windows:
            dialog = MoveDialog(self, row.person, self.windows, row.current)
            self._run(dialog, lambda: self.select_person(row.person.id))
