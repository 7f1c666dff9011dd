"""The main window: one shared month, five tabs, the file / import-export / tools / help menus.

Every tab gets the window's `AppState`: the month picked above the tabs, and one
change signal. Whoever changes data calls `state.notify(kinds)` (imports, restore,
closing, settings, the tabs' own saves); each tab reloads what those kinds touch,
and only once it is shown. No tab is built before the window has painted.

Leaving asks first when a tab holds unsaved edits (`has_unsaved_changes()`), and
the window remembers its geometry, tab, splitters, column widths and month
(window_state.py). Hooks: the operator and first-start questions (`start_up`), the
开始使用 guide, 帮助 → 使用说明, 操作日志 and 工具 → 核验校验码, each loaded only when used.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QFileSystemWatcher, QObject, QStringListModel, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QTabWidget,
    QWidget,
)

from .. import __version__, backup, services
from ..domain.validation import ImportRejected
from ..services import desktop, roster_view
from ..services import settings as settings_service
from ..domain.validation import error_lines
from ..store.database import UnusableFile
from .app_state import INCIDENTS, ROSTER, SETTINGS, AppState
from .entry_tab import EntryTab
from .month_picker import MonthPicker
from .results_tab import ResultsTab
from .roster_tab import RosterTab
from .settings_tab import SettingsTab
from .standards_tab import StandardsTab
from .tasks import BackgroundCall, run_task
from .uiload import load_into, load_ui
from .window_state import GUIDE_HIDDEN, MONTH, WindowMemory, remembered_month

APP_TITLE_SUFFIX = "窗口月度考评系统"

# (attribute, tab title, class), in tab order. No tab is built with the window: the
# shown one right after the first paint, the others when first shown, or sooner when
# their attribute is read.
TABS = (
    ("roster_tab", "人员名册", RosterTab),
    ("entry_tab", "扣分录入", EntryTab),
    ("results_tab", "月度结果", ResultsTab),
    ("standards_tab", "评分标准", StandardsTab),
    ("settings_tab", "设置", SettingsTab),
)


# How long after the first paint the shown tab is built (unnoticed by the clerk).
AFTER_FIRST_PAINT_MS = 50
# After the database's folder changed: a moment for the other program to finish, then look.
FILE_CHECK_DELAY_MS = 150


def window_title(center_name: str) -> str:
    return f"{center_name}{APP_TITLE_SUFFIX}"


def _saver(tab: QWidget):
    """How a tab with unsaved edits saves them from the quit prompt: `save_changes()`, else
    `save()`, returning True when saved (None: the tab cannot, the prompt offers discarding)."""
    for name in ("save_changes", "save"):
        method = getattr(tab, name, None)
        if callable(method):
            return method
    return None


class ImportErrorsDialog(QDialog):
    """Every wrong row of a refused file, read-only and copyable; nothing was written."""

    def __init__(self, parent: QWidget | None, file_name: str, errors: list):
        super().__init__(parent)
        load_into(self, "import_errors_dialog.ui")
        self.layout().setContentsMargins(12, 12, 12, 12)
        self.setWindowTitle("导入失败")
        self.resize(760, 480)
        self.lines = error_lines(errors)  # the first 200, then how many more
        self.summaryLabel.setText(
            f"文件“{file_name}”有 {len(errors)} 处错误，未导入任何数据。请在电子表格中改正后重新导入。"
        )
        self.model = QStringListModel(self.lines, self)
        self.errorsView.setModel(self.model)
        self.copyButton.clicked.connect(self.copy_all)
        self.closeButton.clicked.connect(self.accept)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.lines))


def _tab(name: str) -> property:
    return property(lambda self: self.tab(name), doc=f"The {name} (built on first use).")


class LazyTabs(QTabWidget):
    """A tab widget whose pages start as blank placeholders.

    `build(index)` puts the real tab in place; Python callers of `widget()` and
    `currentWidget()` always get the real tab (built then), so code and tests
    never see a placeholder.
    """

    def __init__(self, build: Callable[[int], None], parent: QWidget | None = None):
        super().__init__(parent)
        self._build_at = build

    def widget(self, index: int) -> QWidget | None:
        if 0 <= index < self.count():
            self._build_at(index)
        return super().widget(index)

    def currentWidget(self) -> QWidget | None:  # noqa: N802 (Qt's name)
        return self.widget(self.currentIndex())

    def page(self, index: int) -> QWidget | None:
        """The page as it is (placeholder or tab), building nothing."""
        return super().widget(index)


class MainWindow(QMainWindow):
    roster_tab = _tab("roster_tab")
    entry_tab = _tab("entry_tab")
    results_tab = _tab("results_tab")
    standards_tab = _tab("standards_tab")
    settings_tab = _tab("settings_tab")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._adopt_form(load_ui("main_window.ui"))
        # The form's QTabWidget becomes a LazyTabs in the same place, with the same settings.
        designed = self.tabs
        self.tabs = LazyTabs(lambda index: self._build(TABS[index][0]), designed.parentWidget())
        self.tabs.setObjectName(designed.objectName())
        self.tabs.setDocumentMode(designed.documentMode())
        self.centralLayout.replaceWidget(designed, self.tabs)
        designed.deleteLater()
        self.last_message: QMessageBox | None = None
        self.last_dialog: QDialog | None = None
        self._close_confirmed = False

        # The month: the one this database's window last showed, else last month until day N.
        self.memory = WindowMemory(self, self.tabs, lambda: [tab for tab, _label in self.built_tabs()])
        month = remembered_month(self.memory.saved) or settings_service.starting_month()
        self.state = AppState(month, self)
        self.month_picker = MonthPicker.inside(self.monthHolder, month)
        self.month_picker.bind(self.state)

        # An empty page per tab until the tab is first needed (see `tab`).
        self._built: dict[str, QWidget] = {}
        self._swapping = False
        for name, label, _cls in TABS:
            page = QWidget()
            page.setObjectName(f"{name}Page")
            page.installEventFilter(self)  # its first paint: time to build the shown tab
            self.tabs.addTab(page, label)
        # Ctrl+1 … Ctrl+5 switch tabs, for a clerk who keeps hands on the keyboard.
        for n in range(self.tabs.count()):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n + 1}"), self)
            shortcut.activated.connect(lambda n=n: self.tabs.setCurrentIndex(n))
            self.tabs.setTabToolTip(n, f"Ctrl+{n + 1}")

        self.state.data_changed.connect(self._data_changed)
        self.state.month_changed.connect(self._month_changed)

        self.backupAction.triggered.connect(self.choose_backup_folder)
        self.restoreAction.triggered.connect(self.choose_restore_file)
        self.auditLogAction.triggered.connect(self.open_audit_log)
        self.quitAction.triggered.connect(self.close)
        self.templatesAction.triggered.connect(self.choose_templates_folder)
        self.importRosterAction.triggered.connect(lambda: self.choose_import_file("roster"))
        self.importIncidentsAction.triggered.connect(lambda: self.choose_import_file("incidents"))
        self.verifyAction.triggered.connect(self.open_verify_dialog)
        self.manualAction.triggered.connect(self.open_manual)
        self.guideAction.triggered.connect(lambda: self.show_guide(True))
        self.aboutAction.triggered.connect(self.show_about)

        self.operatorLabel = QLabel(self)
        self.dbLabel = QLabel(self)
        self.backupStatusLabel = QLabel(self)
        self.backupStatusLabel.setObjectName("backupStatusLabel")
        self.statusBar().addPermanentWidget(self.backupStatusLabel)
        self.statusBar().addPermanentWidget(self.operatorLabel)
        self.statusBar().addPermanentWidget(self.dbLabel)
        self.retitle()  # the backup status is read after the first paint (`_after_first_paint`)

        # The file this window has open: another copy restoring a backup puts a new file in
        # its place (see `check_database_file`).
        self._restoring = False
        self._db_path = desktop.database_path()
        self._file_id = desktop.file_identity(self._db_path)
        self._missing_told = False
        self._file_check = QTimer(self)
        self._file_check.setSingleShot(True)
        self._file_check.setInterval(FILE_CHECK_DELAY_MS)
        self._file_check.timeout.connect(self.check_database_file)
        self.file_watcher: QFileSystemWatcher | None = None  # from the first paint to closing
        self._daily_backup: BackgroundCall | None = None
        self.memory.restore()
        self.memory.restore_tab()
        self.tabs.currentChanged.connect(self._build_current)
        self._guide_checked = False
        self._guide = None
        self.guideDock: QDockWidget | None = None

    @property
    def data_changed(self):
        """The one change signal (frozenset of kinds); `state.notify` emits it."""
        return self.state.data_changed

    # -- building ------------------------------------------------------------

    def tab(self, name: str) -> QWidget:
        """The tab called `name` ("entry_tab" …), built now if it was not yet."""
        return self._build(name)

    def _build(self, name: str) -> QWidget:
        widget = self._built.get(name)
        if widget is None:
            index = next(i for i, (n, _label, _cls) in enumerate(TABS) if n == name)
            _name, label, cls = TABS[index]
            widget = self._built[name] = cls(None, state=self.state)
            placeholder = self.tabs.page(index)
            was_current = self.tabs.currentIndex() == index
            self._swapping = True
            try:
                # Insert before the placeholder and drop it after: no other page is shown meanwhile.
                self.tabs.insertTab(index, widget, label)
                self.tabs.setTabToolTip(index, f"Ctrl+{index + 1}")
                if was_current:
                    self.tabs.setCurrentIndex(index)
                self.tabs.removeTab(index + 1)
            finally:
                self._swapping = False
            placeholder.deleteLater()
            self.memory.restore_page(widget)
            requested = getattr(widget, "backup_requested", None)  # 月度结果's reminder after closing
            if requested is not None:
                requested.connect(self.choose_backup_folder)
        return widget

    def built_tabs(self) -> list[tuple[QWidget, str]]:
        """(tab, title) of the tabs built so far, in tab order."""
        return [(self._built[name], label) for name, label, _cls in TABS if name in self._built]

    def _after_first_paint(self) -> None:
        self._build_current()
        self._check_guide()
        if not self.backupStatusLabel.text():
            self.update_backup_status()
        self._watch_database_folder()
        self._start_daily_backup()
        # What start-up built lives as long as the window: keep the collector from walking
        # it again and again (its full passes were the GUI thread's longest pauses).
        gc.freeze()

    def _build_current(self, *_args) -> None:
        if not self._swapping:
            index = self.tabs.currentIndex()
            if 0 <= index < len(TABS):
                self._build(TABS[index][0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # A placeholder is shown only until the window's first paint: shortly after it the
        # real tab is built (and reads its data), so the window appears before any data is
        # read, even to someone who waits for that paint in short steps.
        kind = event.type()
        if kind == QEvent.Type.Paint:
            QTimer.singleShot(AFTER_FIRST_PAINT_MS, self, self._after_first_paint)
        elif kind == QEvent.Type.Show:
            QTimer.singleShot(500, self, self._after_first_paint)  # should no paint ever come
        return super().eventFilter(watched, event)

    def _adopt_form(self, form: QMainWindow) -> None:
        """Take the Designer form's central widget, menus, status bar and actions."""
        for action in form.findChildren(QAction):
            if action.objectName():
                action.setParent(self)
                self.addAction(action)  # shortcuts work even with the menu closed
        central, menu_bar, status_bar = form.takeCentralWidget(), form.menuBar(), form.statusBar()
        self.setCentralWidget(central)
        self.setMenuBar(menu_bar)
        self.setStatusBar(status_bar)
        self.resize(form.size())
        self.setWindowTitle(form.windowTitle())
        for root in (central, menu_bar, status_bar, self):
            for child in [root, *root.findChildren(QObject)]:
                name = child.objectName()
                if name and not name.startswith("qt_") and not hasattr(self, name):
                    setattr(self, name, child)
        form.deleteLater()

    # -- the shared month and the change signal ----------------------------------------

    def _data_changed(self, kinds) -> None:
        if SETTINGS in kinds:
            self.retitle()

    def _month_changed(self, month: str) -> None:
        try:
            settings_service.save_ui_state({MONTH: month})  # remembered even if the program is killed
        except Exception:  # noqa: BLE001 - a convenience (another program writing, say): remembered again when leaving
            pass

    def retitle(self) -> None:
        self.setWindowTitle(window_title(settings_service.get_value("center-name")))
        path = desktop.database_path()
        self.dbLabel.setText(f"数据库：{path}" if path else "")
        operator = settings_service.operator()
        self.operatorLabel.setText(f"操作员：{operator}" if operator else "")

    # -- operator, manual, audit log (built elsewhere; loaded only when used) ------------

    def ask_operator_if_needed(self) -> str | None:
        """At start: who is working? Asked once the database has windows and no operator is set."""
        if settings_service.operator() or not roster_view.roster()[0]:
            return None
        from .operator_dialog import ask_operator

        name = (ask_operator(self, self.state) or "").strip()
        if name and settings_service.operator() != name:
            settings_service.set_value("operator", name)  # in case the dialog only answered
        self.retitle()
        return name or None

    def open_manual(self) -> None:
        from .manual import open_manual

        open_manual(self)

    def open_audit_log(self):
        from .audit_log_dialog import AuditLogDialog

        dialog = AuditLogDialog(self, self.state)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.show()
        return dialog

    def open_verify_dialog(self):
        """工具 → 核验校验码 (window-modal, not blocking)."""
        from .verify_dialog import VerifyDialog

        dialog = VerifyDialog(self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def start_up(self) -> None:
        """Once the window is on screen: the first-start questions on a new database
        (gui/first_start.py), else who is working (the operator)."""
        from ..services import first_day

        if first_day.needs_first_start():
            from .first_start import run_first_start

            run_first_start(self, self.state)
            self.retitle()
            return
        self.ask_operator_if_needed()

    # -- the 开始使用 guide (gui/guide_panel.py), in a dock beside the tabs ------------------

    @property
    def guide_panel(self):
        """The guide, when it is shown (a new center, until every step is done or it is put away)."""
        self._check_guide()
        return self._guide

    def _check_guide(self) -> None:
        if self._guide_checked:
            return
        self._guide_checked = True
        if self.memory.saved.get(GUIDE_HIDDEN):
            return
        from ..services import first_day

        # Shown by itself only until the center has closed its first month; after that
        # 帮助 → 开始使用向导 brings it back.
        status = first_day.guide_status()
        if not status["close_print"] and not all(status.values()):
            self.show_guide(False)

    def show_guide(self, remember: bool = True) -> None:
        from .guide_panel import GuidePanel

        self._guide_checked = True
        if self._guide is None:
            self._guide = GuidePanel(self.state, None)
            self._guide.setMaximumWidth(420)  # beside the tabs, not over half the window
            self._guide.step_requested.connect(self.guide_step)
            self._guide.hide_requested.connect(self.hide_guide)
            self.guideDock = QDockWidget("开始使用", self)
            self.guideDock.setObjectName("guideDock")
            self.guideDock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
            self.guideDock.setWidget(self._guide)
            self.addDockWidget(Qt.RightDockWidgetArea, self.guideDock)
        else:
            self._guide.refresh()
        self.guideDock.show()
        if remember:
            settings_service.save_ui_state({GUIDE_HIDDEN: False})
            self.memory.saved[GUIDE_HIDDEN] = False

    def hide_guide(self) -> None:
        if self.guideDock is not None:
            self.guideDock.hide()
        settings_service.save_ui_state({GUIDE_HIDDEN: True})  # until 帮助 → 开始使用向导
        self.memory.saved[GUIDE_HIDDEN] = True

    def guide_step(self, step: str) -> None:
        """A guide button: take the clerk to where that step is done."""
        if step in ("center", "first_month"):
            self.tabs.setCurrentWidget(self.settings_tab)
            self.settings_tab.focus_field("center-name" if step == "center" else "first-month")
        elif step == "templates":
            self.choose_templates_folder()
        elif step == "import_roster":
            self.choose_import_file("roster")
        elif step == "entry":
            self.tabs.setCurrentWidget(self.entry_tab)
        elif step == "close_print":
            self.tabs.setCurrentWidget(self.results_tab)
        elif step == "backup":
            self.choose_backup_folder()

    # -- leaving: nothing lost silently, and the window remembered ------------------------

    def unsaved_tabs(self) -> list[tuple[QWidget, str]]:
        """(tab, its title) for every tab that says it holds edits not yet saved."""
        found = []
        for tab, label in self.built_tabs():  # a tab never built holds no edits
            check = getattr(tab, "has_unsaved_changes", None)
            if callable(check) and check():
                found.append((tab, label))
        return found

    def ask_about_unsaved(self, dirty: list[tuple[QWidget, str]]) -> QMessageBox:
        """Window-modal but not blocking (tests click its buttons); closes the window when told."""
        names = "、".join(label for _tab, label in dirty)
        can_save = all(callable(_saver(tab)) for tab, _label in dirty)
        box = QMessageBox(QMessageBox.Warning, "退出", f"有未保存的修改（{names}）。", QMessageBox.NoButton, self)
        if can_save:
            box.setInformativeText("退出前保存这些修改吗？")
            save = box.addButton("保存", QMessageBox.AcceptRole)
            box.addButton("不保存", QMessageBox.DestructiveRole)
        else:
            box.setInformativeText("放弃这些修改并退出吗？")
            save = None
            box.addButton("放弃修改", QMessageBox.DestructiveRole)
        cancel = box.addButton("取消", QMessageBox.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.setAttribute(Qt.WA_DeleteOnClose)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is None or clicked is cancel:
                return
            if clicked is save:
                for tab, _label in dirty:
                    if not _saver(tab)():
                        self.tabs.setCurrentWidget(tab)  # the tab shows why it could not save
                        return
            self._close_confirmed = True
            self.close()

        box.finished.connect(answered)
        self.last_message = box
        box.open()
        return box

    def remember(self) -> None:
        """Store geometry, tab, splitters, column widths and the month for the next start."""
        self.memory.save({MONTH: self.state.month})

    def stop_workers(self) -> None:
        """Let background readers finish before the database is closed or replaced."""
        if self._daily_backup is not None:
            self._daily_backup.stop(timeout_s=120)
        for tab, _label in self.built_tabs():
            stop = getattr(tab, "stop_work", None)
            if callable(stop):
                stop()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self._close_confirmed:
            dirty = self.unsaved_tabs()
            if dirty:
                event.ignore()
                self.ask_about_unsaved(dirty)
                return
        self._close_confirmed = False
        try:
            self.remember()
        except Exception:  # noqa: BLE001 - remembering is a convenience; it never stops quitting
            pass
        self.stop_workers()
        self._stop_watching()
        super().closeEvent(event)

    # -- messages (window-modal but not blocking, so tests can read them) ---------------

    def show_message(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.Ok, self)
        box.button(QMessageBox.Ok).setText("确定")
        box.setTextInteractionFlags(Qt.TextSelectableByMouse)
        box.setAttribute(Qt.WA_DeleteOnClose)
        self.last_message = box
        box.open()
        return box

    def show_about(self) -> QMessageBox:
        title = window_title(settings_service.get_value("center-name"))
        text = (
            f"{title}\n\n"
            f"kaoping-desktop 版本 {__version__}\n"
            f"数据库文件：{desktop.database_path()}\n\n"
            "离线运行，数据只保存在本机数据库文件中；请定期备份到U盘。\n"
            "本程序使用的开源软件与字体见“开源许可”。"
        )
        box = self.show_message(QMessageBox.Information, "关于", text)
        licenses = box.addButton("开源许可(&L)…", QMessageBox.ActionRole)
        licenses.clicked.connect(self.show_licenses)
        return box

    def show_licenses(self):
        from .licenses_dialog import LicensesDialog

        dialog = LicensesDialog(self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def _run(self, title: str, label: str, work: Callable, cancellable: bool = False):
        """Run `work(progress)` off the GUI thread with a progress dialog (it closes the thread's connection)."""
        return run_task(self, title, label, lambda progress, _cancelled: work(progress), cancellable=cancellable)

    # -- import / export ---------------------------------------------------------

    def choose_import_file(self, kind: str) -> None:
        title = "导入人员名册" if kind == "roster" else "导入扣分台账"
        path, _ = QFileDialog.getOpenFileName(self, title, "", "Excel 工作簿 (*.xlsx);;所有文件 (*)")
        if path:
            if kind == "roster":
                self.import_roster_file(path)
            else:
                self.import_incidents_file(path)

    def _import(self, title: str, path: str | Path, importer: Callable, describe: Callable, kind: str):
        path = Path(path)
        if not self.check_database_file(before_write=True):
            return None  # the file is gone or could not be reopened: the message says so
        try:
            report = self._run(title, f"正在导入 {path.name}…", lambda progress: importer(path, progress))
        except ImportRejected as exc:
            dialog = ImportErrorsDialog(self, path.name, exc.errors)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            self.last_dialog = dialog
            dialog.open()
            return None
        except Exception as exc:  # unreadable file, locked database …: say so, nothing was written
            from .app import file_replaced_error

            if file_replaced_error(exc):  # replaced while importing: SQLite refused, nothing written
                self.write_refused_file_replaced()
                return None
            self.show_message(QMessageBox.Critical, title, f"导入失败，未写入任何数据：\n{exc}")
            return None
        self.state.notify(kind)
        self.show_message(QMessageBox.Information, title, describe(path, report))
        return report

    def import_roster_file(self, path: str | Path):
        def describe(p, r):
            lines = [
                f"已导入“{p.name}”：",
                f"窗口：新增 {r.windows_added} 个，更新 {r.windows_updated} 个",
                f"人员：新增 {r.people_added} 人，更新 {r.people_updated} 人",
            ]
            return "\n".join(lines + list(r.messages))

        return self._import("导入人员名册", path, services.import_roster, describe, ROSTER)

    def import_incidents_file(self, path: str | Path):
        def describe(p, r):
            months = f"（涉及 {'、'.join(r.months)}）" if getattr(r, "months", None) else ""
            return f"已导入“{p.name}”：新增扣分记录 {r.added} 条{months}，已存在而跳过 {r.already_present} 条。"

        return self._import("导入扣分台账", path, services.import_incidents, describe, INCIDENTS)

    def choose_templates_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "导出空白模板到文件夹")
        if folder:
            self.write_templates_to(folder)

    def write_templates_to(self, folder: str | Path) -> list[Path]:
        try:
            written = services.write_templates(folder)
        except Exception as exc:
            self.show_message(QMessageBox.Critical, "导出空白模板", f"导出失败：\n{exc}")
            return []
        names = "\n".join(str(p) for p in written)
        self.show_message(QMessageBox.Information, "导出空白模板", f"已写出空白模板：\n{names}")
        return written

    # -- backup / restore -------------------------------------------------------------

    def _start_daily_backup(self) -> None:
        """The day's automatic backup, in a worker once the window is up (a copy of ten
        years takes a second or two; the window never waits for it)."""
        if self._daily_backup is not None:
            return
        from ..services import custody

        self._daily_backup = BackgroundCall(self, lambda _written: None, self._daily_backup_failed)
        self._daily_backup.start(custody.daily_backup)

    def _daily_backup_failed(self, error: BaseException) -> None:
        import logging

        logging.getLogger("kaoping").warning("每日自动备份没有完成：%s", error)
        self.statusBar().showMessage(f"每日自动备份没有完成：{error}", 15000)

    def update_backup_status(self) -> None:
        """上次备份到U盘：… in the status bar; orange when there is none or it is old."""
        from .custody_dialogs import backup_status, last_usb_backup

        try:
            last = last_usb_backup()
        except Exception:  # noqa: BLE001 - the status line never stops the window
            return
        text, warn = backup_status(last)
        self.backupStatusLabel.setText(text)
        self.backupStatusLabel.setStyleSheet("color: #d35400;" if warn else "")
        folder = (last or {}).get("folder")
        self.backupStatusLabel.setToolTip(f"备份位置：{folder}" if folder else "请用“文件 → 备份数据库到U盘”备份")

    def choose_backup_folder(self) -> None:
        """备份: the USB sticks plugged in first (if any), else a folder dialog."""
        from .custody_dialogs import usb_volumes

        try:
            volumes = self._run("备份数据库", "正在查找U盘…", lambda _progress: usb_volumes())
        except Exception:  # noqa: BLE001 - no list of drives: the folder dialog still works
            volumes = []
        if volumes:
            self.offer_usb_drives(volumes)
        else:
            self.choose_other_backup_folder()

    def offer_usb_drives(self, volumes) -> QDialog:
        """The sticks found (window-modal, not blocking); the choice backs up or asks for a folder."""
        from .custody_dialogs import UsbDriveDialog

        dialog = UsbDriveDialog(self, volumes)
        dialog.setAttribute(Qt.WA_DeleteOnClose)

        def chosen(_result: int) -> None:
            if dialog.choice is None:
                return
            kind, volume = dialog.choice
            # Once the dialog's signals have returned: the backup's nested event loop must
            # not delete the dialog (WA_DeleteOnClose) while it is still emitting.
            if kind == "drive":
                QTimer.singleShot(0, self, lambda: self.backup_to_folder(volume.root))
            else:
                QTimer.singleShot(0, self, self.choose_other_backup_folder)

        dialog.finished.connect(chosen)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def choose_other_backup_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择U盘或备份文件夹")
        if folder:
            self.backup_to_folder(folder)

    def backup_to_folder(self, folder: str | Path) -> Path | None:
        from ..services import custody

        def work(progress):  # backs up, logs it and remembers when (the status bar)
            return custody.backup_database(Path(folder), progress)

        try:
            written = self._run("备份数据库", "正在备份数据库…", work)
        except Exception as exc:
            self.show_message(QMessageBox.Critical, "备份数据库", f"备份失败：\n{exc}")
            return None
        self.update_backup_status()
        if self._guide is not None:
            self._guide.refresh()
        self.show_message(QMessageBox.Information, "备份数据库", f"已备份到：\n{written}\n\n请等复制完成后再拔出U盘。")
        return written

    def restore_start_folder(self) -> Path | None:
        """Where the restore dialog opens: the automatic backups (the copy kept before the
        last restore is there too), else the database's folder."""
        path = desktop.database_path()
        if path is None:
            return None
        folder = backup.auto_backup_dir(path)
        return folder if folder.is_dir() else Path(path).resolve().parent

    def choose_restore_file(self) -> None:
        start = self.restore_start_folder()
        path, _ = QFileDialog.getOpenFileName(
            self, "选择备份文件", str(start or ""), "数据库备份 (*.db);;所有文件 (*)"
        )
        if path:
            self.confirm_restore(path)

    def confirm_restore(self, backup_file: str | Path) -> QDialog | None:
        """Show what the backup holds beside the database in use; restore only on 恢复此备份.
        A file that cannot be restored gets its reason and no restore button."""
        from ..services import backup_contents
        from .custody_dialogs import RestoreConfirmDialog

        backup_file = Path(backup_file)
        try:
            comparison = self._run(
                "从备份恢复", "正在检查备份文件…", lambda _progress: backup_contents.compare_with_current(backup_file)
            )
        except UnusableFile as exc:
            self.show_message(QMessageBox.Warning, "从备份恢复", f"这个文件不能用来恢复，当前数据库未改动：\n{exc}")
            return None
        except Exception as exc:  # noqa: BLE001 - unreadable file, vanished stick …
            self.show_message(QMessageBox.Warning, "从备份恢复", f"无法读取“{backup_file.name}”，当前数据库未改动：\n{exc}")
            return None
        dialog = RestoreConfirmDialog(self, comparison)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        # Deferred for the same reason as the USB dialog's choice (a nested loop under an emit).
        dialog.accepted.connect(lambda: QTimer.singleShot(0, self, lambda: self.restore_from(backup_file)))
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def restore_from(self, backup_file: str | Path) -> bool:
        self.stop_workers()  # no worker may hold the file while it is replaced
        self._restoring = True  # our own replacing of the file is not another program's
        try:
            db_path = desktop.close_for_restore()
            from ..services import custody

            def work(_progress):  # restores, and logs the restore in the restored file
                return custody.restore_database(backup_file, db_path)

            try:
                kept = self._run("从备份恢复", "正在恢复数据库…", work)
            except Exception as exc:
                services.open_app_database(db_path)
                self._file_id = desktop.file_identity(db_path)
                self.show_message(QMessageBox.Critical, "从备份恢复", f"恢复失败，当前数据库未改动：\n{exc}")
                return False
            services.open_app_database(db_path)
            self._file_id = desktop.file_identity(db_path)
        finally:
            self._restoring = False
        self._reload_everything()
        where = f"\n恢复前的数据库已另存为：\n{kept}" if kept else ""
        self.show_message(QMessageBox.Information, "从备份恢复", f"已从“{Path(backup_file).name}”恢复。{where}")
        return True

    def _reload_everything(self) -> None:
        self.state.notify()  # everything changed: each tab reloads (a hidden one when shown)
        self.retitle()
        self.update_backup_status()
        if self._guide is not None:
            self._guide.refresh()

    # -- another program replaced the file ----------------------------------------------

    def _watch_database_folder(self) -> None:
        """Hear of any change in the database's folder (a file put in its place included)."""
        path = self._db_path
        if path is None or not self.isVisible():
            return
        if self.file_watcher is None:
            self.file_watcher = QFileSystemWatcher(self)
            self.file_watcher.directoryChanged.connect(lambda _folder: self._file_check.start())
        folder = str(Path(path).resolve().parent)
        if folder not in self.file_watcher.directories():
            self.file_watcher.addPath(folder)

    def _stop_watching(self) -> None:
        self._file_check.stop()
        if self.file_watcher is not None:
            self.file_watcher.deleteLater()  # its inotify handle goes with it
            self.file_watcher = None

    def _busy_with_the_file(self) -> bool:
        """A task is running on the file (a progress dialog is up): look again afterwards."""
        return self._restoring or any(d.isVisible() for d in self.findChildren(QProgressDialog))

    def check_database_file(self, before_write: bool = False) -> bool:
        """Is the open database still the file at its path? If another program (the command
        line's `restore`) put a new file there, reopen it and reload every tab: nothing is
        ever written into the replaced, unlinked file. Runs when the folder changes, when the
        window is activated and before the window's own writes (`before_write`: a missing
        file is then told again, not only the first time); True when all is well (or it was
        reopened)."""
        path = desktop.database_path()
        if path is None or path != self._db_path or self._file_id is None or self._restoring:
            return True  # (another path: opened by someone else in this process, not replaced)
        now = desktop.file_identity(path)
        if now == self._file_id:
            self._missing_told = False
            return True
        if self._busy_with_the_file():
            self._file_check.start()  # after the task
            return False
        if now is None:
            # Moved away or deleted (perhaps a restore half-way): never create an empty one.
            if before_write or not self._missing_told:
                self._missing_told = True
                self.show_message(
                    QMessageBox.Warning,
                    "数据库文件不见了",
                    f"数据库文件已被移走或删除：\n{path}\n\n在它回到原处之前，所做的修改无法保存。"
                    "如果是另一个程序正在恢复备份，请稍候；否则请关闭程序，从备份恢复。",
                )
            return False
        return self.reopen_replaced_file(path)

    def reopen_replaced_file(self, path: Path | None = None, refused_write: bool = False) -> bool:
        path = Path(path or desktop.database_path())
        self.stop_workers()
        desktop.close_for_restore()
        try:
            services.open_app_database(path)
        except Exception as exc:  # noqa: BLE001 - a damaged file put in its place
            self._file_id = None  # no reopening again and again; the message says what to do
            self.show_message(
                QMessageBox.Critical,
                "数据库文件已被替换",
                f"数据库文件已被另一个程序替换，但新的文件无法打开：\n{exc}\n\n请关闭程序，再从备份恢复。",
            )
            return False
        self._file_id = desktop.file_identity(path)
        self._missing_told = False
        self._reload_everything()
        first = "刚才的保存没有完成：" if refused_write else ""
        self.show_message(
            QMessageBox.Information,
            "数据库文件已被替换",
            f"{first}数据库文件刚被另一个程序（例如命令行的“恢复”）换成了另一个文件。"
            "为了不把数据写进被换掉的旧文件，程序已重新打开新的文件，所有页面都已刷新。\n\n"
            "还没保存的输入仍留在原处，请核对后再保存。",
        )
        return True

    def write_refused_file_replaced(self) -> None:
        """SQLite refused a write because the file was replaced (app.py's error handler)."""
        path = desktop.database_path()
        if path is not None and desktop.file_identity(path) is None:
            self.check_database_file()  # gone: say so, reopen nothing
        else:
            self.reopen_replaced_file(path, refused_write=True)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            # Back from another program (a terminal that ran `restore`, say): look before any save.
            QTimer.singleShot(0, self, self._on_activated)

    def _on_activated(self) -> None:
        if self.check_database_file():
            self.update_backup_status()  # "N 天前" moves on while the window stays open

    def come_forward(self) -> None:
        """Another start of the program asked for this window (gui/single_instance.py)."""
        from .single_instance import bring_forward

        bring_forward(self)
