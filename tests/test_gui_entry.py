"""扣分录入 typed into as a clerk types: the typed text decides, or nothing is saved.

A real database (windows W01–W03 and their people, made through the roster
service), a real EntryTab, keys sent with QTest. What landed is read back
through services.incidents.month_incidents, never from the form.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from kaoping_desktop import services
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.gui.app_state import INCIDENTS, MONTHS, ROSTER, AppState
from kaoping_desktop.gui.entry_tab import EntryTab
from kaoping_desktop.services import incidents as incident_service
from kaoping_desktop.services import roster as roster_service
from kaoping_desktop.services import roster_view

from gui_helpers import type_text

MONTH = "2026-10"


@pytest.fixture
def tab(db, qtbot):
    for code, name, dept in (
        ("W01", "不动产登记窗口", "县自然资源局"),
        ("W02", "社保窗口", "县人社局"),
        ("W03", "医保窗口", "县医保局"),
    ):
        roster_service.save_window(Window(code, name, dept), is_new=True)
    for pid, name, window, role in (
        ("1001", "张三", "W01", CHIEF),
        ("1002", "李四", "W01", WINDOW_STAFF),
        ("1003", "王五", "W01", WINDOW_STAFF),
        ("2001", "赵六", "W02", CHIEF),
        ("3001", "孙七", "W03", CHIEF),
        ("3002", "李明", "W03", WINDOW_STAFF),
        ("3003", "李华", "W03", WINDOW_STAFF),
    ):
        roster_service.save_person(Person(pid, name), [Assignment(pid, window, role)], is_new=True)
    entry = EntryTab(state=AppState(MONTH))
    qtbot.addWidget(entry)
    entry.resize(1100, 700)
    entry.show()
    qtbot.waitExposed(entry)
    activate(qtbot, entry)
    return entry


# --- typing as a person types -------------------------------------------------------------


def activate(qtbot, entry) -> None:
    """The offscreen platform hands activation to a completer list after it has closed;
    a real screen gives it back to the window. Give it back before the next keys."""
    qtbot.wait(1)
    if QApplication.activeWindow() is not entry.window():
        entry.window().activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is entry.window(), timeout=2000)


def enter_field(qtbot, entry, widget) -> None:
    """Arrive in a field as by Tab: its old text is selected, so typing replaces it."""
    activate(qtbot, entry)
    widget.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def type_into(qtbot, entry, combo, text: str, key=Qt.Key_Tab) -> None:
    enter_field(qtbot, entry, combo)
    assert combo.lineEdit().selectedText() == combo.currentText()  # typing replaces the old choice
    type_and_leave(qtbot, entry, combo, text, key)


def type_and_leave(qtbot, entry, combo, text: str, key=Qt.Key_Tab) -> None:
    """Type into the field that has focus, pause as a person does, then press `key` (None: no key)."""
    type_text(combo, text)
    qtbot.wait(1)  # a person's pause: the event loop runs between typing and the next key
    if key is not None:
        QTest.keyClick(combo, key)
    activate(qtbot, entry)


def settle(qtbot, entry) -> None:
    """Let the coalesced form update run (a 0 ms timer)."""
    qtbot.waitUntil(lambda: not entry._form_timer.isActive(), timeout=2000)


def stored(month: str = MONTH):
    return [r for r in incident_service.month_incidents(month) if not r.voided]


def base_form(qtbot, entry, window="W01", clause="3.1") -> None:
    """W01 (or another) and a clause chosen by typing, as the clerk starts a run."""
    type_into(qtbot, entry, entry.windowCombo, window)
    type_into(qtbot, entry, entry.clauseCombo, clause)
    settle(qtbot, entry)


def press_enter(qtbot, entry, widget=None) -> None:
    QTest.keyClick(widget or entry.referenceEdit, Qt.Key_Return)
    activate(qtbot, entry)


# --- the window combo ------------------------------------------------------------------------


def test_window_code_then_tab_saves_to_the_typed_window(tab, qtbot):
    base_form(qtbot, tab)
    assert tab.windowCombo.currentText() == "W01 不动产登记窗口"
    type_into(qtbot, tab, tab.windowCombo, "W03", Qt.Key_Tab)
    assert tab.windowCombo.currentText() == "W03 医保窗口"  # shown in full on leaving
    settle(qtbot, tab)
    assert "窗口 W03 医保窗口" in tab.summaryLabel.text()
    press_enter(qtbot, tab)
    assert [(r.window_code, r.clause_code) for r in stored()] == [("W03", "3.1")]


def test_window_code_then_enter_saves_to_the_typed_window(tab, qtbot):
    base_form(qtbot, tab)
    type_into(qtbot, tab, tab.windowCombo, "W03", Qt.Key_Return)  # Enter in the combo saves at once
    assert [r.window_code for r in stored()] == ["W03"]
    assert tab.errorLabel.text() == ""


def test_lower_case_code_and_enter_in_the_completer_list_save_to_the_typed_window(tab, qtbot):
    base_form(qtbot, tab)
    enter_field(qtbot, tab, tab.windowCombo)
    type_text(tab.windowCombo, "w02")
    qtbot.wait(1)
    popup = tab.windows.popup()
    assert popup.isVisible()  # the matches are offered while typing
    QTest.keyClick(popup, Qt.Key_Return)  # a real keyboard talks to the open list
    activate(qtbot, tab)
    assert [r.window_code for r in stored()] == ["W02"]


def test_typing_over_a_chosen_item_replaces_it(tab, qtbot):
    """W01 picked from the list (mouse or code), then W03 typed without selecting first:
    the shown item is replaced, never extended to "W01 不动产登记窗口W03" nor kept."""
    base_form(qtbot, tab)
    tab.windowCombo.setCurrentIndex(tab.windowCombo.findData("W01"))
    QTest.keyClicks(tab.windowCombo, "W03")
    assert tab.windowCombo.currentText() == "W03"
    QTest.keyClick(tab.windowCombo, Qt.Key_Tab)
    activate(qtbot, tab)
    press_enter(qtbot, tab)
    tab.windowCombo.setCurrentIndex(tab.windowCombo.findData("W01"))
    edit = tab.windowCombo.lineEdit()  # keys sent to the line edit inside the combo
    QTest.keyClicks(edit, "W02")
    QTest.keyClick(edit, Qt.Key_Return)
    activate(qtbot, tab)
    assert sorted(r.window_code for r in stored()) == ["W02", "W03"]


def test_picking_a_match_from_the_list_with_arrow_and_enter(tab, qtbot):
    base_form(qtbot, tab)
    enter_field(qtbot, tab, tab.windowCombo)
    type_text(tab.windowCombo, "保")  # 社保窗口 and 医保窗口
    qtbot.wait(1)
    popup = tab.windows.popup()
    assert popup.isVisible() and popup.model().rowCount() == 2
    QTest.keyClick(popup, Qt.Key_Down)
    QTest.keyClick(popup, Qt.Key_Down)  # the second match
    QTest.keyClick(popup, Qt.Key_Return)  # picks it; does not save yet
    activate(qtbot, tab)
    assert tab.windowCombo.currentText() == "W03 医保窗口" and stored() == []
    press_enter(qtbot, tab)
    assert [r.window_code for r in stored()] == ["W03"]


def test_a_unique_name_fragment_resolves(tab, qtbot):
    base_form(qtbot, tab)
    type_into(qtbot, tab, tab.windowCombo, "医保")
    assert tab.windowCombo.currentText() == "W03 医保窗口"
    press_enter(qtbot, tab)
    assert [r.window_code for r in stored()] == ["W03"]


def test_an_ambiguous_fragment_is_refused(tab, qtbot):
    base_form(qtbot, tab)
    type_into(qtbot, tab, tab.windowCombo, "窗口")  # all three are 窗口
    settle(qtbot, tab)
    assert tab.windowCombo.currentText() == "窗口"  # kept as typed, not some old item
    assert "对应 3 项" in tab.hintLabel.text()
    assert "#d93025" in tab.windowCombo.styleSheet()  # the red frame
    assert "窗口 （无效）" in tab.summaryLabel.text()
    press_enter(qtbot, tab)
    assert stored() == []
    assert tab.errorLabel.text().startswith("未保存：窗口“窗口”对应 3 项")
    assert tab.windowCombo.hasFocus()  # back to what must be fixed


def test_an_unknown_code_is_refused_and_nothing_is_saved(tab, qtbot):
    base_form(qtbot, tab)
    type_into(qtbot, tab, tab.windowCombo, "W99", Qt.Key_Return)
    assert stored() == []
    assert "窗口“W99”不在列表中" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.windowCombo, "W99", Qt.Key_Tab)
    press_enter(qtbot, tab)
    assert stored() == []
    # Fixing the text is enough: the next Enter saves to what is now typed.
    type_into(qtbot, tab, tab.windowCombo, "W02", Qt.Key_Return)
    assert [r.window_code for r in stored()] == ["W02"]
    assert tab.hintLabel.text() == "" and tab.windowCombo.styleSheet() == ""


def test_the_whole_item_text_and_the_exact_name_resolve(tab, qtbot):
    base_form(qtbot, tab)
    type_into(qtbot, tab, tab.windowCombo, "W02 社保窗口")
    assert tab.windows.value() == "W02"
    type_into(qtbot, tab, tab.windowCombo, "不动产登记窗口")
    assert tab.windows.value() == "W01"


def test_tab_through_the_whole_form_and_save(tab, qtbot):
    """The keyboard flow: date, window, person, standard, clause, count, evidence, reference."""
    enter_field(qtbot, tab, tab.dateEdit)
    QTest.keyClick(tab.dateEdit, Qt.Key_Tab)
    assert tab.windowCombo.hasFocus()
    type_and_leave(qtbot, tab, tab.windowCombo, "W01")
    assert tab.personCombo.hasFocus()
    type_and_leave(qtbot, tab, tab.personCombo, "李")  # 李四 is the only 李 at W01
    assert tab.standardCombo.hasFocus()
    QTest.keyClick(tab.standardCombo, Qt.Key_Tab)
    assert tab.clauseCombo.hasFocus()
    type_and_leave(qtbot, tab, tab.clauseCombo, "5.4")
    assert tab.variantCombo.hasFocus()  # 5.4 has 情形
    type_and_leave(qtbot, tab, tab.variantCombo, "迟到")
    assert tab.countSpin.hasFocus()
    QTest.keyClick(tab.countSpin, Qt.Key_A, Qt.ControlModifier)
    QTest.keyClicks(tab.countSpin, "2")
    QTest.keyClick(tab.countSpin, Qt.Key_Tab)
    assert tab.evidenceCombo.hasFocus()
    type_and_leave(qtbot, tab, tab.evidenceCombo, "签到")
    assert tab.referenceEdit.hasFocus()
    QTest.keyClicks(tab.referenceEdit, "QD-7")
    settle(qtbot, tab)
    assert tab.summaryLabel.text() == (
        "将保存为：2026-10-01；窗口 W01 不动产登记窗口；人员 1002 李四；"
        "窗口考评条款 5.4 无故不派员参加中心组织的学习、培训等集体活动；情形 迟到（早退）；2 次；依据 E17 会议签到册"
    )
    assert tab.previewLabel.text().startswith("窗口扣")
    press_enter(qtbot, tab)
    (row,) = stored()
    assert (row.window_code, row.person_id, row.clause_code, row.variant, row.count, row.evidence_code, row.reference) == (
        "W01", "1002", "5.4", "迟到（早退）", 2, "E17", "QD-7"
    )


def test_alt_letters_reach_every_field(tab, qtbot):
    fields = {
        Qt.Key_D: tab.dateEdit,
        Qt.Key_W: tab.windowCombo,
        Qt.Key_P: tab.personCombo,
        Qt.Key_S: tab.standardCombo,
        Qt.Key_C: tab.clauseCombo,
        Qt.Key_N: tab.countSpin,
        Qt.Key_E: tab.evidenceCombo,
        Qt.Key_R: tab.referenceEdit,
        Qt.Key_M: tab.noteEdit,
    }
    for key, widget in fields.items():
        activate(qtbot, tab)
        QTest.keyClick(tab, key, Qt.AltModifier)
        assert widget.hasFocus(), widget.objectName()
    base_form(qtbot, tab, clause="4.4")  # a clause with 情形: its field shows, and Alt+V reaches it
    activate(qtbot, tab)
    QTest.keyClick(tab, Qt.Key_V, Qt.AltModifier)
    assert tab.variantCombo.hasFocus()
    labels = [tab.dateLabel, tab.windowLabel, tab.personLabel, tab.standardLabel, tab.clauseLabel, tab.variantLabel,
              tab.countLabel, tab.evidenceLabel, tab.referenceLabel, tab.noteLabel]
    assert all("(&" in label.text() and label.buddy() is not None for label in labels)


# --- person, clause, variant, evidence --------------------------------------------------------


def test_person_by_number_by_unique_name_and_refused(tab, qtbot):
    base_form(qtbot, tab)
    type_into(qtbot, tab, tab.personCombo, "1003", Qt.Key_Return)
    type_into(qtbot, tab, tab.personCombo, "李", Qt.Key_Tab)  # only 李四 at W01
    assert tab.personCombo.currentText() == "1002 李四（窗口工作人员）"
    press_enter(qtbot, tab)
    assert sorted(r.person_id for r in stored()) == ["1002", "1003"]
    type_into(qtbot, tab, tab.personCombo, "9999", Qt.Key_Return)
    assert "人员“9999”不在列表中" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.personCombo, "3001", Qt.Key_Return)  # 孙七 is at W03, not W01
    assert "不在列表中（只列出所选窗口在该日期在岗的人员）" in tab.errorLabel.text()
    assert len(stored()) == 2


def test_person_fragment_ambiguous_at_the_typed_window(tab, qtbot):
    base_form(qtbot, tab, window="W03")
    type_into(qtbot, tab, tab.personCombo, "李", Qt.Key_Return)  # 李明 and 李华
    assert stored() == []
    assert "对应 2 项" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.personCombo, "李华", Qt.Key_Return)
    assert [(r.window_code, r.person_id) for r in stored()] == [("W03", "3003")]


def test_a_person_of_the_old_window_is_not_dropped_silently_when_the_window_changes(tab, qtbot):
    base_form(qtbot, tab)
    type_into(qtbot, tab, tab.personCombo, "1002")
    type_into(qtbot, tab, tab.windowCombo, "W02", Qt.Key_Return)  # 李四 does not work at W02
    assert stored() == []
    assert "人员“1002 李四（窗口工作人员）”不在列表中" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.personCombo, "", None)  # emptied: 不指定人员
    QTest.keyClick(tab.personCombo, Qt.Key_Backspace)
    press_enter(qtbot, tab)
    assert [(r.window_code, r.person_id or None) for r in stored()] == [("W02", None)]


def test_clause_by_code_fragment_ambiguous_and_unknown(tab, qtbot):
    base_form(qtbot, tab, clause="5.1")  # exact code wins over 5.10, which also contains "5.1"
    assert tab.clauses.value() == "5.1"
    type_into(qtbot, tab, tab.clauseCombo, "超出承诺")  # only 4.4 in the window standard
    assert tab.clauses.value() == "4.4"
    type_into(qtbot, tab, tab.variantCombo, "红", Qt.Key_Return)
    assert [(r.clause_code, r.variant, r.evidence_code) for r in stored()] == [("4.4", "红牌", "E11")]
    type_into(qtbot, tab, tab.clauseCombo, "办事指南", Qt.Key_Return)  # 3.1, 3.3, 3.4 …
    assert "条款“办事指南”对应" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.clauseCombo, "9.9", Qt.Key_Return)
    assert "条款“9.9”不在列表中" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.clauseCombo, "P1.1", Qt.Key_Return)  # a staff clause under 窗口 standard
    assert "条款“P1.1”不在列表中" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.clauseCombo, "—", Qt.Key_Return)  # category headings are not choices
    assert "条款“—”不在列表中" in tab.errorLabel.text()
    assert len(stored()) == 1


def test_variant_must_be_named(tab, qtbot):
    base_form(qtbot, tab, clause="4.4")
    assert not tab.variantCombo.isHidden()
    press_enter(qtbot, tab)  # no 情形 yet
    assert "请选择情形" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.variantCombo, "牌", Qt.Key_Return)  # 黄牌 and 红牌
    assert "情形“牌”对应 2 项" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.variantCombo, "黄牌", Qt.Key_Return)
    assert [r.variant for r in stored()] == ["黄牌"]


def test_evidence_by_code_fragment_ambiguous_and_not_of_the_clause(tab, qtbot):
    base_form(qtbot, tab, clause="3.1")  # evidence E06–E10 and E99
    codes = [tab.evidenceCombo.itemData(i) for i in range(tab.evidenceCombo.count())]
    assert codes == ["E06", "E07", "E08", "E09", "E10", "E99"]
    type_into(qtbot, tab, tab.evidenceCombo, "E0", Qt.Key_Return)
    assert "评定依据“E0”对应 4 项" in tab.errorLabel.text()
    type_into(qtbot, tab, tab.evidenceCombo, "E11", Qt.Key_Return)  # exists, but not for 3.1
    assert "评定依据“E11”不在列表中" in tab.errorLabel.text()
    assert stored() == []
    type_into(qtbot, tab, tab.evidenceCombo, "抽查", Qt.Key_Return)
    type_into(qtbot, tab, tab.evidenceCombo, "E08", Qt.Key_Tab)
    press_enter(qtbot, tab)
    assert sorted(r.evidence_code for r in stored()) == ["E07", "E08"]


def test_other_evidence_needs_an_explanation(tab, qtbot):
    base_form(qtbot, tab)
    type_into(qtbot, tab, tab.evidenceCombo, "其他", Qt.Key_Return)
    assert "依据说明" in tab.errorLabel.text() and stored() == []
    enter_field(qtbot, tab, tab.referenceEdit)
    type_text(tab.referenceEdit, "县长热线转办单 88 号")
    press_enter(qtbot, tab)
    assert [(r.evidence_code, r.reference) for r in stored()] == [("E99", "县长热线转办单 88 号")]


# --- duplicates, focus, unsaved edits ---------------------------------------------------------


def test_enter_twice_asks_before_a_second_identical_incident(tab, qtbot):
    base_form(qtbot, tab)
    press_enter(qtbot, tab)
    assert len(stored()) == 1
    press_enter(qtbot, tab, tab.dateEdit)  # the same again: it asks
    box = tab.duplicate_prompt
    assert box is not None and box.isVisible()
    assert box.defaultButton() is box.button(QMessageBox.No)
    assert box.button(QMessageBox.Yes).text() == "是(&Y)"
    assert "已有 1 条完全相同的扣分记录" in box.text() and "W01 不动产登记窗口" in box.text()
    press_enter(qtbot, tab, tab.dateEdit)  # Enter in the form while it asks: nothing more
    assert len(stored()) == 1
    QTest.keyClick(box, Qt.Key_Return)  # Enter on the question: the default, 否
    qtbot.waitUntil(lambda: not box.isVisible())
    assert len(stored()) == 1 and "重复" in tab.errorLabel.text()

    press_enter(qtbot, tab, tab.dateEdit)
    box = tab.duplicate_prompt
    assert box.isVisible()
    box.button(QMessageBox.No).click()
    assert len(stored()) == 1

    press_enter(qtbot, tab, tab.dateEdit)
    tab.duplicate_prompt.button(QMessageBox.Yes).click()
    assert len(stored()) == 2


def test_a_different_reference_is_not_a_duplicate(tab, qtbot):
    base_form(qtbot, tab)
    press_enter(qtbot, tab)
    enter_field(qtbot, tab, tab.referenceEdit)
    type_text(tab.referenceEdit, "第二单")
    press_enter(qtbot, tab)
    assert tab.duplicate_prompt is None
    assert len(stored()) == 2


def test_after_saving_the_cursor_is_on_the_kept_date_with_window_and_clause(tab, qtbot):
    enter_field(qtbot, tab, tab.dateEdit)
    tab.dateEdit.setDate(QDate(2026, 10, 15))
    base_form(qtbot, tab, window="W03", clause="3.2")
    type_into(qtbot, tab, tab.personCombo, "孙七")
    enter_field(qtbot, tab, tab.noteEdit)
    type_text(tab.noteEdit, "备注")
    QTest.keyClick(tab.noteEdit, Qt.Key_Return)
    activate(qtbot, tab)
    (row,) = stored()
    assert (row.date, row.window_code, row.person_id, row.note) == (date(2026, 10, 15), "W03", "3001", "备注")
    assert tab.dateEdit.hasFocus()
    assert tab.dateEdit.date() == QDate(2026, 10, 15)
    assert tab.windows.value() == "W03" and tab.clauses.value() == "3.2"
    assert tab.people.value() is None  # the next incident names its own person
    assert tab.noteEdit.text() == "" and tab.referenceEdit.text() == "" and tab.countSpin.value() == 1
    assert not tab.has_unsaved_changes()
    assert tab.dateEdit.text() == "2026-10-15"  # only the day is typed; the month is the shared one
    # The next one needs only the day: type it and press Enter ("3" could still become 31).
    QTest.keyClicks(tab.dateEdit, "3")
    QTest.keyClick(tab.dateEdit, Qt.Key_Return)
    activate(qtbot, tab)
    QTest.keyClicks(tab.dateEdit, "16")
    QTest.keyClick(tab.dateEdit, Qt.Key_Return)
    days = sorted((r.date.day, r.window_code, r.clause_code) for r in stored())
    assert days == [(3, "W03", "3.2"), (15, "W03", "3.2"), (16, "W03", "3.2")]


def test_unsaved_changes_are_reported_and_discarded(tab, qtbot):
    assert not tab.has_unsaved_changes()
    base_form(qtbot, tab)
    assert not tab.has_unsaved_changes()  # window and clause alone are the run's context
    enter_field(qtbot, tab, tab.referenceEdit)
    type_text(tab.referenceEdit, "文号 12")
    assert tab.has_unsaved_changes()
    tab.discard_changes()
    assert not tab.has_unsaved_changes() and tab.referenceEdit.text() == ""
    QTest.keyClick(tab.countSpin, Qt.Key_Up)
    assert tab.has_unsaved_changes()
    tab.discard_changes()
    press_enter(qtbot, tab)
    tab.incidentTable.selectRow(0)
    assert tab.edit_selected()
    assert tab.has_unsaved_changes()  # an edit in progress
    tab.discard_changes()
    assert not tab.has_unsaved_changes() and tab.editing_id is None


def test_editing_moves_the_incident_to_the_typed_window(tab, qtbot):
    base_form(qtbot, tab)
    press_enter(qtbot, tab)
    tab.incidentTable.selectRow(0)
    assert tab.edit_selected()
    settle(qtbot, tab)
    assert tab.summaryLabel.text().startswith("将修改为：")
    type_into(qtbot, tab, tab.windowCombo, "W02", Qt.Key_Return)
    (row,) = stored()
    assert row.window_code == "W02"
    assert tab.editing_id is None


def test_a_closed_month_refuses_entry(tab, qtbot):
    base_form(qtbot, tab)
    press_enter(qtbot, tab)
    services.close_month(MONTH)
    tab.state.notify(MONTHS)
    assert tab.closedBanner.isVisible() and "已锁定" in tab.closedBanner.text()
    assert not tab.formBox.isEnabled() and not tab.voidButton.isEnabled()
    assert not tab.save()  # even when called directly
    assert "已锁定" in tab.errorLabel.text()
    assert len(stored()) == 1


# --- the shared month, what reloads, and how often ---------------------------------------------


def test_the_month_is_the_shared_state(tab, qtbot):
    assert tab.month == MONTH
    tab.state.set_month("2026-11")
    assert tab.month == "2026-11"
    assert tab.dateEdit.minimumDate() == QDate(2026, 11, 1) and tab.dateEdit.maximumDate() == QDate(2026, 11, 30)
    assert "2026 年 11 月" in tab.monthInfoLabel.text()
    tab.set_month("2026-10")
    assert tab.state.month == "2026-10" and tab.dateEdit.date().month() == 10


def test_a_hidden_tab_loads_when_shown(db, qtbot):
    roster_service.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    state = AppState(MONTH)
    entry = EntryTab(state=state)
    qtbot.addWidget(entry)
    assert entry.windowCombo.count() == 0  # nothing read while the window starts
    roster_service.save_window(Window("W02", "社保窗口", "县人社局"), is_new=True)
    state.notify(ROSTER)
    entry.show()
    qtbot.waitExposed(entry)
    assert [entry.windowCombo.itemData(i) for i in range(entry.windowCombo.count())] == ["W01", "W02"]


def test_saving_puts_the_one_row_into_the_table_and_tells_the_window(tab, qtbot, monkeypatch):
    base_form(qtbot, tab)
    calls, seen = [], []
    real_month, real_roster = incident_service.month_incidents, roster_view.roster
    monkeypatch.setattr(incident_service, "month_incidents", lambda *a, **k: calls.append("month") or real_month(*a, **k))
    monkeypatch.setattr(roster_view, "roster", lambda: calls.append("roster") or real_roster())
    tab.state.data_changed.connect(seen.append)
    press_enter(qtbot, tab)
    # Neither the month's incidents nor the roster are read again: the saved row is fetched alone.
    assert calls == [] and seen == [frozenset({INCIDENTS})]
    # Voiding it replaces that row in place, still without reloading the month.
    tab.incidentTable.selectRow(0)
    assert tab.void_selected("录错")
    assert calls == [] and tab.model.rowCount() == 1
    (saved,) = incident_service.month_incidents(tab.month)
    assert saved.voided and tab.model.row_at(0) == saved


def test_a_month_read_since_the_last_change_is_shown_from_memory(tab, qtbot, monkeypatch):
    """Switching back and forth re-reads nothing; any change (here another program's incident,
    announced as the window announces it) makes the next switch read the month again."""
    base_form(qtbot, tab)
    press_enter(qtbot, tab)  # one row of ours, put into the table and remembered
    calls = []
    real_month = incident_service.month_incidents
    monkeypatch.setattr(incident_service, "month_incidents", lambda *a, **k: calls.append(a[0]) or real_month(*a, **k))
    tab.set_month("2026-11")
    assert calls == ["2026-11"] and tab.model.rowCount() == 0
    tab.set_month(MONTH)
    assert calls == ["2026-11"] and tab.model.rowCount() == 1, "the month as the save left it, from memory"
    tab.set_month("2026-11")
    assert calls == ["2026-11"]
    incident_service.add_incident(
        incident_service.IncidentInput(date(2026, 10, 9), "W02", "3.1", 1, "E07", person_id=None)
    )
    tab.state.notify(INCIDENTS)  # the shown month is read again at once
    tab.set_month(MONTH)
    assert calls == ["2026-11", "2026-11", MONTH] and tab.model.rowCount() == 2


def test_the_preview_coalesces_signals_and_never_runs_from_the_model(tab, qtbot, monkeypatch):
    base_form(qtbot, tab)
    calls = []
    real = incident_service.preview
    monkeypatch.setattr(incident_service, "preview", lambda *a, **k: calls.append(1) or real(*a, **k))
    enter_field(qtbot, tab, tab.referenceEdit)
    type_text(tab.referenceEdit, "ABCDEFGH")  # eight keystrokes, no event loop between them
    QTest.keyClick(tab.countSpin, Qt.Key_Up)
    settle(qtbot, tab)
    assert len(calls) == 1
    assert "录入后剩余 6 分" in tab.previewLabel.text()  # 3.1 twice: 2 × 2 of 10
    # Painting the table reads prepared strings only.
    press_enter(qtbot, tab)
    calls.clear()
    for r in range(tab.proxy.rowCount()):
        for c in range(tab.proxy.columnCount()):
            tab.proxy.data(tab.proxy.index(r, c))
    assert calls == []


def test_ten_thousand_rows_reload_in_one_model_reset(tab, qtbot):
    from kaoping_desktop.domain.incidents import Incident
    from kaoping_desktop.store import repository

    many = [Incident(date(2026, 10, 1 + i % 28), "W01", "3.1", 1, "E07", reference=f"R{i}") for i in range(10_000)]
    repository.insert_incidents(many, {"3.1": "window"})
    resets = []
    tab.model.modelReset.connect(lambda: resets.append(tab.model.rowCount()))
    tab.state.notify(INCIDENTS)
    assert tab.table_loading()  # read in a worker: the window keeps painting meanwhile
    assert tab.wait_for_table()
    # Emptied while reading (never another month's rows), then filled in one reset.
    assert resets == [0, 10_000] and tab.model.rowCount() == 10_000
    tab.filterEdit.setText("R9999")
    assert tab.proxy.rowCount() == 1
    assert tab.countInfoLabel.text() == "显示 1 条 / 本月共 10000 条"


def test_the_incident_list_sorts_by_number_and_keeps_the_selection(tab, qtbot):
    from kaoping_desktop.domain.incidents import Incident
    from kaoping_desktop.store import repository

    assert tab.proxy.headerData(6, Qt.Horizontal) == "次数"  # titles even with no rows
    repository.insert_incidents(
        [Incident(date(2026, 10, d), "W01", "3.1", n, "E07", reference=f"R{n}") for d, n in ((1, 10), (2, 2), (3, 1))],
        {"3.1": "window"},
    )
    tab.state.notify(INCIDENTS)
    tab.wait_for_table()
    tab.incidentTable.sortByColumn(6, Qt.AscendingOrder)
    assert [tab.proxy.index(r, 6).data() for r in range(3)] == ["1", "2", "10"]  # numbers, not text
    tab.incidentTable.selectRow(2)
    assert tab.selected_row().count == 10
    tab.incidentTable.sortByColumn(6, Qt.DescendingOrder)
    assert tab.selected_row().count == 10  # the selection follows its row
    assert tab.incidentTable.selectionModel().selectedRows()[0].row() == 0
    tab.filterEdit.setText("r2")
    assert tab.proxy.rowCount() == 1 and tab.proxy.index(0, 8).data() == "R2"
    tab.incidentTable.selectRow(0)
    assert tab.void_selected("录入错误")
    assert tab.proxy.rowCount() == 0 and tab.countInfoLabel.text() == "显示 0 条 / 本月共 3 条"
    tab.showVoidedCheck.setChecked(True)
    assert tab.proxy.index(0, 13).data() == "已作废：录入错误"


def test_a_save_that_meets_another_programs_lock_keeps_the_form_and_says_so(tab, qtbot, db):
    import sqlite3

    from kaoping_desktop.store.models import database

    base_form(qtbot, tab)
    enter_field(qtbot, tab, tab.referenceEdit)
    type_text(tab.referenceEdit, "DB-1")
    other = sqlite3.connect(db, isolation_level=None)  # another copy of the program, mid-write
    other.execute("BEGIN IMMEDIATE")
    database.execute_sql("PRAGMA busy_timeout = 200")  # the real wait is 5 s; the test need not sit it out
    try:
        press_enter(qtbot, tab)
        assert "另一个程序" in tab.errorLabel.text() and "没有写入" in tab.errorLabel.text()
        assert tab.referenceEdit.text() == "DB-1" and tab.windows.value() == "W01"  # nothing typed is lost
    finally:
        other.execute("ROLLBACK")
        other.close()
        database.execute_sql("PRAGMA busy_timeout = 5000")
    assert stored() == []
    press_enter(qtbot, tab)  # the lock is gone: the same form saves
    (row,) = stored()
    assert (row.window_code, row.reference) == ("W01", "DB-1")
