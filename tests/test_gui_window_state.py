"""The window shell: one month for every tab, what is remembered between starts,
Qt's Chinese translations, the unsaved-edit question on quitting, the operator,
and results computed off the GUI thread."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from kaoping_desktop.domain.calendar import default_month
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.gui.app import install_translations, setup_application, translations_dirs
from kaoping_desktop.gui.app_state import INCIDENTS
from kaoping_desktop.gui.main_window import MainWindow
from kaoping_desktop.gui.month_picker import MonthPicker
from kaoping_desktop.gui.results_tab import NOT_EVALUATED
from kaoping_desktop.gui.results_worker import PARTS
from kaoping_desktop.services import incidents as incident_service
from kaoping_desktop.services import roster as roster_service
from kaoping_desktop.services import settings as settings_service

from gui_helpers import check, when_dialog_opens


OPENED: list = []


@pytest.fixture(autouse=True)
def _stop_workers():
    """No results worker may read the database file after its test."""
    yield
    while OPENED:
        OPENED.pop().stop_workers()


def open_window(qtbot, month: str | None = None) -> MainWindow:
    main = MainWindow()
    qtbot.addWidget(main)
    OPENED.append(main)
    if month:
        main.month_picker.set_month(month)
    main.show()
    qtbot.waitExposed(main)
    return main


def shut(main: MainWindow) -> None:
    """Quit as the clerk does (Ctrl+Q), answering no question."""
    main.quitAction.trigger()
    assert not main.isVisible()


def results_of(main: MainWindow, qtbot):
    main.tabs.setCurrentWidget(main.results_tab)
    qtbot.waitUntil(lambda: main.results_tab.is_current(PARTS), timeout=20000)
    return main.results_tab


@pytest.fixture
def center(db):
    """W01 with a chief and a staff member, in service since 2026-01."""
    roster_service.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    roster_service.save_person(Person("1001", "张三"), [Assignment("1001", "W01", CHIEF, date(2026, 1, 1))], is_new=True)
    roster_service.save_person(
        Person("1002", "李四"), [Assignment("1002", "W01", WINDOW_STAFF, date(2026, 1, 1))], is_new=True
    )
    return db


# --- the month the window opens on -----------------------------------------------------------


@pytest.mark.parametrize(
    "today, until, expected",
    [
        (date(2026, 11, 1), 10, "2026-10"),
        (date(2026, 11, 10), 10, "2026-10"),
        (date(2026, 11, 11), 10, "2026-11"),
        (date(2027, 1, 5), 10, "2026-12"),  # across the year
        (date(2026, 11, 1), 0, "2026-11"),  # 0: always the current month
        (date(2026, 11, 30), 31, "2026-10"),
    ],
)
def test_default_month_is_last_month_until_day_n(today, until, expected):
    assert default_month(today, until) == expected


def test_starting_month_follows_the_setting(db):
    assert settings_service.get_value("previous-month-until-day") == "10"
    assert settings_service.starting_month(date(2026, 11, 10)) == "2026-10"
    settings_service.set_value("previous-month-until-day", "5")
    assert settings_service.starting_month(date(2026, 11, 6)) == "2026-11"
    assert settings_service.starting_month(date(2026, 11, 5)) == "2026-10"


def test_a_fresh_window_opens_on_the_starting_month(db, qtbot):
    main = open_window(qtbot)
    assert main.state.month == settings_service.starting_month()
    assert main.month_picker.month() == main.state.month


# --- one month for the whole window ----------------------------------------------------------


def test_entry_and_results_share_the_one_month_picker(center, qtbot):
    main = open_window(qtbot, "2026-10")
    entry, results = main.entry_tab, main.results_tab
    # Neither tab has a picker of its own any more.
    assert main.findChildren(MonthPicker) == [main.month_picker]
    assert entry.findChildren(MonthPicker) == [] and results.findChildren(MonthPicker) == []

    main.tabs.setCurrentWidget(entry)
    # The clerk picks September in the month list with the keyboard.
    main.month_picker.month_box.setFocus()
    QTest.keyClick(main.month_picker.month_box, Qt.Key_Up)
    assert main.state.month == "2026-09"
    assert entry.month == results.month == "2026-09"
    assert entry.dateEdit.minimumDate().toString("yyyy-MM-dd") == "2026-09-01"
    assert entry.dateEdit.maximumDate().toString("yyyy-MM-dd") == "2026-09-30"
    assert results_of(main, qtbot).figures.month == "2026-09"
    # 上一个月 steps across the year boundary.
    main.month_picker.set_month("2026-01")
    main.month_picker.previous_button.click()
    assert main.state.month == "2025-12" and main.month_picker.year.value() == 2025
    qtbot.waitUntil(lambda: results.is_current(), timeout=20000)
    assert results.figures.month == "2025-12"


def test_the_month_is_remembered_across_a_restart(center, qtbot):
    main = open_window(qtbot, "2026-10")
    main.month_picker.year.setValue(2025)  # the clerk turns the year back
    assert main.state.month == "2025-10"
    assert settings_service.ui_state()["month"] == "2025-10"  # stored at once, not only on quit
    shut(main)
    again = open_window(qtbot)
    assert again.state.month == "2025-10" and again.month_picker.month() == "2025-10"
    assert again.entry_tab.month == again.results_tab.month == "2025-10"


def test_geometry_last_tab_splitter_and_column_widths_are_remembered(center, qtbot):
    main = open_window(qtbot, "2026-10")
    main.resize(730, 540)  # inside the offscreen screen (800 × 600); no narrower than the tabs allow
    size = (main.width(), main.height())
    assert size[1] == 540
    results = results_of(main, qtbot)
    results.rankingTable.setColumnWidth(2, 211)
    results.splitter.setSizes([60, 400])  # ranking small, details large
    sizes = results.splitter.sizes()
    shut(main)

    again = open_window(qtbot)
    assert (again.width(), again.height()) == size
    assert again.tabs.currentWidget() is again.results_tab
    # (a pixel may go to rounding when the window is laid out again)
    assert all(abs(a - b) <= 2 for a, b in zip(again.results_tab.splitter.sizes(), sizes))
    # Widths come back once the table has its columns, after the tab's own sizing.
    qtbot.waitUntil(lambda: again.results_tab.is_current(PARTS), timeout=20000)
    qtbot.waitUntil(lambda: again.results_tab.rankingTable.columnWidth(2) == 211, timeout=5000)
    shut(again)
    third = open_window(qtbot)  # a tab never shown keeps what was remembered before
    third.tabs.setCurrentWidget(third.roster_tab)
    shut(third)
    fourth = open_window(qtbot)
    fourth.tabs.setCurrentWidget(fourth.results_tab)
    qtbot.waitUntil(lambda: fourth.results_tab.rankingTable.columnWidth(2) == 211, timeout=20000)


# --- Chinese everywhere -----------------------------------------------------------------------


def test_qt_chinese_translations_ship_with_pyside6():
    assert any((folder / "qtbase_zh_CN.qm").is_file() for folder in translations_dirs())


def test_standard_buttons_speak_chinese(qtbot):
    app = setup_application()
    assert "qtbase" in install_translations(app)
    seen = {}

    def answer(box):
        seen["yes"] = box.button(QMessageBox.Yes).text()
        seen["no"] = box.button(QMessageBox.No).text()
        box.button(QMessageBox.No).click()

    errors = when_dialog_opens(answer)
    assert QMessageBox.question(None, "问题", "确定吗？") == QMessageBox.No
    check(errors)
    assert seen == {"yes": "是(&Y)", "no": "否(&N)"}
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.Cancel).text() == "取消"


# --- nothing lost silently ----------------------------------------------------------------------


def unsaved_box(main) -> QMessageBox:
    box = main.last_message
    assert box is not None and box.isVisible()
    return box


def button(box: QMessageBox, text: str):
    found = [b for b in box.buttons() if b.text() == text]
    assert found, [b.text() for b in box.buttons()]
    return found[0]


def test_quitting_with_unsaved_settings_asks_first(db, qtbot):
    main = open_window(qtbot)
    main.tabs.setCurrentWidget(main.settings_tab)
    edit = main.settings_tab.centerNameEdit
    edit.selectAll()
    QTest.keyClicks(edit, "Pingan")
    main.quitAction.trigger()
    box = unsaved_box(main)
    assert main.isVisible()
    assert "有未保存的修改（设置）" in box.text()
    assert {b.text() for b in box.buttons()} == {"保存", "不保存", "取消"}

    button(box, "取消").click()
    assert main.isVisible() and edit.text() == "Pingan"  # nothing lost

    main.quitAction.trigger()
    button(unsaved_box(main), "保存").click()
    assert not main.isVisible()
    assert settings_service.get_value("center-name") == "Pingan"


def test_quitting_without_saving_drops_the_edit(db, qtbot):
    main = open_window(qtbot)
    main.tabs.setCurrentWidget(main.settings_tab)
    main.settings_tab.centerNameEdit.setText("不要的名字")
    main.close()
    button(unsaved_box(main), "不保存").click()
    assert not main.isVisible()
    assert settings_service.get_value("center-name") == "XX县政务服务中心"


def test_quitting_with_a_half_typed_incident_names_the_entry_tab(center, qtbot):
    main = open_window(qtbot, "2026-10")
    main.tabs.setCurrentWidget(main.entry_tab)
    QTest.keyClicks(main.entry_tab.referenceEdit, "ref-88")
    assert main.entry_tab.has_unsaved_changes()
    main.close()
    box = unsaved_box(main)
    assert "扣分录入" in box.text()
    button(box, "取消").click()
    assert main.isVisible() and main.entry_tab.referenceEdit.text() == "ref-88"
    main.entry_tab.discard_changes()
    shut(main)  # nothing unsaved any more: no question


def test_quitting_with_nothing_unsaved_asks_nothing(db, qtbot):
    main = open_window(qtbot)
    main.close()
    assert not main.isVisible() and main.last_message is None


# --- results off the GUI thread -------------------------------------------------------------------


def test_stale_answers_are_dropped_when_the_month_flips_quickly(center, qtbot):
    for day in (3, 4):
        incident_service.add_incident(incident_service.IncidentInput(date(2026, 10, day), "W01", "3.1", 1, "E07"))
    main = open_window(qtbot, "2026-10")
    results = results_of(main, qtbot)
    assert results.ranking.total_of("W01") == "95.80"
    for _ in range(3):  # three clicks before anything comes back
        main.month_picker.previous_button.click()
    assert main.state.month == "2026-07"
    qtbot.waitUntil(lambda: results.is_current(PARTS) and not results.loader.busy(), timeout=20000)
    assert results.figures.month == "2026-07" and results.ranking.total_of("W01") == "100.00"
    # Back to October: served from the cache, at once.
    main.month_picker.set_month("2026-10")
    assert results.is_current(PARTS) and results.ranking.total_of("W01") == "95.80"
    # A change makes the cached answer stale: the version moved on.
    incident_service.add_incident(incident_service.IncidentInput(date(2026, 10, 5), "W01", "3.1", 1, "E07"))
    main.state.notify(INCIDENTS)
    assert not results.is_current()
    qtbot.waitUntil(lambda: results.ranking.total_of("W01") == "93.70", timeout=20000)


def test_months_before_the_first_evaluated_month_show_no_figures(center, qtbot):
    incident_service.add_incident(incident_service.IncidentInput(date(2026, 9, 3), "W01", "3.1", 1, "E07"))
    settings_service.set_value("first-month", "2026-10")
    main = open_window(qtbot, "2026-09")
    results = results_of(main, qtbot)
    assert results.statusLabel.text().startswith(NOT_EVALUATED)
    assert "2026-10" in results.statusLabel.text()
    assert results.ranking.rowCount() == 0 and results.people.rowCount() == 0
    assert not results.closeButton.isEnabled() and not results.printButton.isEnabled()
    assert results.codeLabel.text() == ""
    main.month_picker.set_month("2026-11")
    qtbot.waitUntil(lambda: results.is_current(PARTS), timeout=20000)
    results.select_window("W01")
    assert [p.month for p in results.chart.points] == [10, 11]  # September is not in the chart


# --- the operator ------------------------------------------------------------------------------------


def test_the_operator_is_asked_once_the_center_has_windows(center, qtbot):
    main = open_window(qtbot)
    assert settings_service.operator() == ""

    def answer(dialog):
        dialog.operatorCombo.setCurrentText("王会计")
        dialog.buttonBox.button(QDialogButtonBox.Ok).click()

    errors = when_dialog_opens(answer)
    assert main.ask_operator_if_needed() == "王会计"
    check(errors)
    assert settings_service.operator() == "王会计"
    assert main.operatorLabel.text() == "操作员：王会计"
    assert main.ask_operator_if_needed() is None  # known now: not asked again


def test_an_empty_center_is_not_asked_for_an_operator(db, qtbot):
    from kaoping_desktop.gui.operator_dialog import OperatorDialog

    main = open_window(qtbot)
    assert main.ask_operator_if_needed() is None  # a dialog would have waited for an answer
    assert main.findChildren(OperatorDialog) == []


# --- a window that appears at once ---------------------------------------------------------------


def test_no_tab_is_built_before_the_window_has_painted(center, qtbot):
    main = MainWindow()
    qtbot.addWidget(main)
    OPENED.append(main)
    main.show()
    assert main.built_tabs() == []  # the first paint shows the frame, menus and month
    qtbot.waitUntil(lambda: [label for _tab, label in main.built_tabs()] == ["人员名册"], timeout=5000)
    assert main.tabs.currentWidget() is main.roster_tab
    assert main.roster_tab.windows_model.rowCount() == 1  # and then it read its data
    # A tab asked for by name is built then, shown or not; the rest still wait.
    assert main.tabs.indexOf(main.standards_tab) == 3
    assert [label for _tab, label in main.built_tabs()] == ["人员名册", "评分标准"]
    QTest.keyClick(main, Qt.Key_3, Qt.ControlModifier)
    assert main.tabs.currentWidget() is main.results_tab


# --- the first day ---------------------------------------------------------------------------------


def test_a_new_database_asks_the_first_start_questions(db, qtbot):
    main = open_window(qtbot)
    seen = []

    def answer(dialog):
        seen.append(dialog.windowTitle())
        dialog.reject()  # 以后再说

    errors = when_dialog_opens(answer)
    main.start_up()
    check(errors)
    assert seen == ["首次使用"]


def test_the_guide_shows_on_a_new_center_and_stays_away_once_put_away(db, qtbot):
    from kaoping_desktop.gui.guide_panel import GuidePanel

    main = open_window(qtbot)
    guide = main.guide_panel
    assert isinstance(guide, GuidePanel) and main.guideDock.isVisible()
    assert not guide.status()["backup"]
    guide.entryButton.click()
    assert main.tabs.currentWidget() is main.entry_tab
    guide.hideButton.click()
    assert not main.guideDock.isVisible()
    shut(main)
    again = open_window(qtbot)
    assert again.guide_panel is None  # put away: not shown at start
    again.guideAction.trigger()  # 帮助 → 开始使用向导
    assert again.guideDock.isVisible()


def test_a_center_that_has_closed_a_month_opens_without_the_guide(db, qtbot):
    from kaoping_desktop import services

    roster_service.save_window(Window("W01", "不动产窗口", "县自然资源局"), is_new=True)
    roster_service.save_person(Person("1001", "张三"), [Assignment("1001", "W01", CHIEF)], is_new=True)
    roster_service.save_person(Person("1002", "李四"), [Assignment("1002", "W01", WINDOW_STAFF)], is_new=True)
    services.close_month("2026-09")
    main = open_window(qtbot)
    assert main.guide_panel is None  # no backup recorded, but the center is past its first month
    main.guideAction.trigger()
    assert main.guideDock.isVisible() and main.guide_panel.status()["close_print"]


def test_a_backup_ticks_the_guide(db, qtbot, tmp_path):
    main = open_window(qtbot)
    assert not main.guide_panel.status()["backup"]
    usb = tmp_path / "U盘"
    usb.mkdir()
    assert main.backup_to_folder(usb) is not None
    main.last_message.accept()
    assert main.guide_panel.status()["backup"]


def test_an_unexpected_error_is_logged_and_explained_in_chinese(qtbot, tmp_path, monkeypatch):
    import sys

    from kaoping_desktop.gui.app import install_error_handler

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    log_file = tmp_path / "kaoping-desktop.log"
    install_error_handler(log_file)
    shown = []

    def read(box):
        shown.append((box.windowTitle(), box.text()))
        box.accept()

    errors = when_dialog_opens(read)
    try:
        raise RuntimeError("磁盘已满")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    check(errors)
    (title, text), = shown
    assert title == "程序错误" and "磁盘已满" in text and str(log_file) in text
    logged = log_file.read_text(encoding="utf-8")
    assert "RuntimeError: 磁盘已满" in logged and "Traceback" in logged
