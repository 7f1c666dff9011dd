"""The window's custody of the database file: one window per file, a restore that shows
what it brings first, USB sticks offered first, the last USB backup in the status bar
and a reminder after closing, a file replaced by another program, a save that meets
another program's lock. Real widgets, real files, real second processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox

from kaoping_desktop import backup, services
from kaoping_desktop.gui import app as gui_app
from kaoping_desktop.gui.custody_dialogs import (
    RestoreConfirmDialog,
    UsbDriveDialog,
    Volume,
    backup_status,
    removable_volumes,
)
from kaoping_desktop.gui.main_window import MainWindow
from kaoping_desktop.gui.results_worker import PARTS
from kaoping_desktop.gui.single_instance import (
    SingleInstance,
    ask_to_come_forward,
    bring_forward,
    lock_path,
    server_name,
)
from kaoping_desktop.services import audit_log
from kaoping_desktop.services import incidents as incident_service
from kaoping_desktop.services.backup_contents import compare_with_current, describe_backup
from kaoping_desktop.store import repository
from kaoping_desktop.store.backup_contents import read_contents
from kaoping_desktop.store.database import UnusableFile, latest_version
from kaoping_desktop.store.models import database

from gui_helpers import check, shot, type_text, when_dialog_opens
from test_gui_entry import base_form, enter_field, press_enter
from workbooks import WORKED_LEDGER, WORKED_ROSTER_PEOPLE, WORKED_ROSTER_WINDOWS, write_ledger, write_roster

MONTH = "2026-10"


def worked_example(folder: Path) -> None:
    """W01 with three people and the six incidents of October 2026 (the open database)."""
    services.import_roster(write_roster(folder / "r.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE))
    services.import_incidents(write_ledger(folder / "l.xlsx", WORKED_LEDGER))


@pytest.fixture
def window(db, qtbot):
    main = MainWindow()
    qtbot.addWidget(main)
    main.month_picker.set_month(MONTH)
    main.show()
    qtbot.waitUntil(lambda: main.file_watcher is not None)  # watching from the first paint on
    main.qtbot = qtbot
    yield main
    main.stop_workers()


def env() -> dict:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")


def cli(*args, db) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "kaoping_desktop", "--db", str(db), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env(), timeout=120)


# --- 1. one window per database file -------------------------------------------------------


def test_a_second_guard_on_the_same_file_is_refused_and_asks_the_first_forward(qapp, tmp_path):
    first = SingleInstance(tmp_path / "k.db")
    assert first.acquire() and lock_path(tmp_path / "k.db").exists()
    second = SingleInstance(tmp_path / "." / "k.db")  # another spelling of the same file
    assert second.name == first.name
    try:
        assert not second.acquire()
        assert ask_to_come_forward(tmp_path / "k.db")  # answered through the local socket
        assert first.requests == 1
        assert SingleInstance(tmp_path / "other.db").acquire()  # another file: its own window
        assert server_name(tmp_path / "other.db") != first.name
    finally:
        first.release()
    assert not lock_path(tmp_path / "k.db").exists()
    assert not ask_to_come_forward(tmp_path / "k.db", timeout_ms=300)  # nobody listens any more
    assert second.acquire()
    second.release()


def test_coming_forward_un_minimises_and_raises_the_window(qtbot):
    main = QMainWindow()
    qtbot.addWidget(main)
    main.show()
    main.showMinimized()
    qtbot.waitUntil(lambda: bool(main.windowState() & Qt.WindowMinimized))
    bring_forward(main)
    qtbot.waitUntil(lambda: not main.windowState() & Qt.WindowMinimized)
    assert main.isVisible()


def start_window(db: Path, out: Path) -> subprocess.Popen:
    with open(out, "wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "kaoping_desktop", "--db", str(db)], stdout=sink, stderr=subprocess.STDOUT, env=env()
        )


def wait_for_log(log: Path, text: str, process: subprocess.Popen | None = None, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = log.read_text(encoding="utf-8") if log.exists() else ""
        if text in content:
            return content
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the window exited ({process.returncode}) before logging {text!r}:\n{content}")
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not logged within {timeout} s:\n{content}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(30)


@pytest.mark.slow
def test_a_second_start_brings_the_first_window_forward_and_exits(tmp_path):
    db = tmp_path / "考评 #1" / "k.db"
    db.parent.mkdir()
    log = db.with_name("kaoping-desktop.log")
    first = start_window(db, tmp_path / "first.out")
    try:
        wait_for_log(log, f"窗口已启动（进程 {first.pid}）", first)
        started = time.monotonic()
        second = cli(db=db)  # no subcommand: the window
        took = time.monotonic() - started
        assert second.returncode == 0, second.stderr
        assert "已经打开" in second.stderr and "已切换到已打开的窗口" in second.stderr
        assert took < 20
        wait_for_log(log, "另一次启动请求显示窗口", first, timeout=10)
        assert first.poll() is None  # the first window goes on
        assert log.read_text(encoding="utf-8").count("窗口已启动") == 1  # the second never opened the file
        # The command line is not blocked by the window: it coordinates through SQLite's locks.
        done = cli("settings", "center-name", db=db)
        assert done.returncode == 0 and "XX县政务服务中心" in done.stdout, done.stderr
    finally:
        stop(first)


@pytest.mark.slow
def test_a_window_killed_with_its_lock_does_not_block_the_next_start(tmp_path):
    db = tmp_path / "k.db"
    log = tmp_path / "kaoping-desktop.log"
    first = start_window(db, tmp_path / "first.out")
    wait_for_log(log, f"窗口已启动（进程 {first.pid}）", first)
    first.kill()  # kill -9: no chance to remove its lock or its socket
    first.wait(30)
    assert lock_path(db).exists()
    again = start_window(db, tmp_path / "again.out")
    try:
        wait_for_log(log, f"窗口已启动（进程 {again.pid}）", again)  # the stale lock was taken over
        assert again.poll() is None
        third = cli(db=db)
        assert third.returncode == 0 and "已经打开" in third.stderr, third.stderr
        wait_for_log(log, "另一次启动请求显示窗口", again, timeout=10)
    finally:
        stop(again)


# --- 2. restore shows what the backup holds ------------------------------------------------


def test_the_reader_describes_a_backup_read_only(db, tmp_path):
    worked_example(tmp_path)
    rows = incident_service.month_incidents(MONTH)
    incident_service.void_incident(rows[0].id, "录入错误")
    services.close_month(MONTH)
    written = backup.backup_file(db, tmp_path)
    before = written.read_bytes()
    contents = read_contents(written)
    assert (contents.windows, contents.people, contents.incidents, contents.voided_incidents) == (1, 3, 5, 1)
    assert contents.closed_months == (MONTH,)
    assert contents.last_incident_date.isoformat() == "2026-10-14"
    assert contents.schema_version == latest_version()
    assert contents.last_change is not None and abs(contents.last_change - datetime.now()) < timedelta(minutes=5)
    assert contents.file_modified == datetime.fromtimestamp(written.stat().st_mtime).replace(microsecond=0)
    assert written.read_bytes() == before  # read-only: not a byte changed
    assert describe_backup(written) == contents


def test_the_service_refuses_what_cannot_be_restored(db, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"")
    with pytest.raises(UnusableFile, match="空文件"):
        describe_backup(junk)


def test_restore_shows_the_backup_beside_the_database_and_every_tab_reloads(window, db, tmp_path, qtbot):
    from kaoping_desktop.domain.roster import CHIEF, Assignment, Person, Window
    from kaoping_desktop.services import roster as roster_service

    worked_example(tmp_path)
    services.close_month(MONTH)
    usb = tmp_path / "U盘"
    usb.mkdir()
    copy = window.backup_to_folder(usb)
    window.last_message.accept()
    assert compare_with_current(copy).warning == ""  # just made: nothing would be lost
    # After the backup: another window, its chief and an incident of November.
    november = date(2026, 11, 1)  # after the closed month: it stays as it was
    roster_service.save_window(Window("W02", "社保窗口", "县人社局", november), is_new=True)
    roster_service.save_person(Person("2001", "赵六"), [Assignment("2001", "W02", CHIEF, november)], is_new=True)
    services.import_incidents(
        write_ledger(tmp_path / "l2.xlsx", [["2026-11-03", "W02", None, "3.1", None, 1, "办件抽查", "11月", None]])
    )
    roster, results = window.roster_tab, window.results_tab
    window.tabs.setCurrentWidget(roster)
    window.state.notify()
    assert roster.windows_model.rowCount() == 2
    window.tabs.setCurrentWidget(results)
    qtbot.waitUntil(lambda: results.is_current(PARTS), timeout=20000)

    dialog = window.confirm_restore(copy)
    assert isinstance(dialog, RestoreConfirmDialog) and dialog.isVisible()
    shot(dialog, "restore_confirm_dialog.png")
    rows = dialog.shown_rows()
    assert rows["已锁定月份"] == (f"{MONTH}（共 1 个月）", f"{MONTH}（共 1 个月）")
    assert rows["最后一条扣分日期"] == ("2026-10-14", "2026-11-03")
    assert rows["窗口"] == ("1 个", "2 个") and rows["人员"] == ("3 人", "4 人")
    assert rows["扣分记录"] == ("6 条", "7 条")
    assert rows["数据库版本"][0] == str(latest_version())
    assert rows["文件时间"][0] == datetime.fromtimestamp(copy.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    assert "备份比当前数据库旧" in dialog.warningLabel.text()
    assert dialog.cancelButton.isDefault()  # Enter never replaces the database

    dialog.restoreButton.click()  # the restore runs once the dialog's signals have returned
    qtbot.waitUntil(lambda: "已从" in message_text(window), timeout=20000)
    window.last_message.accept()
    # The tab on screen reloaded at once, the others when shown: all show the backup's data.
    qtbot.waitUntil(lambda: results.is_current(PARTS), timeout=20000)
    assert [results.ranking.object_at(r).code for r in range(results.ranking.rowCount())] == ["W01"]
    assert results.statusLabel.text().startswith("已锁定")
    window.tabs.setCurrentWidget(roster)
    assert roster.windows_model.rowCount() == 1
    window.tabs.setCurrentWidget(window.entry_tab)
    window.entry_tab.wait_for_table()
    assert window.entry_tab.model.rowCount() == 6


@pytest.mark.parametrize("kind", ["zero bytes", "foreign sqlite", "table dropped"])
def test_restore_refuses_an_unusable_file_with_the_reason_and_offers_nothing(window, db, tmp_path, kind):
    from test_custody import _hostile

    bad = tmp_path / "bad.db"
    _hostile(kind, db, bad)
    before = db.read_bytes()
    assert window.confirm_restore(bad) is None
    box = window.last_message
    assert box.isVisible() and "不能用来恢复" in box.text()
    with pytest.raises(UnusableFile) as refused:
        describe_backup(bad)
    assert str(refused.value) in box.text()  # check_backup's own Chinese reason
    assert not [d for d in window.findChildren(RestoreConfirmDialog) if d.isVisible()]
    box.accept()
    assert db.read_bytes() == before


def test_the_restore_file_dialog_opens_in_the_automatic_backups(window, db, qtbot):
    auto_dir = backup.auto_backup_dir(db)
    auto_dir.mkdir(exist_ok=True)
    seen = []

    def look(dialog):
        assert isinstance(dialog, QFileDialog)
        seen.append(Path(dialog.directory().absolutePath()))
        dialog.reject()

    errors = when_dialog_opens(look)
    window.restoreAction.trigger()
    check(errors)
    assert seen == [auto_dir.resolve()]


# --- 3. the backup dialog offers USB sticks first -------------------------------------------


def test_removable_volumes_are_told_apart_from_the_system_disks():
    linux = [
        ("/", "", False, True, 100 * 1024**3),
        ("/boot/efi", "EFI", False, True, 1),
        ("/media/clerk/KINGSTON", "KINGSTON", False, True, 7 * 1024**3),
        ("/run/media/clerk/U盘", "", False, True, 3 * 1024**3),
        ("/mnt/usb", "", False, True, 1024**3),
        ("/mnt", "", False, True, 1024**3),  # the folder itself is no stick
        ("/media/clerk/LOCKED", "LOCKED", True, True, 1024**3),  # write-protected
        ("/media/clerk/CARD", "CARD", False, False, 0),  # empty card reader
    ]
    found = removable_volumes(linux, platform="linux")
    assert [(v.root, v.name) for v in found] == [
        ("/media/clerk/KINGSTON", "KINGSTON"),
        ("/run/media/clerk/U盘", "U盘"),
        ("/mnt/usb", "usb"),
    ]
    assert found[0].free_text == "7.0 GB"
    types = {"C:\\": 3, "D:\\": 3, "E:\\": 2, "F:\\": 2, "G:\\": 5}  # fixed, fixed, removable ×2, CD
    windows = [
        ("C:/", "系统", False, True, 1),
        ("D:/", "数据", False, True, 1),
        ("E:/", "KINGSTON", False, True, 2 * 1024**3),
        ("F:/", "", True, True, 1),
        ("G:/", "光盘", False, True, 0),
    ]
    found = removable_volumes(windows, platform="win32", system_drive="C:", drive_type=types.__getitem__)
    assert [(v.root, v.name) for v in found] == [("E:/", "KINGSTON")]
    assert removable_volumes(windows, platform="win32", system_drive="E:", drive_type=types.__getitem__) == []


def message_text(window) -> str:
    """The window's last message box's text ("" when there is none, or it was closed)."""
    try:
        return window.last_message.text() if window.last_message is not None else ""
    except RuntimeError:  # deleted on close
        return ""


def test_the_usb_dialog_backs_up_to_the_chosen_stick(window, tmp_path, qtbot):
    sticks = []
    for name in ("KINGSTON", "U盘 #2"):
        (tmp_path / name).mkdir()
        sticks.append(Volume(str(tmp_path / name), name, 15 * 1024**3 // 2))
    dialog = window.offer_usb_drives(sticks)
    assert isinstance(dialog, UsbDriveDialog) and dialog.isVisible()
    view = dialog.drivesView
    assert [view.topLevelItem(i).text(0) for i in range(view.topLevelItemCount())] == ["KINGSTON", "U盘 #2"]
    assert view.topLevelItem(0).text(1) == "7.5 GB" and view.topLevelItem(1).text(2) == str(tmp_path / "U盘 #2")
    view.setCurrentItem(view.topLevelItem(1))
    shot(dialog, "usb_drive_dialog.png")
    dialog.backupButton.click()
    qtbot.waitUntil(lambda: "已备份到" in message_text(window), timeout=20000)
    written = list((tmp_path / "U盘 #2").glob("kaoping-backup-*.db"))
    assert len(written) == 1 and str(written[0]) in window.last_message.text()
    assert list((tmp_path / "KINGSTON").iterdir()) == []
    window.last_message.accept()
    assert window.backupStatusLabel.text().startswith("上次备份到U盘：")


def test_other_folder_in_the_usb_dialog_asks_for_a_folder(window, tmp_path, qtbot):
    (tmp_path / "stick").mkdir()
    dialog = window.offer_usb_drives([Volume(str(tmp_path / "stick"), "stick", 1024**3)])
    titles = []

    def answer(folder_dialog):
        titles.append(folder_dialog.windowTitle())
        folder_dialog.reject()

    errors = when_dialog_opens(answer)
    dialog.otherFolderButton.click()
    qtbot.waitUntil(lambda: bool(titles) or bool(errors))
    check(errors)
    assert titles == ["选择U盘或备份文件夹"]
    assert list((tmp_path / "stick").iterdir()) == []


# --- 4. the status bar and the reminder after closing -----------------------------------


def test_the_status_bar_tells_when_the_last_usb_backup_was_made(window, tmp_path, qtbot):
    qtbot.waitUntil(lambda: window.backupStatusLabel.text() != "")  # read after the first paint
    assert window.backupStatusLabel.text() == "尚未备份到U盘"
    assert "#d35400" in window.backupStatusLabel.styleSheet()  # orange
    shot(window.statusBar(), "status_bar_no_backup.png")
    (tmp_path / "usb").mkdir()
    window.backup_to_folder(tmp_path / "usb")
    window.last_message.accept()
    qtbot.wait(20)  # the status bar lays out the longer text
    today = datetime.now()
    assert window.backupStatusLabel.text().startswith(f"上次备份到U盘：{today:%Y-%m-%d} ")
    assert window.backupStatusLabel.text().endswith("（今天）")
    assert window.backupStatusLabel.styleSheet() == ""
    assert str(tmp_path / "usb") in window.backupStatusLabel.toolTip()
    shot(window.statusBar(), "status_bar_backed_up.png")
    three_days = (today - timedelta(days=3)).isoformat(sep=" ", timespec="seconds")
    assert backup_status({"at": three_days, "folder": "E:/"}, today) == (
        f"上次备份到U盘：{three_days[:16]}（3 天前）",
        False,
    )
    assert backup_status({"at": (today - timedelta(days=8)).isoformat(), "folder": ""}, today)[1]


def test_the_reminder_rule():
    now = datetime(2026, 11, 3, 9, 0)
    due = audit_log.backup_reminder_due
    assert due(None, None, now)  # never backed up
    assert not due(now - timedelta(days=2), now - timedelta(days=30), now)
    assert due(now - timedelta(days=2), now - timedelta(days=1), now)  # none since the previous close
    assert due(now - timedelta(days=8), None, now)  # a week and more


def test_closing_a_month_reminds_to_back_up_and_offers_to_do_it_now(window, tmp_path, qtbot):
    worked_example(tmp_path)
    results = window.results_tab
    window.tabs.setCurrentWidget(results)
    qtbot.waitUntil(lambda: results.is_current(PARTS), timeout=20000)

    def yes(box):
        box.button(QMessageBox.Yes).click()

    errors = when_dialog_opens(yes)
    assert results.close_month()
    check(errors)
    reminder = results.backup_reminder
    assert reminder is not None and reminder.isVisible()
    assert f"{MONTH} 已锁定" in reminder.text() and "还没有备份到U盘" in reminder.informativeText()
    assert [b.text() for b in reminder.buttons()] == ["现在备份", "稍后"]
    shot(reminder, "backup_reminder.png")
    asked = []

    def backup_dialog(dialog):  # the sticks plugged into this machine, or the folder dialog
        asked.append(dialog.windowTitle())
        dialog.reject()

    errors = when_dialog_opens(backup_dialog)
    next(b for b in reminder.buttons() if b.text() == "现在备份").click()
    qtbot.waitUntil(lambda: bool(asked) or bool(errors), timeout=20000)
    check(errors)
    assert asked and asked[0] in ("选择U盘或备份文件夹", "备份到U盘")

    # Backed up since: closing the next month brings no reminder.
    (tmp_path / "usb").mkdir()
    window.backup_to_folder(tmp_path / "usb")
    window.last_message.accept()
    window.month_picker.set_month("2026-11")
    qtbot.waitUntil(lambda: results.is_current(PARTS), timeout=20000)
    results.backup_reminder = None
    errors = when_dialog_opens(yes)
    assert results.close_month()
    check(errors)
    assert results.backup_reminder is None


def test_closing_without_asking_never_pops_up_a_reminder(window, tmp_path, qtbot):
    worked_example(tmp_path)
    results = window.results_tab
    window.tabs.setCurrentWidget(results)
    qtbot.waitUntil(lambda: results.is_current(PARTS), timeout=20000)
    assert results.close_month(confirm=False)
    assert results.backup_reminder is None


# --- the settings tab shows where the automatic backups are -----------------------------


class _Opened(QObject):
    def __init__(self):
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.urls.append(url)


def test_the_settings_tab_shows_and_opens_the_automatic_backup_folder(window, db):
    tab = window.settings_tab
    window.tabs.setCurrentWidget(tab)
    folder = backup.auto_backup_dir(db)
    assert tab.autoBackupPathLabel.text() == str(folder)
    assert tab.form.labelForField(tab.autoBackupRow).text() == "自动备份文件夹："
    shot(tab, "settings_auto_backup.png")
    opened = _Opened()
    QDesktopServices.setUrlHandler("file", opened, "show")
    try:
        tab.openAutoBackupButton.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [Path(u.toLocalFile()) for u in opened.urls] == [folder]
    assert folder.is_dir()


# --- 5. another program replaced the file -----------------------------------------------


def backup_with_center(db: Path, folder: Path, name: str) -> Path:
    """A backup whose center name is `name`; the open database keeps its own."""
    current = repository.get_setting("center_name")
    repository.set_setting("center_name", name)
    written = backup.backup_file(db, folder)
    repository.set_setting("center_name", current)
    return written


def stored_center(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT value FROM setting WHERE key = 'center_name'").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_a_restore_by_another_process_is_noticed_and_the_window_reopens_the_new_file(window, db, tmp_path, qtbot):
    copy = backup_with_center(db, tmp_path, "备份里的中心")
    window.tabs.setCurrentWidget(window.settings_tab)
    assert window.windowTitle().startswith("XX县政务服务中心")
    done = cli("restore", copy, db=db)
    assert done.returncode == 0, done.stderr
    # The folder watcher notices; the window reopens the new file and reloads.
    qtbot.waitUntil(lambda: window.windowTitle().startswith("备份里的中心"), timeout=10000)
    box = window.last_message
    assert box.isVisible() and "已被替换" in box.windowTitle() and "重新打开" in box.text()
    box.accept()
    assert window.settings_tab.centerNameEdit.text() == "备份里的中心"
    # The next save goes into the new file.
    window.settings_tab.centerNameEdit.setText("恢复后改的名称")
    assert window.settings_tab.save()
    assert stored_center(db) == '"恢复后改的名称"'


@pytest.mark.slow
def test_before_a_write_and_on_activation_the_window_looks_at_the_file(window, db, tmp_path, qtbot):
    copy = backup_with_center(db, tmp_path, "备份里的中心")
    window._stop_watching()  # as if no notice came
    assert cli("restore", copy, db=db).returncode == 0
    assert window.windowTitle().startswith("XX县")  # no event has run since: nothing noticed yet
    # Importing (a write of the window's own) looks first: it reopens, then imports into the new file.
    path = write_roster(tmp_path / "r.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE)
    report = window.import_roster_file(path)
    assert report is not None and report.windows_added == 1
    assert window.windowTitle().startswith("备份里的中心")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT code FROM service_window").fetchall() == [("W01",)]
    conn.close()
    window.last_message.accept()

    # Coming back to the window from elsewhere looks too.
    copy2 = backup_with_center(db, tmp_path, "第二份备份")
    assert cli("restore", copy2, db=db).returncode == 0
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.accept()
    other = QMainWindow()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.windowTitle().startswith("第二份备份"), timeout=5000)


@pytest.fixture
def error_hook(window, tmp_path):
    """The window's top-level error handler (app.py), as run_gui installs it; undone after."""
    import logging

    log = logging.getLogger("kaoping")
    handlers, old_hook = list(log.handlers), sys.excepthook
    gui_app.install_error_handler(tmp_path / "kaoping-desktop.log")
    gui_app._main_window = window

    def uncaught(error: BaseException) -> None:
        sys.excepthook(type(error), error, error.__traceback__)

    yield uncaught
    gui_app._main_window = None
    sys.excepthook = old_hook
    for handler in log.handlers[:]:
        if handler not in handlers:
            log.removeHandler(handler)
            handler.close()


