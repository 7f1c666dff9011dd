"""The first day: the first-start dialog, the 开始使用 guide, the new settings, the manual."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from kaoping_desktop import services
from kaoping_desktop.domain.calendar import add_months, month_of
from kaoping_desktop.domain.roster import CHIEF, Assignment, Person, Window
from kaoping_desktop.gui.app_state import SETTINGS, AppState
from kaoping_desktop.gui.first_start import FirstStartDialog, run_first_start
from kaoping_desktop.gui.guide_panel import STEP_BUTTONS, GuidePanel
from kaoping_desktop.gui.manual import ManualDialog, manual_path, open_manual
from kaoping_desktop.gui.settings_tab import SettingsTab
from kaoping_desktop.paths import resources_dir
from kaoping_desktop.services import audit_log, first_day
from kaoping_desktop.services import roster as roster_service
from kaoping_desktop.services import settings as settings_service
from kaoping_desktop.services.incidents import IncidentInput, add_incident
from kaoping_desktop.store.models import AuditLog

from gui_helpers import check, type_text, when_dialog_opens

LAST_MONTH = add_months(month_of(date.today()), -1)


def replace_text(widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    QTest.keyClick(widget, Qt.Key_Delete)
    type_text(widget, text)


def one_window() -> None:
    roster_service.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    roster_service.save_person(Person("1001", "张三"), [Assignment("1001", "W01", CHIEF)], is_new=True)


def audit_actors() -> list[tuple[str, str, str]]:
    return [(r.actor, r.action, r.entity_id) for r in AuditLog.select().order_by(AuditLog.id)]


# -- needs_first_start ------------------------------------------------------------------


def test_a_new_database_needs_the_first_start(db):
    assert first_day.needs_first_start()


def test_a_database_with_windows_does_not(db):
    one_window()  # e.g. filled from the command line: behaves as before, no questions
    assert not first_day.needs_first_start()


def test_a_first_month_set_once_is_enough_even_if_cleared_later(db):
    settings_service.set_value("first-month", "2026-10")
    assert not first_day.needs_first_start()
    settings_service.set_value("first-month", "")
    assert settings_service.first_month() is None
    assert not first_day.needs_first_start()


# -- the first-start dialog ---------------------------------------------------------------


@pytest.fixture
def first_start(db, qtbot):
    state = AppState(LAST_MONTH)
    dialog = FirstStartDialog(None, state)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    # Focus follows the active window; a window left by an earlier test may still hold it.
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_first_start_proposes_last_month_and_an_empty_name(first_start):
    assert first_start.monthPicker.month() == LAST_MONTH
    assert first_start.centerNameEdit.text() == ""  # not the placeholder name
    assert first_start.centerNameEdit.hasFocus()
    assert first_start.buttonBox.button(QDialogButtonBox.Ok).text() == "开始使用"


def test_first_start_stores_the_three_answers_and_the_operator_signs_them(first_start, qtbot):
    type_text(first_start.centerNameEdit, "平安县政务服务中心")
    QTest.keyClick(first_start.centerNameEdit, Qt.Key_Tab)  # to the year
    assert first_start.monthPicker.year.hasFocus()
    QTest.keyClick(first_start.monthPicker.year, Qt.Key_A, Qt.ControlModifier)
    QTest.keyClicks(first_start.monthPicker.year, "2026")
    QTest.keyClick(first_start.monthPicker.year, Qt.Key_Tab)  # to the month
    first_start.monthPicker.month_box.setCurrentIndex(9)  # 10 月
    first_start.operatorCombo.setFocus()
    type_text(first_start.operatorCombo.lineEdit(), "王会计")
    with qtbot.waitSignal(first_start.state.data_changed, timeout=3000) as changed:
        QTest.keyClick(first_start.operatorCombo.lineEdit(), Qt.Key_Return)
    assert changed.args[0] == frozenset({SETTINGS})
    assert first_start.result() == QDialog.Accepted
    assert settings_service.get_value("center-name") == "平安县政务服务中心"
    assert settings_service.first_month() == "2026-10"
    assert settings_service.operator() == "王会计"
    assert not first_day.needs_first_start()
    # The answers' own audit rows already carry the operator's name.
    rows = [r for r in audit_actors() if r[1] == "修改设置"]
    assert {r[2] for r in rows} == {"operator", "center_name", "first_month"}
    assert {r[0] for r in rows} == {"王会计"}


@pytest.mark.parametrize(
    "center, operator, message, focus",
    [
        ("", "王会计", "中心名称不能为空", "centerNameEdit"),
        ("平安县政务服务中心", "", "请填写操作员姓名", "operatorCombo"),
        ("中" * 51, "王会计", "中心名称最多 50 个字", "centerNameEdit"),
    ],
)
def test_first_start_refusals_stay_in_the_dialog_and_write_nothing(first_start, center, operator, message, focus):
    before = audit_actors()
    first_start.centerNameEdit.setMaxLength(100)  # let a too-long name reach the service
    first_start.centerNameEdit.setText(center)
    first_start.operatorCombo.setCurrentText(operator)
    first_start.buttonBox.button(QDialogButtonBox.Ok).click()
    assert first_start.isVisible() and first_start.result() != QDialog.Accepted
    assert message in first_start.errorLabel.text()
    assert getattr(first_start, focus).hasFocus() or getattr(first_start, focus).isAncestorOf(
        QApplication.focusWidget()
    )
    assert audit_actors() == before  # nothing stored: not even the valid answers
    assert first_day.needs_first_start()


def test_first_start_month_after_a_closed_month_is_refused(db, qtbot):
    one_window()
    services.close_month("2026-03")
    dialog = FirstStartDialog(None)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.centerNameEdit.setText("平安县政务服务中心")
    dialog.monthPicker.set_month("2026-05")
    dialog.operatorCombo.setCurrentText("王会计")
    dialog.buttonBox.button(QDialogButtonBox.Ok).click()
    assert dialog.isVisible()
    assert "开始考评月份：2026-03 已锁定" in dialog.errorLabel.text()
    assert settings_service.first_month() is None and settings_service.operator() == ""


def test_later_is_cancel_and_asks_again(db):
    errors = when_dialog_opens(lambda d: d.buttonBox.button(QDialogButtonBox.Cancel).click())
    assert run_first_start(None) is False
    check(errors)
    assert first_day.needs_first_start()


def test_run_first_start_modal(db):
    def fill(d):
        d.centerNameEdit.setText("平安县政务服务中心")
        d.operatorCombo.setCurrentText("王会计")
        QTest.keyClick(d.centerNameEdit, Qt.Key_Return)

    errors = when_dialog_opens(fill)
    assert run_first_start(None) is True
    check(errors)
    assert settings_service.first_month() == LAST_MONTH


# -- the guide ----------------------------------------------------------------------------------


def test_guide_status_follows_the_data(db, tmp_path):
    assert first_day.guide_status() == dict.fromkeys(first_day.STEPS, False)
    assert list(first_day.guide_status()) == list(first_day.STEPS)
    settings_service.set_value("center-name", "平安县政务服务中心")
    settings_service.set_value("first-month", "2026-09")
    one_window()
    done = first_day.guide_status()
    assert [done[s] for s in first_day.STEPS] == [True, True, True, False, False, False]
    add_incident(IncidentInput(date(2026, 10, 3), "W01", "4.4", 1, "E11", variant="红牌"))
    services.close_month("2026-10")
    audit_log.record_backup(tmp_path / "kaoping-backup-1.db")
    assert all(first_day.guide_status().values())
    services.reopen_month("2026-10", "更正")
    assert first_day.guide_status()["close_print"] is False  # no closed month any more


def test_center_name_back_to_the_placeholder_is_not_done(db):
    settings_service.set_value("center-name", "平安县政务服务中心")
    settings_service.set_value("center-name", "XX县政务服务中心")
    assert first_day.guide_status()["center"] is False


@pytest.fixture
def guide(db, qtbot):
    state = AppState(LAST_MONTH)
    panel = GuidePanel(state)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def marks(panel) -> list[str]:
    return [getattr(panel, f"{row}Mark").text() for row in ("center", "firstMonth", "roster", "entry", "closePrint", "backup")]


def test_guide_starts_with_nothing_ticked_and_names_the_next_step(guide):
    assert marks(guide) == ["○"] * 6
    assert guide.progressLabel.text() == "已完成 0/6 步。下一步：中心名称。"
    assert not guide.all_done()
    text = " ".join(getattr(guide, f"{r}Title").text() for r in ("center", "firstMonth", "roster", "entry", "closePrint", "backup"))
    assert re.search("中心名称.*开始考评月份.*名册模板.*导入名册.*录入扣分.*锁定与打印.*备份", text)


def test_each_button_asks_for_its_step(guide, qtbot):
    asked = []
    guide.step_requested.connect(asked.append)
    for name in STEP_BUTTONS:
        QTest.mouseClick(getattr(guide, name), Qt.LeftButton)
    assert asked == ["center", "first_month", "templates", "import_roster", "entry", "close_print", "backup"]
    asked.clear()
    guide.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is guide, timeout=2000)
    QTest.keyClick(guide, Qt.Key_4, Qt.AltModifier)  # 去录入扣分(&4)
    qtbot.waitUntil(lambda: asked == ["entry"], timeout=2000)  # a shortcut animates the click first


def test_guide_ticks_steps_as_the_data_changes(guide, tmp_path):
    settings_service.set_value("center-name", "平安县政务服务中心")
    one_window()
    guide.state.notify(SETTINGS, "roster")
    assert marks(guide) == ["✓", "○", "✓", "○", "○", "○"]
    assert guide.progressLabel.text() == "已完成 2/6 步。下一步：开始考评月份。"
    settings_service.set_value("first-month", "2026-10")
    add_incident(IncidentInput(date(2026, 10, 3), "W01", "4.4", 1, "E11", variant="红牌"))
    services.close_month("2026-10")
    guide.state.notify()
    assert marks(guide) == ["✓"] * 5 + ["○"]
    audit_log.record_backup(tmp_path / "b.db")
    guide.refresh()  # a backup is no data kind: the window refreshes the guide itself
    assert guide.all_done() and marks(guide) == ["✓"] * 6
    assert guide.progressLabel.text().startswith("六步都已完成")


def test_guide_waits_while_hidden(guide):
    guide.hide()
    settings_service.set_value("center-name", "平安县政务服务中心")
    guide.state.notify(SETTINGS)
    assert marks(guide)[0] == "○"
    guide.show()
    assert marks(guide)[0] == "✓"


def test_hide_button(guide, qtbot):
    with qtbot.waitSignal(guide.hide_requested, timeout=1000):
        guide.hideButton.click()


# -- 设置: the new fields -------------------------------------------------------------------


@pytest.fixture
def settings(db, qtbot):
    widget = SettingsTab(None, AppState(LAST_MONTH))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_settings_show_the_new_fields(settings):
    assert settings.firstMonthEdit.text() == ""
    assert settings.annualAwardsSpin.value() == 3
    assert settings.operatorEdit.text() == ""
    assert settings.previousMonthDaySpin.value() == 10
    assert not settings.has_unsaved_changes()


def test_settings_save_the_new_fields_as_typed(settings, qtbot):
    replace_text(settings.firstMonthEdit, "2026/9")
    QTest.keyClick(settings.firstMonthEdit, Qt.Key_Tab)
    replace_text(settings.operatorEdit, "王会计")
    settings.annualAwardsSpin.setFocus()
    settings.annualAwardsSpin.selectAll()
    QTest.keyClicks(settings.annualAwardsSpin, "5")
    settings.previousMonthDaySpin.setFocus()
    settings.previousMonthDaySpin.selectAll()
    QTest.keyClicks(settings.previousMonthDaySpin, "15")
    assert settings.has_unsaved_changes()
    with qtbot.waitSignal(settings.state.data_changed, timeout=3000):
        QTest.keyClick(settings.operatorEdit, Qt.Key_Return)
    assert settings.statusLabel.text() == "设置已保存"
    assert settings_service.get_value("first-month") == "2026-09"
    assert settings_service.get_value("annual-awards") == "5"
    assert settings_service.get_value("operator") == "王会计"
    assert settings_service.get_value("previous-month-until-day") == "15"
    assert settings.firstMonthEdit.text() == "2026-09"
    assert not settings.has_unsaved_changes()
    # Every change was made by the operator typed in the same save.
    rows = [r for r in audit_actors() if r[1] == "修改设置"]
    assert {r[2] for r in rows} == {"first_month", "annual_awards", "operator", "previous_month_until_day"}
    assert {r[0] for r in rows} == {"王会计"}


def test_first_month_after_a_closed_month_is_refused_in_chinese_and_nothing_is_saved(settings):
    one_window()
    services.close_month("2026-09")
    replace_text(settings.centerNameEdit, "平安县政务服务中心")
    replace_text(settings.firstMonthEdit, "2026-10")
    before = audit_actors()
    assert not settings.save()
    assert settings.errorLabel.isVisible()
    message = settings.errorLabel.text()
    assert message.startswith("开始考评月份不能改为“2026-10”：2026-09 已锁定")
    assert "重新开放 2026-09" in message
    assert settings.firstMonthEdit.hasFocus()
    assert audit_actors() == before  # the center name was not saved either
    assert settings_service.get_value("center-name") == "XX县政务服务中心"
    # A month up to the closed one is fine.
    replace_text(settings.firstMonthEdit, "2026-09")
    assert settings.save()
    assert settings_service.first_month() == "2026-09"
    assert settings_service.get_value("center-name") == "平安县政务服务中心"


def test_a_month_that_is_no_month_is_refused(settings):
    replace_text(settings.firstMonthEdit, "2026-13")
    assert not settings.save()
    assert settings.errorLabel.text().startswith("开始考评月份：月份不存在")
    assert settings_service.first_month() is None


def test_clearing_the_first_month_evaluates_every_month(settings):
    settings_service.set_value("first-month", "2026-05")
    settings.discard_changes()
    assert settings.firstMonthEdit.text() == "2026-05"
    replace_text(settings.firstMonthEdit, "")
    assert settings.has_unsaved_changes()
    assert settings.save()
    assert settings_service.first_month() is None


def test_discard_changes_restores_what_is_stored(settings):
    replace_text(settings.operatorEdit, "某人")
    settings.previousMonthDaySpin.setValue(3)
    settings.grades.setData(settings.grades.index(0, 1), "96")
    assert settings.has_unsaved_changes()
    settings.revertButton.click()
    assert not settings.has_unsaved_changes()
    assert settings.operatorEdit.text() == "" and settings.previousMonthDaySpin.value() == 10
    assert settings.grades.rows[0] == ["优秀", "95"]


def test_focus_field_for_the_guide_steps(settings, qtbot):
    settings.window().activateWindow()
    settings.focus_field("first-month")
    qtbot.waitUntil(settings.firstMonthEdit.hasFocus, timeout=2000)
    type_text(settings.firstMonthEdit, "2026-08")
    settings.focus_field("center-name")
    assert settings.centerNameEdit.hasFocus() and settings.centerNameEdit.selectedText() == "XX县政务服务中心"
    assert settings.firstMonthEdit.text() == "2026-08"


def test_a_change_elsewhere_updates_untouched_fields_and_keeps_edits(settings):
    replace_text(settings.centerNameEdit, "正在输入的名称")
    settings_service.set_value("operator", "李出纳")  # e.g. the operator dialog
    settings_service.set_value("center-name", "别处改的名称")
    settings.state.notify(SETTINGS)
    assert settings.operatorEdit.text() == "李出纳"
    assert settings.centerNameEdit.text() == "正在输入的名称"
    assert settings.has_unsaved_changes()


# -- the manual ---------------------------------------------------------------------------------


def test_the_manual_is_shipped_in_resources():
    path = manual_path()
    assert path == resources_dir() / "manual" / "index.html"
    html = path.read_text(encoding="utf-8")
    pictures = re.findall(r'<img src="([^"]+)"', html)
    assert len(pictures) >= 6
    for picture in pictures:
        assert (path.parent / picture).is_file(), picture


def test_open_manual_shows_chinese_text_with_every_topic(qtbot):
    parent = QDialog()
    qtbot.addWidget(parent)
    dialog = open_manual(parent)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ManualDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "使用说明"
    text = dialog.text()
    for topic in ("日常录入扣分", "考评月份", "锁定", "打印", "备份与恢复", "开始考评月份", "操作日志", "未纳入考评"):
        assert topic in text, topic
    assert open_manual(parent) is dialog  # a second call brings the same window forward
    # The pictures are loaded (the document found them next to the page).
    image = dialog.browser.document().resource(3, "images/entry.png")  # QTextDocument.ImageResource
    assert image is not None and not image.isNull()


def test_manual_missing_says_so_in_chinese(qtbot, tmp_path):
    dialog = ManualDialog(None, Path(tmp_path / "none.html"))
    qtbot.addWidget(dialog)
    assert dialog.text().startswith("找不到使用说明文件")
    assert not dialog.externalButton.isEnabled()
