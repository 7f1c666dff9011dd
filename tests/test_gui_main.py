"""The main window on a real database file: tabs, menus, imports, backup and restore."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kaoping_desktop import __version__
from kaoping_desktop.gui.app import ensure_cjk_font, run_gui
from kaoping_desktop.gui.app_state import ROSTER, STANDARDS
from kaoping_desktop.gui.entry_tab import EntryTab
from kaoping_desktop.gui.main_window import ImportErrorsDialog, MainWindow
from kaoping_desktop.gui.results_tab import ResultsTab
from kaoping_desktop.gui.results_worker import PARTS
from kaoping_desktop.services import roster_view
from kaoping_desktop.services.incidents import month_incidents
from kaoping_desktop.services.settings import load_settings

from workbooks import WORKED_LEDGER, WORKED_ROSTER_PEOPLE, WORKED_ROSTER_WINDOWS, write_ledger, write_roster


@pytest.fixture
def window(db, qtbot):
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    yield main
    main.stop_workers()  # nothing reads the file once the test is over


def cells(view, column: int) -> list[str]:
    model = view.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_fresh_database_opens_with_default_standards_and_an_empty_roster(window):
    assert window.windowTitle() == "XX县政务服务中心窗口月度考评系统"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "人员名册",
        "扣分录入",
        "月度结果",
        "评分标准",
        "设置",
    ]
    assert isinstance(window.entry_tab, EntryTab) and isinstance(window.results_tab, ResultsTab)
    assert window.roster_tab.windows_model.rowCount() == 0
    assert window.roster_tab.people_model.rowCount() == 0
    window.tabs.setCurrentWidget(window.standards_tab)
    view = window.standards_tab.clausesView
    codes, variants = cells(view, 1), cells(view, 3)
    at = codes.index("4.4")
    assert variants[at : at + 2] == ["黄牌", "红牌"]


def test_ctrl_number_switches_tabs(window, qtbot):
    qtbot.keyClick(window, Qt.Key_4, Qt.ControlModifier)
    assert window.tabs.currentWidget() is window.standards_tab
    qtbot.keyClick(window, Qt.Key_1, Qt.ControlModifier)
    assert window.tabs.currentWidget() is window.roster_tab


def test_menus_offer_backup_restore_templates_imports_and_about(window):
    menus = {m.title(): [a.text() for a in m.actions() if a.text()] for m in (
        window.fileMenu, window.importExportMenu, window.helpMenu
    )}
    assert menus == {
        "文件(&F)": ["备份数据库到U盘(&B)…", "从备份恢复(&R)…", "操作日志(&O)…", "退出(&X)"],
        "导入导出(&I)": ["导出空白模板(&T)…", "导入人员名册(&P)…", "导入扣分台账(&L)…"],
        "帮助(&H)": ["使用说明(&M)", "开始使用向导(&G)", "关于(&A)"],
    }


def test_about_names_the_version_and_the_database_file(window, db):
    window.aboutAction.trigger()
    box = window.last_message
    assert box.isVisible()
    assert f"版本 {__version__}" in box.text()
    assert str(db) in box.text()
    assert "XX县政务服务中心窗口月度考评系统" in box.text()
    box.accept()


def test_saving_settings_retitles_the_window(window, qtbot):
    window.tabs.setCurrentWidget(window.settings_tab)
    window.settings_tab.centerNameEdit.setText("平安县政务服务中心")
    window.settings_tab.saveButton.click()
    assert window.windowTitle() == "平安县政务服务中心窗口月度考评系统"


def test_one_change_signal_reaches_each_tab_when_it_is_shown(window, qtbot, tmp_path, monkeypatch):
    from kaoping_desktop.services import catalogue as rules

    results = window.results_tab
    window.tabs.setCurrentWidget(results)
    qtbot.waitUntil(lambda: results.is_current(PARTS) and not results.loader.busy())
    assert results.ranking.rowCount() == 0
    window.tabs.setCurrentWidget(window.standards_tab)
    reads = []
    real_read = rules.standard_set
    monkeypatch.setattr(rules, "standard_set", lambda: reads.append(1) or real_read())
    window.tabs.setCurrentWidget(window.roster_tab)
    seen = []
    window.data_changed.connect(lambda kinds: seen.append(set(kinds)))

    window.import_roster_file(write_roster(tmp_path / "r.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE))
    window.last_message.accept()
    window.state.notify(STANDARDS)
    assert seen == [{ROSTER}, {STANDARDS}]
    # The visible roster tab reloaded; the hidden tabs did nothing yet.
    assert cells(window.roster_tab.peopleView, 0) == ["1001", "1002", "1003"]
    assert not results.is_current() and not results.loader.busy()
    assert reads == []
    # Shown, each reloads what changed.
    window.tabs.setCurrentWidget(window.standards_tab)
    assert reads == [1]
    window.tabs.setCurrentWidget(results)
    qtbot.waitUntil(lambda: results.is_current(), timeout=20000)
    assert [results.ranking.object_at(r).code for r in range(results.ranking.rowCount())] == ["W01"]
    assert not hasattr(window, "refresh_all")


def test_manual_and_audit_log_open_from_the_menus(window, qtbot):
    from kaoping_desktop.gui.audit_log_dialog import AuditLogDialog
    from kaoping_desktop.gui.manual import ManualDialog

    window.manualAction.trigger()
    manuals = [d for d in window.findChildren(ManualDialog) if d.isVisible()]
    assert len(manuals) == 1 and manuals[0].windowTitle() == "使用说明"
    manuals[0].close()
    window.auditLogAction.trigger()
    dialog = window.last_dialog
    assert isinstance(dialog, AuditLogDialog) and dialog.isVisible()
    dialog.close()


def test_importing_a_roster_runs_off_the_gui_thread_and_fills_the_tab(window, tmp_path):
    path = write_roster(tmp_path / "人员名册.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE)
    report = window.import_roster_file(path)
    assert (report.windows_added, report.people_added) == (1, 3)
    assert cells(window.roster_tab.peopleView, 0) == ["1001", "1002", "1003"]
    text = window.last_message.text()
    assert "窗口：新增 1 个" in text and "人员：新增 3 人" in text
    window.last_message.accept()
    # The main thread sees the worker's writes.
    assert [p.id for p in roster_view.roster()[1]] == ["1001", "1002", "1003"]


def test_a_refused_ledger_lists_every_wrong_row_and_writes_nothing(window, tmp_path):
    window.import_roster_file(write_roster(tmp_path / "r.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE))
    bad = [list(r) for r in WORKED_LEDGER]
    bad[1][3] = "9.9"  # no such clause (row 3)
    bad[3][1] = "W99"  # no such window (row 5)
    path = write_ledger(tmp_path / "台账.xlsx", bad)
    assert window.import_incidents_file(path) is None
    dialog = window.last_dialog
    assert isinstance(dialog, ImportErrorsDialog) and dialog.isVisible()
    assert "未导入任何数据" in dialog.summaryLabel.text()
    assert any(line.startswith("表「扣分记录」第 3 行【条款】") for line in dialog.lines)
    assert any(line.startswith("表「扣分记录」第 5 行") and "W99" in line for line in dialog.lines)
    assert dialog.model.rowCount() == len(dialog.lines)
    dialog.copy_all()
    assert QApplication.clipboard().text() == "\n".join(dialog.lines)
    dialog.accept()
    assert month_incidents("2026-10") == []


def test_a_good_ledger_is_imported_and_reported(window, tmp_path):
    window.import_roster_file(write_roster(tmp_path / "r.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE))
    path = write_ledger(tmp_path / "台账.xlsx", WORKED_LEDGER)
    report = window.import_incidents_file(path)
    assert (report.added, report.already_present) == (6, 0)
    assert "新增扣分记录 6 条" in window.last_message.text()
    again = window.import_incidents_file(path)
    assert (again.added, again.already_present) == (0, 6)
    assert len(month_incidents("2026-10")) == 6


def test_a_file_that_is_not_a_workbook_is_reported(window, tmp_path):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(b"not a workbook")
    assert window.import_roster_file(path) is None
    assert "不是有效的 Excel 工作簿" in window.last_dialog.lines[0]
    assert roster_view.roster() == ([], [], [])


def test_blank_templates_are_written(window, tmp_path):
    written = window.write_templates_to(tmp_path / "模板")
    assert sorted(p.name for p in written) == ["人员名册.xlsx", "扣分台账.xlsx"]
    assert all(p.exists() for p in written)
    assert "已写出空白模板" in window.last_message.text()


def test_backup_then_restore_brings_the_old_data_back(window, tmp_path):
    usb = tmp_path / "U盘"
    usb.mkdir()
    copy = window.backup_to_folder(usb)
    assert copy is not None and copy.parent == usb and copy.exists()
    assert str(copy) in window.last_message.text()

    window.settings_tab.centerNameEdit.setText("改过的中心")
    window.settings_tab.save()
    assert window.windowTitle().startswith("改过的中心")

    assert window.restore_from(copy)
    assert load_settings().center_name == "XX县政务服务中心"
    assert window.windowTitle() == "XX县政务服务中心窗口月度考评系统"
    window.tabs.setCurrentWidget(window.settings_tab)  # a hidden tab reloads when shown
    assert window.settings_tab.centerNameEdit.text() == "XX县政务服务中心"
    assert "恢复前的数据库已另存为" in window.last_message.text()


def test_backup_to_a_missing_folder_says_so(window, tmp_path):
    assert window.backup_to_folder(tmp_path / "没有这个U盘") is None
    assert "备份目录不存在" in window.last_message.text()


def test_restore_refuses_a_file_that_is_not_a_backup_and_keeps_working(window, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"junk" * 100)
    assert not window.restore_from(junk)
    assert "恢复失败" in window.last_message.text()
    assert load_settings().center_name == "XX县政务服务中心"  # database reopened and usable


def test_run_gui_refuses_a_damaged_database_with_a_message(qtbot, tmp_path):
    path = tmp_path / "坏.db"
    path.write_bytes(b"this is not sqlite" * 200)
    seen = []

    def close_box():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, close_box)
            return
        seen.append(box.windowTitle() + box.text())
        box.close()

    QTimer.singleShot(0, close_box)
    assert run_gui(path) == 1
    assert seen and "无法打开数据库" in seen[0]


def test_the_application_font_can_show_chinese(qapp):
    from PySide6.QtGui import QFontDatabase

    family = ensure_cjk_font(qapp)
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def test_ui_files_are_the_ones_loaded():
    ui = Path(__file__).resolve().parent.parent / "ui"
    for name in ("main_window.ui", "roster_tab.ui", "standards_tab.ui", "settings_tab.ui"):
        assert (ui / name).is_file()
