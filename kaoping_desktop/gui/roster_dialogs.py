"""Dialogs of the 人员名册 tab: window, person (with assignments), move, retire.

Each dialog saves through the roster service in accept(); a refusal is shown in
the dialog's errorLabel and the dialog stays open with nothing written.
Closing the window, person or move dialog (Esc, 取消, the title bar) after typing
asks 放弃修改？ first. New dates default to the first day of the selected month,
the month the clerk is working on, not to today.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit

from ..domain.calendar import month_bounds
from ..domain.records import replace
from ..domain.roster import ROLES, WINDOW_STAFF, Assignment, Person, Window
from ..domain.validation import person_problems, problems_text, window_problems
from ..services import InputError
from ..services import roster as roster_service
from ..services import settings as settings_service
from .roster_models import AssignmentsModel
from .service_dialog import ServiceDialog



def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def to_date(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


def month_days(month: str | None) -> tuple[date, date]:
    """First and last day of the selected month (the remembered starting month if none given)."""
    return month_bounds(month or settings_service.starting_month())


class OptionalDate:
    """A QDateEdit plus a 不限 checkbox: checked means an open end (None)."""

    def __init__(self, edit: QDateEdit, open_check: QCheckBox, default: date | None = None):
        self.edit, self.open_check = edit, open_check
        # What the date shows once 不限 is unticked.
        edit.setDate(to_qdate(default) if default else QDate.currentDate())
        open_check.toggled.connect(lambda checked: edit.setEnabled(not checked))

    def value(self) -> date | None:
        return None if self.open_check.isChecked() else to_date(self.edit.date())

    def set_value(self, day: date | None) -> None:
        self.open_check.setChecked(day is None)
        self.edit.setEnabled(day is not None)
        if day is not None:
            self.edit.setDate(to_qdate(day))


def fill_windows(combo, windows: list[Window], selected: str | None = None) -> None:
    combo.clear()
    for w in windows:
        combo.addItem(f"{w.code} {w.name}", w.code)
    if selected is not None:
        combo.setCurrentIndex(max(0, combo.findData(selected)))


class WindowDialog(ServiceDialog):
    ui_file = "window_dialog.ui"
    asks_before_discarding = True

    def __init__(self, parent=None, window: Window | None = None):
        super().__init__(parent, "新增窗口" if window is None else f"编辑窗口 {window.code}")
        self.is_new = window is None
        self.start = OptionalDate(self.startEdit, self.startOpenCheck)
        self.end = OptionalDate(self.endEdit, self.endOpenCheck)
        self.start.set_value(window.start if window else None)
        self.end.set_value(window.end if window else None)
        if window is not None:
            self.codeEdit.setText(window.code)
            self.codeEdit.setReadOnly(True)  # the id is the key; a new code is a new window
            self.nameEdit.setText(window.name)
            self.departmentEdit.setText(window.department)
            self.nameEdit.setFocus()
        else:
            self.codeEdit.setFocus()
        self.mark_clean()

    def values(self):
        return self.window_value()

    def window_value(self) -> Window:
        return Window(
            self.codeEdit.text(),
            self.nameEdit.text(),
            self.departmentEdit.text(),
            self.start.value(),
            self.end.value(),
        )

    def save(self) -> None:
        window = self.window_value()
        problems = window_problems(window.code.strip(), window.name.strip(), window.department.strip())
        if problems:  # the roster import's limits (validation.text_problem)
            raise InputError(problems_text(problems))
        roster_service.save_window(window, is_new=self.is_new)


class PersonDialog(ServiceDialog):
    ui_file = "person_dialog.ui"
    asks_before_discarding = True

    def __init__(
        self,
        parent=None,
        windows: list[Window] = (),
        person: Person | None = None,
        assignments: list[Assignment] = (),
        month: str | None = None,
    ):
        super().__init__(parent, "新增人员" if person is None else f"编辑人员 {person.name}（{person.id}）")
        self.is_new = person is None
        self.resize(680, 540)
        fill_windows(self.windowCombo, list(windows))
        self.roleCombo.addItems(list(ROLES))
        self.roleCombo.setCurrentText(WINDOW_STAFF)
        first, last = month_days(month)
        self.start = OptionalDate(self.startEdit, self.startOpenCheck, first)
        self.end = OptionalDate(self.endEdit, self.endOpenCheck, last)
        self.start.set_value(first)  # the month being scored, so the new person is in it
        self.end.set_value(None)
        self.model = AssignmentsModel(self, {w.code: w for w in windows})
        self.model.set_rows(list(assignments))
        self.assignmentsView.setModel(self.model)
        self.assignmentsView.horizontalHeader().setStretchLastSection(True)
        self.assignmentsView.verticalHeader().hide()
        self.assignmentsView.selectionModel().currentRowChanged.connect(self._row_selected)
        self.addAssignmentButton.clicked.connect(self.add_assignment)
        self.updateAssignmentButton.clicked.connect(self.update_assignment)
        self.removeAssignmentButton.clicked.connect(self.remove_assignment)
        if person is not None:
            self.idEdit.setText(person.id)
            self.idEdit.setReadOnly(True)
            self.nameEdit.setText(person.name)
            self.phoneEdit.setText(person.phone)
            self.nameEdit.setFocus()
        else:
            self.idEdit.setFocus()
        self._update_buttons()
        self._form_clean = self._form_values()
        self.mark_clean()

    def values(self):
        return (self.idEdit.text(), self.nameEdit.text(), self.phoneEdit.text(), tuple(self.model.assignments()))

    def _form_values(self):
        return (self.windowCombo.currentData(), self.roleCombo.currentText(), self.start.value(), self.end.value())

    def has_unsaved_changes(self) -> bool:
        # An assignment typed into the sub-form but never added counts too.
        return super().has_unsaved_changes() or self._form_values() != self._form_clean

    # -- the assignment sub-form ------------------------------------------

    def form_assignment(self) -> Assignment | None:
        code = self.windowCombo.currentData()
        if code is None:
            self.show_error("请先新增窗口，再为人员安排岗位")
            return None
        start, end = self.start.value(), self.end.value()
        if start and end and start > end:
            self.show_error(f"在岗时间的开始日期 {start} 晚于结束日期 {end}")
            return None
        self.show_error("")
        return Assignment(self.idEdit.text().strip(), code, self.roleCombo.currentText(), start, end)

    def set_form(self, a: Assignment) -> None:
        self.windowCombo.setCurrentIndex(max(0, self.windowCombo.findData(a.window_code)))
        self.roleCombo.setCurrentText(a.role)
        self.start.set_value(a.start)
        self.end.set_value(a.end)
        self._form_clean = self._form_values()  # showing a row is not an edit

    def _selected_row(self) -> int:
        index = self.assignmentsView.selectionModel().currentIndex()
        return index.row() if index.isValid() else -1

    def _row_selected(self, current, _previous) -> None:
        if current.isValid():
            self.set_form(self.model.row_object(current.row()))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_row = self._selected_row() >= 0
        self.updateAssignmentButton.setEnabled(has_row)
        self.removeAssignmentButton.setEnabled(has_row)
        self.assignmentHint.setVisible(self.model.rowCount() == 0)

    def add_assignment(self) -> None:
        a = self.form_assignment()
        if a is not None:
            self.model.set_rows(self.model.assignments() + [a])
            self.assignmentsView.selectRow(self.model.rowCount() - 1)
            self._form_clean = self._form_values()

    def update_assignment(self) -> None:
        row, a = self._selected_row(), self.form_assignment()
        if row >= 0 and a is not None:
            rows = self.model.assignments()
            rows[row] = a
            self.model.set_rows(rows)
            self.assignmentsView.selectRow(row)
            self._form_clean = self._form_values()

    def remove_assignment(self) -> None:
        row = self._selected_row()
        if row >= 0:
            rows = self.model.assignments()
            del rows[row]
            self.model.set_rows(rows)
            self._update_buttons()

    # -- saving ---------------------------------------------------------------

    def save(self) -> None:
        person = Person(self.idEdit.text(), self.nameEdit.text(), self.phoneEdit.text())
        pid = person.id.strip()
        problems = person_problems(pid, person.name.strip(), person.phone.strip())
        if problems:  # the roster import's limits (validation.text_problem)
            raise InputError(problems_text(problems))
        assignments = [replace(a, person_id=pid) for a in self.model.assignments()]
        if not assignments and person.name.strip() and pid:
            self.windowCombo.setFocus()  # where the missing assignment is entered
        roster_service.save_person(person, assignments, is_new=self.is_new)


class MoveDialog(ServiceDialog):
    ui_file = "move_dialog.ui"
    asks_before_discarding = True

    def __init__(
        self,
        parent=None,
        person: Person | None = None,
        windows: list[Window] = (),
        current: Assignment | None = None,
        month: str | None = None,
    ):
        super().__init__(parent, "调岗")
        self.person = person
        where = f"，现在 {current.window_code}（{current.role}）" if current else ""
        self.personLabel.setText(f"{person.name}（{person.id}）{where}")
        fill_windows(self.windowCombo, list(windows))
        self.roleCombo.addItems(list(ROLES))
        self.roleCombo.setCurrentText(current.role if current else WINDOW_STAFF)
        self.firstDayEdit.setDate(to_qdate(month_days(month)[0]))
        self.windowCombo.setFocus()
        self.mark_clean()

    def values(self):
        return (self.windowCombo.currentData(), self.roleCombo.currentText(), to_date(self.firstDayEdit.date()))

    def save(self) -> None:
        code = self.windowCombo.currentData()
        if code is None:
            raise InputError("没有可调往的窗口")
        roster_service.move_person(self.person.id, code, self.roleCombo.currentText(), to_date(self.firstDayEdit.date()))


class RetireDialog(ServiceDialog):
    ui_file = "retire_dialog.ui"

    def __init__(self, parent=None, window: Window | None = None):
        super().__init__(parent, "撤出窗口")
        self.window_value = window
        self.windowLabel.setText(f"窗口 {window.code} {window.name}（{window.department}）撤出后不再参加考评。")
        self.lastDayEdit.setDate(to_qdate(window.end) if window.end else QDate.currentDate())
        self.lastDayEdit.setFocus()

    def save(self) -> None:
        roster_service.retire_window(self.window_value.code, to_date(self.lastDayEdit.date()))


__all__ = ["MoveDialog", "OptionalDate", "PersonDialog", "RetireDialog", "ServiceDialog", "WindowDialog"]