@pytest.mark.slow
def test_a_write_sqlite_refuses_into_the_replaced_file_becomes_a_message_and_a_reopen(
    window, db, tmp_path, qtbot, error_hook
):
    copy = backup_with_center(db, tmp_path, "备份里的中心")
    window._stop_watching()
    assert cli("restore", copy, db=db).returncode == 0
    with pytest.raises(Exception) as refused:  # SQLite itself will not write into a moved file
        repository.set_setting("center_name", "写进旧文件")
    if not gui_app.file_replaced_error(refused.value):
        pytest.skip(f"this platform's SQLite reports {refused.value!r}")
    error_hook(refused.value)
    box = window.last_message
    assert "刚才的保存没有完成" in box.text() and "重新打开" in box.text()
    box.accept()
    assert window.windowTitle().startswith("备份里的中心")
    assert stored_center(db) == '"备份里的中心"'  # the refused write went nowhere


def test_a_database_file_moved_away_is_reported_and_never_recreated(window, db, tmp_path, qtbot):
    window._stop_watching()
    moved = tmp_path / "moved.db"
    os.replace(db, moved)
    assert not window.check_database_file()
    box = window.last_message
    assert "不见了" in box.windowTitle() and str(db) in box.text()
    box.accept()
    assert not db.exists()  # no empty database made in its place
    assert not window.check_database_file()  # said once, not at every look
    assert window.last_message is box
    os.replace(moved, db)
    assert window.check_database_file()


