"""人员名册 tab driven through its real widgets and dialogs on a real database file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from kaoping_desktop import services
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.gui.roster_dialogs import MoveDialog, PersonDialog, RetireDialog, WindowDialog
from kaoping_desktop.gui.roster_tab import RosterTab
from kaoping_desktop.services import roster as roster_service
from kaoping_desktop.services import roster_view

from gui_helpers import check, when_dialog_opens


@pytest.fixture
def tab(db, qtbot):
    widget = RosterTab()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def table(view) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def ok(dialog: QDialog) -> None:
    dialog.buttonBox.button(QDialogButtonBox.Ok).click()


def fill_window(dialog, code, name, department, start=None, end=None) -> None:
    dialog.codeEdit.setText(code)
    dialog.nameEdit.setText(name)
    dialog.departmentEdit.setText(department)
    dialog.start.set_value(start)
    dialog.end.set_value(end)


def add_window(tab, code="W01", name="不动产登记窗口", department="县自然资源局", start=None, end=None):
    dialog = tab.window_dialog()
    fill_window(dialog, code, name, department, start, end)
    ok(dialog)
    assert dialog.result() == QDialog.Accepted, dialog.errorLabel.text()
    tab.refresh()


def add_person(tab, pid, name, assignments: list[tuple[str, str, date | None, date | None]], phone=""):
    dialog = tab.person_dialog()
    dialog.idEdit.setText(pid)
    dialog.nameEdit.setText(name)
    dialog.phoneEdit.setText(phone)
    for code, role, start, end in assignments:
        dialog.windowCombo.setCurrentIndex(dialog.windowCombo.findData(code))
        dialog.roleCombo.setCurrentText(role)
        dialog.start.set_value(start)
        dialog.end.set_value(end)
        dialog.addAssignmentButton.click()
    ok(dialog)
    return dialog


def test_new_window_through_the_toolbar_button_appears_in_the_table(tab, qtbot):
    def fill(dialog):
        assert isinstance(dialog, WindowDialog)
        fill_window(dialog, "W01", "不动产登记窗口", "县自然资源局", date(2026, 1, 1), None)
        ok(dialog)

    errors = when_dialog_opens(fill)
    with qtbot.waitSignal(tab.roster_changed, timeout=3000):
        tab.addWindowButton.click()
    check(errors)
    assert table(tab.windowsView) == [["W01", "不动产登记窗口", "县自然资源局", "2026-01-01", "", "在用"]]
    assert roster_view.roster()[0] == [Window("W01", "不动产登记窗口", "县自然资源局", date(2026, 1, 1), None)]
    assert tab.selected_window().code == "W01"


def test_duplicate_window_id_is_shown_in_the_dialog_and_nothing_is_written(tab, qtbot):
    add_window(tab)

    def fill(dialog):
        fill_window(dialog, "W01", "另一个", "县税务局")
        ok(dialog)
        assert dialog.isVisible(), "a refused window must keep the dialog open"
        assert "W01 已存在" in dialog.errorLabel.text()
        assert dialog.errorLabel.isVisible()
        dialog.buttonBox.button(QDialogButtonBox.Cancel).click()

    errors = when_dialog_opens(fill)
    tab.addWindowButton.click()
    check(errors)
    assert [w.name for w in roster_view.roster()[0]] == ["不动产登记窗口"]


def test_window_dates_out_of_order_and_blank_name_are_refused(tab, qtbot):
    dialog = tab.window_dialog()
    qtbot.addWidget(dialog)
    fill_window(dialog, "W02", "税务窗口", "县税务局", date(2026, 5, 2), date(2026, 5, 1))
    ok(dialog)
    assert dialog.result() != QDialog.Accepted
    assert "晚于" in dialog.errorLabel.text()
    dialog.nameEdit.setText("")
    dialog.end.set_value(None)
    ok(dialog)
    assert "不能为空" in dialog.errorLabel.text()
    assert roster_view.roster()[0] == []


def test_edit_window_keeps_its_code_and_saves_the_new_name(tab, qtbot):
    add_window(tab)
    tab.select_window("W01")
    assert tab.editWindowButton.isEnabled()

    def edit(dialog):
        assert dialog.codeEdit.isReadOnly()
        dialog.nameEdit.setText("不动产登记综合窗口")
        ok(dialog)

    errors = when_dialog_opens(edit)
    tab.editWindowButton.click()
    check(errors)
    assert roster_view.roster()[0][0].name == "不动产登记综合窗口"
    assert table(tab.windowsView)[0][1] == "不动产登记综合窗口"


def test_enter_confirms_and_escape_cancels_a_dialog(tab, qtbot):
    dialog = tab.window_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    fill_window(dialog, "W05", "医保窗口", "县医保局")
    qtbot.keyClick(dialog.departmentEdit, Qt.Key_Return)
    assert dialog.result() == QDialog.Accepted
    assert [w.code for w in roster_view.roster()[0]] == ["W05"]

    dialog = tab.window_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    fill_window(dialog, "W06", "公安窗口", "县公安局")
    qtbot.keyClick(dialog.nameEdit, Qt.Key_Escape)
    assert dialog.result() == QDialog.Rejected
    assert [w.code for w in roster_view.roster()[0]] == ["W05"]


def test_people_with_assignments_show_their_current_window_role_dates_and_phone(tab, qtbot):
    add_window(tab)
    add_window(tab, "W02", "税务窗口", "县税务局")
    dialog = add_person(tab, "1001", "张三", [("W01", CHIEF, date(2026, 1, 1), None)], phone="13800000001")
    assert dialog.result() == QDialog.Accepted, dialog.errorLabel.text()
    dialog = add_person(tab, "1002", "李四", [("W02", WINDOW_STAFF, None, None)])
    assert dialog.result() == QDialog.Accepted, dialog.errorLabel.text()
    tab.refresh()
    assert table(tab.peopleView) == [
        ["1001", "张三", "W01 不动产登记窗口", CHIEF, "2026-01-01", "", "13800000001", "在岗"],
        ["1002", "李四", "W02 税务窗口", WINDOW_STAFF, "不限", "", "", "在岗"],
    ]
    assert roster_view.roster()[2] == [
        Assignment("1001", "W01", CHIEF, date(2026, 1, 1), None),
        Assignment("1002", "W02", WINDOW_STAFF, None, None),
    ]


def test_new_person_through_the_button_with_two_assignment_rows(tab, qtbot):
    add_window(tab)
    add_window(tab, "W02", "税务窗口", "县税务局")

    def fill(dialog):
        assert isinstance(dialog, PersonDialog)
        dialog.idEdit.setText("1003")
        dialog.nameEdit.setText("王五")
        dialog.windowCombo.setCurrentIndex(dialog.windowCombo.findData("W01"))
        dialog.roleCombo.setCurrentText(WINDOW_STAFF)
        dialog.start.set_value(date(2026, 1, 1))
        dialog.end.set_value(date(2026, 6, 30))
        dialog.addAssignmentButton.click()
        dialog.windowCombo.setCurrentIndex(dialog.windowCombo.findData("W02"))
        dialog.start.set_value(date(2026, 7, 1))
        dialog.end.set_value(None)
        dialog.addAssignmentButton.click()
        assert dialog.model.rowCount() == 2
        ok(dialog)

    errors = when_dialog_opens(fill)
    tab.addPersonButton.click()
    check(errors)
    assert table(tab.peopleView)[0][:6] == ["1003", "王五", "W02 税务窗口", WINDOW_STAFF, "2026-07-01", ""]
    assert tab.selected_person_row().person.id == "1003"


def test_duplicate_person_id_two_chiefs_and_reversed_dates_are_refused(tab, qtbot):
    add_window(tab)
    add_person(tab, "1001", "张三", [("W01", CHIEF, None, None)])

    dialog = add_person(tab, "1001", "重复", [("W01", WINDOW_STAFF, None, None)])
    assert dialog.result() != QDialog.Accepted
    assert "工号 1001 已存在" in dialog.errorLabel.text()

    dialog = add_person(tab, "1004", "钱七", [("W01", CHIEF, date(2026, 10, 1), None)])
    assert dialog.result() != QDialog.Accepted
    assert "只能有一名首席代表" in dialog.errorLabel.text()

    # Reversed dates are caught in the assignment sub-form: no row is added.
    dialog = tab.person_dialog()
    qtbot.addWidget(dialog)
    dialog.idEdit.setText("1005")
    dialog.nameEdit.setText("孙八")
    dialog.start.set_value(date(2026, 5, 2))
    dialog.end.set_value(date(2026, 5, 1))
    dialog.addAssignmentButton.click()
    assert dialog.model.rowCount() == 0
    assert "晚于" in dialog.errorLabel.text()

    windows, people, assignments = roster_view.roster()
    assert [(p.id, p.name) for p in people] == [("1001", "张三")]
    assert assignments == [Assignment("1001", "W01", CHIEF, None, None)]


def test_edit_person_loads_assignments_and_can_end_one(tab, qtbot):
    add_window(tab)
    add_person(tab, "1002", "李四", [("W01", WINDOW_STAFF, None, None)])
    tab.refresh()
    tab.select_person("1002")

    def edit(dialog):
        assert dialog.idEdit.isReadOnly()
        assert dialog.model.rowCount() == 1
        dialog.assignmentsView.selectRow(0)
        assert dialog.windowCombo.currentData() == "W01"
        dialog.end.set_value(date(2026, 3, 31))
        dialog.updateAssignmentButton.click()
        dialog.phoneEdit.setText("13900000002")
        ok(dialog)

    errors = when_dialog_opens(edit)
    tab.editPersonButton.click()
    check(errors)
    assert roster_view.roster()[1] == [Person("1002", "李四", "13900000002")]
    assert roster_view.roster()[2] == [Assignment("1002", "W01", WINDOW_STAFF, None, date(2026, 3, 31))]


def test_move_person_ends_the_old_assignment_and_starts_the_new_one(tab, qtbot):
    add_window(tab)
    add_window(tab, "W02", "税务窗口", "县税务局")
    add_person(tab, "1003", "王五", [("W01", WINDOW_STAFF, None, None)])
    tab.refresh()
    tab.select_person("1003")
    first = date.today() - timedelta(days=1)

    def move(dialog):
        assert isinstance(dialog, MoveDialog)
        assert "王五" in dialog.personLabel.text()
        dialog.windowCombo.setCurrentIndex(dialog.windowCombo.findData("W02"))
        dialog.firstDayEdit.setDate(QDate(first.year, first.month, first.day))
        ok(dialog)

    errors = when_dialog_opens(move)
    tab.movePersonButton.click()
    check(errors)
    mine = sorted(roster_view.roster()[2], key=lambda a: a.window_code)
    assert mine == [
        Assignment("1003", "W01", WINDOW_STAFF, None, first - timedelta(days=1)),
        Assignment("1003", "W02", WINDOW_STAFF, first, None),
    ]
    assert table(tab.peopleView)[0][2] == "W02 税务窗口"


def test_move_before_the_current_assignment_started_is_refused(tab, qtbot):
    add_window(tab)
    add_window(tab, "W02", "税务窗口", "县税务局")
    add_person(tab, "1003", "王五", [("W01", WINDOW_STAFF, date(2026, 5, 1), None)])
    dialog = MoveDialog(tab, Person("1003", "王五"), roster_view.roster()[0], None)
    qtbot.addWidget(dialog)
    dialog.windowCombo.setCurrentIndex(dialog.windowCombo.findData("W02"))
    dialog.firstDayEdit.setDate(QDate(2026, 4, 1))
    ok(dialog)
    assert dialog.result() != QDialog.Accepted
    assert "调岗日期必须晚于" in dialog.errorLabel.text()
    assert roster_view.roster()[2] == [Assignment("1003", "W01", WINDOW_STAFF, date(2026, 5, 1), None)]


def test_retire_window_hides_it_until_show_retired_is_ticked(tab, qtbot):
    add_window(tab)
    add_window(tab, "W02", "税务窗口", "县税务局")
    add_person(tab, "1002", "李四", [("W02", WINDOW_STAFF, None, date(2020, 1, 31))])
    tab.refresh()
    assert [r[0] for r in table(tab.peopleView)] == []  # left in 2020
    tab.select_window("W02")
    last = date.today() - timedelta(days=1)

    def retire(dialog):
        assert isinstance(dialog, RetireDialog)
        dialog.lastDayEdit.setDate(QDate(last.year, last.month, last.day))
        ok(dialog)

    errors = when_dialog_opens(retire)
    tab.retireWindowButton.click()
    check(errors)
    assert roster_view.roster()[0][1].end == last
    assert [r[0] for r in table(tab.windowsView)] == ["W01"]
    tab.showRetiredCheck.setChecked(True)
    assert [(r[0], r[5]) for r in table(tab.windowsView)] == [("W01", "在用"), ("W02", "已撤出")]
    assert [(r[0], r[7]) for r in table(tab.peopleView)] == [("1002", "离岗")]


def test_retire_inside_a_closed_month_is_refused_in_the_dialog(tab, qtbot):
    add_window(tab)
    add_person(tab, "1001", "张三", [("W01", CHIEF, None, None)])
    services.close_month("2026-01")
    dialog = RetireDialog(tab, roster_view.roster()[0][0])
    qtbot.addWidget(dialog)
    dialog.lastDayEdit.setDate(QDate(2026, 1, 15))
    ok(dialog)
    assert dialog.result() != QDialog.Accepted
    assert "2026-01 已锁定" in dialog.errorLabel.text()
    assert roster_view.roster()[0][0].end is None


def test_filter_box_matches_any_column_of_both_tables(tab, qtbot):
    add_window(tab)
    add_window(tab, "W02", "税务窗口", "县税务局")
    add_person(tab, "1001", "张三", [("W01", CHIEF, None, None)])
    add_person(tab, "1002", "李四", [("W02", CHIEF, None, None)], phone="13912345678")
    tab.refresh()
    qtbot.keyClicks(tab.filterEdit, "w02")  # case-insensitive
    assert [r[0] for r in table(tab.windowsView)] == ["W02"]
    tab.filterEdit.setText("税务")  # QTest cannot type Chinese
    assert [r[0] for r in table(tab.windowsView)] == ["W02"]
    assert [r[0] for r in table(tab.peopleView)] == ["1002"]
    tab.filterEdit.setText("12345")
    assert [r[0] for r in table(tab.peopleView)] == ["1002"]
    assert "显示 1 / 共 2 人" == tab.peopleCountLabel.text()
    tab.filterEdit.clear()
    assert len(table(tab.peopleView)) == 2


def test_adding_people_needs_a_window_first(tab):
    assert not tab.addPersonButton.isEnabled()
    assert not tab.editWindowButton.isEnabled()
    add_window(tab)
    assert tab.addPersonButton.isEnabled()


def test_service_refusal_message_matches_what_the_dialog_shows(tab, qtbot):
    # The dialog shows the service's own message, not a paraphrase.
    add_window(tab)
    with pytest.raises(services.InputError) as refused:
        roster_service.save_window(Window("W01", "x", "y"), is_new=True)
    dialog = tab.window_dialog()
    qtbot.addWidget(dialog)
    fill_window(dialog, "W01", "x", "y")
    ok(dialog)
    assert dialog.errorLabel.text() == str(refused.value)
