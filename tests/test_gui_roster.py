"""人员名册 tab driven through its real widgets and dialogs on a real database file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QMessageBox, QPushButton

from kaoping_desktop import services
from kaoping_desktop.domain.roster import BACK_OFFICE, CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.gui.app_state import INCIDENTS, ROSTER, AppState
from kaoping_desktop.gui.roster_dialogs import MoveDialog, PersonDialog, RetireDialog, WindowDialog
from kaoping_desktop.gui.service_dialog import DISCARD_TITLE
from kaoping_desktop.gui.roster_models import MONTH_COLUMN, PeopleModel
from kaoping_desktop.gui.roster_tab import SAMPLE_ROWS, RosterTab
from kaoping_desktop.services import roster as roster_service
from kaoping_desktop.services import roster_view
from kaoping_desktop.store import repository
from kaoping_desktop.store.models import database

from gui_helpers import check, when_dialog_opens

MONTH = "2026-10"


@pytest.fixture
def state(qtbot):
    return AppState(MONTH)


@pytest.fixture
def tab(db, qtbot, state):
    widget = RosterTab(state=state)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def table(view) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def ok(dialog: QDialog) -> None:
    dialog.buttonBox.button(QDialogButtonBox.Ok).click()


def type_text(widget, text: str) -> None:
    """Type into a line edit as a person would (QTest cannot type Chinese: those are set)."""
    widget.setFocus()
    widget.selectAll()
    if text.isascii():
        QTest.keyClicks(widget, text)
    else:
        widget.setText(text)


def choose_window(combo, code: str) -> None:
    """Pick a window in a combo by typing its code, as the keyboard search does."""
    combo.setFocus()
    QTest.keyClicks(combo, code)
    assert combo.currentData() == code, (code, combo.currentText())


def fill_window(dialog, code, name, department, start=None, end=None) -> None:
    type_text(dialog.codeEdit, code)
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


def answer_discard(discard: bool) -> list:
    """Answer the 放弃修改？ box that the next close will open; returns the errors list."""

    def answer(box):
        assert isinstance(box, QMessageBox), type(box)
        assert box.windowTitle() == DISCARD_TITLE and "放弃修改" in box.text()
        box.findChild(QPushButton, "discardButton" if discard else "keepEditingButton").click()

    return when_dialog_opens(answer)


def add_person(tab, pid, name, assignments: list[tuple[str, str, date | None, date | None]], phone=""):
    dialog = tab.person_dialog()
    type_text(dialog.idEdit, pid)
    dialog.nameEdit.setText(name)
    type_text(dialog.phoneEdit, phone)
    for code, role, start, end in assignments:
        choose_window(dialog.windowCombo, code)
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
    with qtbot.waitSignal(tab.state.data_changed, timeout=3000) as changed:
        tab.addWindowButton.click()
    check(errors)
    assert changed.args == [frozenset({ROSTER})]
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
        asked = answer_discard(True)  # the typed window is thrown away on purpose
        dialog.buttonBox.button(QDialogButtonBox.Cancel).click()
        check(asked)
        assert not dialog.isVisible()

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
    asked = answer_discard(True)
    qtbot.keyClick(dialog.nameEdit, Qt.Key_Escape)
    check(asked)
    assert dialog.result() == QDialog.Rejected and not dialog.isVisible()
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
        ["1001", "张三", "W01 不动产登记窗口", CHIEF, "2026-01-01", "", "13800000001", "在岗", f"在岗 {CHIEF} W01"],
        ["1002", "李四", "W02 税务窗口", WINDOW_STAFF, "不限", "", "", "在岗", f"在岗 {WINDOW_STAFF} W02"],
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
    assert [(r[0], r[7], r[MONTH_COLUMN]) for r in table(tab.peopleView)] == [
        ("1002", "离岗", "在岗截止 2020-01-31 早于本月")
    ]


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


# -- item 7 of issue 8: a roster without traps ------------------------------------------


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def test_person_without_an_assignment_is_refused_in_the_dialog(tab, qtbot):
    add_window(tab)

    def fill(dialog):
        type_into(qtbot, dialog.idEdit, "1009")
        dialog.nameEdit.setText("周九")  # QTest cannot type Chinese
        qtbot.keyClick(dialog.nameEdit, Qt.Key_Return)  # Enter = 确定, without 添加岗位 first
        assert dialog.isVisible(), "a person without an assignment must not be saved"
        assert dialog.errorLabel.isVisible()
        assert dialog.errorLabel.text() == roster_service.NO_ASSIGNMENT
        assert "请至少填写一个岗位" in dialog.errorLabel.text()
        assert roster_view.roster()[1] == []  # nothing written
        assert dialog.assignmentHint.isVisible()  # says how to add one
        # The clerk adds the assignment already prepared in the sub-form, then saves.
        qtbot.mouseClick(dialog.addAssignmentButton, Qt.LeftButton)
        assert not dialog.assignmentHint.isVisible()
        ok(dialog)

    errors = when_dialog_opens(fill)
    tab.addPersonButton.click()
    check(errors)
    assert roster_view.roster()[1] == [Person("1009", "周九")]
    assert roster_view.roster()[2] == [Assignment("1009", "W01", WINDOW_STAFF, date(2026, 10, 1), None)]


def test_removing_the_last_assignment_of_a_person_is_refused(tab, qtbot):
    add_window(tab)
    add_person(tab, "1002", "李四", [("W01", WINDOW_STAFF, None, None)])
    tab.select_person("1002")

    def edit(dialog):
        dialog.assignmentsView.selectRow(0)
        dialog.removeAssignmentButton.click()
        ok(dialog)
        assert dialog.isVisible()
        assert "请至少填写一个岗位" in dialog.errorLabel.text()
        asked = answer_discard(True)
        qtbot.keyClick(dialog, Qt.Key_Escape)
        check(asked)

    errors = when_dialog_opens(edit)
    tab.editPersonButton.click()
    check(errors)
    assert roster_view.roster()[2] == [Assignment("1002", "W01", WINDOW_STAFF, None, None)]


def test_new_assignment_and_move_start_on_the_first_day_of_the_selected_month(tab, qtbot, state):
    add_window(tab)
    add_window(tab, "W02", "税务窗口", "县税务局")
    dialog = tab.person_dialog()
    qtbot.addWidget(dialog)
    assert dialog.start.value() == date(2026, 10, 1)  # not today (2026-11-25 or whenever)
    assert dialog.end.value() is None

    state.set_month("2026-09")
    dialog = tab.person_dialog()
    qtbot.addWidget(dialog)
    assert dialog.start.value() == date(2026, 9, 1)
    type_into(qtbot, dialog.idEdit, "1003")
    dialog.nameEdit.setText("王五")
    dialog.addAssignmentButton.click()
    ok(dialog)
    assert dialog.result() == QDialog.Accepted, dialog.errorLabel.text()
    tab.changed()
    assert table(tab.peopleView)[0][MONTH_COLUMN] == f"在岗 {WINDOW_STAFF} W01"

    tab.select_person("1003")
    move = tab.move_dialog(tab.selected_person_row())
    qtbot.addWidget(move)
    assert move.firstDayEdit.date() == QDate(2026, 9, 1)
    state.set_month("2026-12")
    move = tab.move_dialog(tab.selected_person_row())
    qtbot.addWidget(move)
    assert move.firstDayEdit.date() == QDate(2026, 12, 1)


def test_month_column_says_why_someone_is_not_listed(tab, qtbot, state):
    roster_service.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    roster_service.save_window(Window("W03", "公积金窗口", "县住建局", None, date(2026, 9, 30)), is_new=True)
    save = roster_service.save_person
    save(Person("1001", "张三"), [Assignment("1001", "W01", CHIEF, date(2026, 1, 1))], is_new=True)
    save(Person("1002", "李四"), [Assignment("1002", "W01", WINDOW_STAFF, date(2026, 11, 25))], is_new=True)
    save(Person("1003", "王五"), [Assignment("1003", "W01", WINDOW_STAFF, None, date(2026, 9, 30))], is_new=True)
    save(Person("1004", "赵六"), [Assignment("1004", "W03", BACK_OFFICE)], is_new=True)
    repository.upsert_person(Person("1005", "钱七"))  # from before the rule: no assignment at all
    tab.changed()
    tab.showRetiredCheck.setChecked(True)

    header = tab.peopleView.model().headerData(MONTH_COLUMN, Qt.Horizontal)
    assert header == "本月（2026-10）"
    reasons = {r[0]: r[MONTH_COLUMN] for r in table(tab.peopleView)}
    assert reasons == {
        "1001": f"在岗 {CHIEF} W01",
        "1002": "在岗起始 2026-11-25 晚于本月",
        "1003": "在岗截止 2026-09-30 早于本月",
        "1004": "所在窗口已撤出（W03 撤出日期 2026-09-30）",
        "1005": "无岗位",
    }
    # A person with no assignment is never hidden: the clerk must be able to find and fix them.
    tab.showRetiredCheck.setChecked(False)
    assert "1005" in [r[0] for r in table(tab.peopleView)]

    loads = tab.loads
    state.set_month("2026-12")
    assert tab.peopleView.model().headerData(MONTH_COLUMN, Qt.Horizontal) == "本月（2026-12）"
    tab.showRetiredCheck.setChecked(True)
    reasons = {r[0]: r[MONTH_COLUMN] for r in table(tab.peopleView)}
    assert reasons["1002"] == f"在岗 {WINDOW_STAFF} W01"
    assert tab.loads == loads, "a month change re-reads nothing from the database"


def test_tab_reloads_only_on_roster_or_month_changes_and_only_when_shown(db, qtbot):
    state = AppState(MONTH)
    tab = RosterTab(state=state)
    qtbot.addWidget(tab)
    assert tab.loads == 0, "a tab never shown reads nothing (start-up stays quick)"
    tab.show()
    assert tab.loads == 1
    state.notify(INCIDENTS)
    assert tab.loads == 1
    roster_service.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    state.notify(ROSTER)
    assert tab.loads == 2 and [r[0] for r in table(tab.windowsView)] == ["W01"]

    tab.hide()
    roster_service.save_window(Window("W02", "税务窗口", "县税务局"), is_new=True)
    state.notify(ROSTER)
    state.notify(ROSTER)
    state.set_month("2026-09")
    assert tab.loads == 2  # hidden: the work waits
    tab.show()
    assert tab.loads == 3, "shown again: one reload for everything that waited"
    assert [r[0] for r in table(tab.windowsView)] == ["W01", "W02"]
    assert tab.peopleView.model().headerData(MONTH_COLUMN, Qt.Horizontal) == "本月（2026-09）"


def test_columns_are_sized_from_a_sample_not_from_every_row(db, qtbot, monkeypatch):
    with database.atomic():  # one transaction: 800 commits would take half a minute
        repository.upsert_window(Window("W01", "不动产登记窗口", "县自然资源局"))
        for n in range(800):
            pid = f"{n:04d}"
            repository.upsert_person(Person(pid, f"人员{n}", "13800000000"))
            repository.replace_assignments(pid, [Assignment(pid, "W01", WINDOW_STAFF, date(2026, 1, 1))])
    calls = [0]
    original = PeopleModel.data

    def counting(self, index, role=Qt.DisplayRole):
        calls[0] += 1
        return original(self, index, role)

    monkeypatch.setattr(PeopleModel, "data", counting)
    tab = RosterTab(state=AppState(MONTH))
    qtbot.addWidget(tab)
    tab.show()
    assert tab.people_model.rowCount() == 800
    # resizeColumnsToContents measured 800 rows x 9 columns several times over (~68,000 calls).
    # resizeColumnsToContents measured 800 rows x 9 columns, and the sorting proxy asked
    # data() for every comparison: ~68,000 calls. Now: the header and a sample of rows.
    assert calls[0] <= 2 * 9 * SAMPLE_ROWS, calls[0]
    calls[0] = 0
    tab.select_person("0005")
    tab.peopleView.sortByColumn(0, Qt.DescendingOrder)  # a click on the 工号 header
    assert tab.peopleView.model().index(0, 0).data() == "0799"
    assert tab.selected_person_row().person.id == "0005"  # the selection follows its row
    qtbot.keyClicks(tab.filterEdit, "0799")
    assert [r[0] for r in table(tab.peopleView)] == ["0799"]
    assert calls[0] < 100, calls[0]  # little more than the cells read back by this test
    header = tab.peopleView.horizontalHeader()
    assert all(header.sectionResizeMode(c) == QHeaderView.Interactive for c in range(header.count()))
    assert header.sectionSize(1) > 20  # sized from the header and the sample, not left at zero
    # The user's widths survive a reload.
    header.resizeSection(1, 222)
    tab.changed()
    assert header.sectionSize(1) == 222


def test_closing_a_window_dialog_with_typed_changes_asks_first(tab, qtbot):
    dialog = tab.window_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.has_unsaved_changes()
    qtbot.keyClicks(dialog.codeEdit, "W07")
    assert dialog.has_unsaved_changes()

    asked = answer_discard(False)  # 继续编辑
    qtbot.keyClick(dialog.codeEdit, Qt.Key_Escape)
    check(asked)
    assert dialog.isVisible() and dialog.codeEdit.text() == "W07"

    asked = answer_discard(False)
    dialog.close()  # the title bar's ×
    check(asked)
    assert dialog.isVisible()

    asked = answer_discard(True)
    dialog.buttonBox.button(QDialogButtonBox.Cancel).click()
    check(asked)
    assert not dialog.isVisible() and dialog.result() == QDialog.Rejected
    assert roster_view.roster()[0] == []


def test_closing_an_untouched_dialog_does_not_ask(tab, qtbot):
    add_window(tab)
    for dialog in (tab.window_dialog(), tab.person_dialog(), tab.window_dialog(roster_view.roster()[0][0])):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClick(dialog, Qt.Key_Escape)  # would hang on a question box if it asked
        assert not dialog.isVisible() and dialog.discard_box is None


def test_person_dialog_counts_an_unadded_assignment_as_a_change(tab, qtbot):
    add_window(tab)
    add_window(tab, "W02", "税务窗口", "县税务局")
    add_person(tab, "1002", "李四", [("W01", WINDOW_STAFF, None, None)])
    tab.select_person("1002")
    dialog = tab.person_dialog(tab.selected_person_row())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.assignmentsView.selectRow(0)  # showing a row in the form is not an edit
    assert not dialog.has_unsaved_changes()
    dialog.windowCombo.setFocus()
    qtbot.keyClick(dialog.windowCombo, Qt.Key_Down)  # W01 -> W02, typed but never 修改所选
    assert dialog.windowCombo.currentData() == "W02"
    assert dialog.has_unsaved_changes()
    asked = answer_discard(True)
    qtbot.keyClick(dialog.windowCombo, Qt.Key_Escape)
    check(asked)
    assert not dialog.isVisible()
    assert roster_view.roster()[2] == [Assignment("1002", "W01", WINDOW_STAFF, None, None)]


def test_closing_a_move_dialog_with_changes_asks_first(tab, qtbot):
    add_window(tab)
    add_window(tab, "W02", "税务窗口", "县税务局")
    add_person(tab, "1003", "王五", [("W01", WINDOW_STAFF, None, None)])
    tab.select_person("1003")

    def move(dialog):
        assert isinstance(dialog, MoveDialog)
        qtbot.keyClick(dialog.windowCombo, Qt.Key_Down)
        asked = answer_discard(False)
        qtbot.keyClick(dialog.windowCombo, Qt.Key_Escape)
        check(asked)
        assert dialog.isVisible() and dialog.windowCombo.currentData() == "W02"
        asked = answer_discard(True)
        dialog.close()
        check(asked)

    errors = when_dialog_opens(move)
    tab.movePersonButton.click()
    check(errors)
    assert roster_view.roster()[2] == [Assignment("1003", "W01", WINDOW_STAFF, None, None)]


def test_export_button_writes_a_roster_that_imports_back(tab, qtbot, tmp_path):
    add_window(tab)
    add_person(tab, "1001", "张三", [("W01", CHIEF, date(2026, 1, 1), None)], phone="13800000001")
    target = tmp_path / "导出" / "名册.xlsx"
    target.parent.mkdir()

    def choose(dialog):
        assert isinstance(dialog, QFileDialog), type(dialog)
        dialog.selectFile(str(target))
        dialog.accept()

    errors = when_dialog_opens(choose)
    tab.exportButton.click()
    check(errors)
    assert target.exists()
    assert str(target) in tab.statusLabel.text() and tab.statusLabel.isVisible()
    before = roster_view.roster()
    report = services.import_roster(target)
    assert (report.windows_added, report.windows_updated, report.people_added, report.people_updated) == (0, 0, 0, 0)
    assert roster_view.roster() == before


def test_someone_who_left_after_the_selected_month_stays_listed_for_it(tab, qtbot, state):
    add_window(tab)
    last_day = date.today() - timedelta(days=1)
    add_person(tab, "1002", "李四", [("W01", WINDOW_STAFF, None, last_day)])
    state.set_month(f"{last_day.year:04d}-{last_day.month:02d}")
    tab.changed()
    # Scored in that month, so not hidden with the long-gone, though 离岗 today.
    assert [(r[0], r[7], r[MONTH_COLUMN]) for r in table(tab.peopleView)] == [("1002", "离岗", f"在岗 {WINDOW_STAFF} W01")]
    state.set_month("2099-01")
    assert table(tab.peopleView) == []