# --- 6. a save that meets another program's lock ------------------------------------------

LOCK_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@pytest.fixture
def other_program(db):
    """Another process holding the database's write lock until told to let go."""
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    database.execute_sql("PRAGMA busy_timeout = 300")  # the real wait is 5 s; the test need not sit it out

    def release():
        if holder.poll() is None:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(30)

    yield release
    release()
    database.execute_sql("PRAGMA busy_timeout = 5000")


def test_an_entry_save_that_meets_another_programs_lock_says_so_and_keeps_the_form(window, db, tmp_path, qtbot):
    worked_example(tmp_path)
    window.state.notify()
    entry = window.entry_tab
    window.tabs.setCurrentWidget(entry)
    entry.wait_for_table()
    before = len(incident_service.month_incidents(MONTH))
    base_form(qtbot, entry)
    enter_field(qtbot, entry, entry.referenceEdit)
    type_text(entry.referenceEdit, "锁-1")
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        database.execute_sql("PRAGMA busy_timeout = 300")
        press_enter(qtbot, entry)
        assert "另一个程序" in entry.errorLabel.text() and "没有写入" in entry.errorLabel.text()
        assert entry.referenceEdit.text() == "锁-1" and entry.windows.value() == "W01"  # nothing typed is lost
        assert len(incident_service.month_incidents(MONTH)) == before
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(30)
        database.execute_sql("PRAGMA busy_timeout = 5000")
    press_enter(qtbot, entry)  # the other program is done: the same form saves
    assert entry.errorLabel.text() == ""
    assert [r.reference for r in incident_service.month_incidents(MONTH)].count("锁-1") == 1


def test_a_settings_save_that_meets_another_programs_lock_keeps_what_was_typed(window, db, other_program):
    tab = window.settings_tab
    window.tabs.setCurrentWidget(tab)
    tab.centerNameEdit.setText("锁着时输入的名称")
    assert not tab.save()
    assert tab.errorLabel.isVisible() and "另一个程序" in tab.errorLabel.text()
    assert tab.centerNameEdit.text() == "锁着时输入的名称" and tab.has_unsaved_changes()
    other_program()
    assert tab.save()
    assert stored_center(db) == '"锁着时输入的名称"'


def test_a_lock_error_nobody_caught_is_told_as_busy_not_as_a_program_error(window, other_program, error_hook):
    with pytest.raises(Exception) as busy:  # a write outside the guarded transactions
        repository.set_setting("ui_state", {"month": "2026-09"})
    seen = []

    def read(box):
        seen.append((box.windowTitle(), box.text()))
        box.accept()

    errors = when_dialog_opens(read)
    error_hook(busy.value)
    check(errors)
    assert seen and seen[0][0] == "数据库正忙" and "另一个程序" in seen[0][1] and "程序错误" not in seen[0][1]
