"""The main window: five tabs, the file / import-export / help menus, and their wiring."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QStringListModel, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMainWindow, QMessageBox, QWidget

from .. import __version__, backup, services
from ..domain.validation import ImportRejected
from ..services import desktop
from ..services.settings import load_settings
from .entry_tab import EntryTab
from .results_tab import ResultsTab
from .roster_tab import RosterTab
from .settings_tab import SettingsTab
from .standards_tab import StandardsTab
from .tasks import run_task
from .uiload import load_into, load_ui

APP_TITLE_SUFFIX = "窗口月度考评系统"



def window_title(center_name: str) -> str:
    return f"{center_name}{APP_TITLE_SUFFIX}"


class ImportErrorsDialog(QDialog):
    """Every wrong row of a refused file, read-only and copyable; nothing was written."""

    def __init__(self, parent: QWidget | None, file_name: str, errors: list):
        super().__init__(parent)
        load_into(self, "import_errors_dialog.ui")
        self.layout().setContentsMargins(12, 12, 12, 12)
        self.setWindowTitle("导入失败")
        self.resize(760, 480)
        self.lines = [str(e) for e in errors]
        self.summaryLabel.setText(
            f"文件“{file_name}”有 {len(self.lines)} 处错误，未导入任何数据。请在电子表格中改正后重新导入。"
        )
        self.model = QStringListModel(self.lines, self)
        self.errorsView.setModel(self.model)
        self.copyButton.clicked.connect(self.copy_all)
        self.closeButton.clicked.connect(self.accept)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.lines))


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._adopt_form(load_ui("main_window.ui"))
        self.last_message: QMessageBox | None = None
        self.last_dialog: QDialog | None = None

        self.roster_tab = RosterTab(self)
        self.entry_tab = EntryTab(self)
        self.results_tab = ResultsTab(self)
        self.standards_tab = StandardsTab(self)
        self.settings_tab = SettingsTab(self)
        for widget, label in (
            (self.roster_tab, "人员名册"),
            (self.entry_tab, "扣分录入"),
            (self.results_tab, "月度结果"),
            (self.standards_tab, "评分标准"),
            (self.settings_tab, "设置"),
        ):
            self.tabs.addTab(widget, label)
        # Ctrl+1 … Ctrl+5 switch tabs, for a clerk who keeps hands on the keyboard.
        for n in range(self.tabs.count()):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n + 1}"), self)
            shortcut.activated.connect(lambda n=n: self.tabs.setCurrentIndex(n))
            self.tabs.setTabToolTip(n, f"Ctrl+{n + 1}")

        self.entry_tab.incidents_changed.connect(self._incidents_changed)
        self.roster_tab.roster_changed.connect(self._refresh_entry_and_results)
        self.standards_tab.standards_changed.connect(self._refresh_entry_and_results)
        self.settings_tab.settings_saved.connect(self._settings_saved)

        self.backupAction.triggered.connect(self.choose_backup_folder)
        self.restoreAction.triggered.connect(self.choose_restore_file)
        self.quitAction.triggered.connect(self.close)
        self.templatesAction.triggered.connect(self.choose_templates_folder)
        self.importRosterAction.triggered.connect(lambda: self.choose_import_file("roster"))
        self.importIncidentsAction.triggered.connect(lambda: self.choose_import_file("incidents"))
        self.aboutAction.triggered.connect(self.show_about)

        self.dbLabel = QLabel(self)
        self.statusBar().addPermanentWidget(self.dbLabel)
        self.retitle()

    # -- building ------------------------------------------------------------

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

    # -- wiring ----------------------------------------------------------------

    def _incidents_changed(self) -> None:
        self.results_tab.refresh()

    def _refresh_entry_and_results(self) -> None:
        self.entry_tab.refresh()
        self.results_tab.refresh()

    def _settings_saved(self, _settings) -> None:
        self.retitle()
        self._refresh_entry_and_results()

    def refresh_all(self) -> None:
        """After an import or a restore: every tab reads the database again."""
        self.roster_tab.refresh()
        self.standards_tab.refresh()
        self.settings_tab.refresh()
        self._refresh_entry_and_results()
        self.retitle()

    def retitle(self) -> None:
        self.setWindowTitle(window_title(load_settings().center_name))
        path = desktop.database_path()
        self.dbLabel.setText(f"数据库：{path}" if path else "")

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
        title = window_title(load_settings().center_name)
        text = (
            f"{title}\n\n"
            f"kaoping-desktop 版本 {__version__}\n"
            f"数据库文件：{desktop.database_path()}\n\n"
            "离线运行，数据只保存在本机数据库文件中；请定期备份到U盘。"
        )
        return self.show_message(QMessageBox.Information, "关于", text)

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

    def _import(self, title: str, path: str | Path, importer: Callable, describe: Callable):
        path = Path(path)
        try:
            report = self._run(title, f"正在导入 {path.name}…", lambda progress: importer(path, progress))
        except ImportRejected as exc:
            dialog = ImportErrorsDialog(self, path.name, exc.errors)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            self.last_dialog = dialog
            dialog.open()
            return None
        except Exception as exc:  # unreadable file, locked database …: say so, nothing was written
            self.show_message(QMessageBox.Critical, title, f"导入失败，未写入任何数据：\n{exc}")
            return None
        self.refresh_all()
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

        return self._import("导入人员名册", path, services.import_roster, describe)

    def import_incidents_file(self, path: str | Path):
        def describe(p, r):
            months = f"（涉及 {'、'.join(r.months)}）" if getattr(r, "months", None) else ""
            return f"已导入“{p.name}”：新增扣分记录 {r.added} 条{months}，已存在而跳过 {r.already_present} 条。"

        return self._import("导入扣分台账", path, services.import_incidents, describe)

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

    def choose_backup_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择U盘或备份文件夹")
        if folder:
            self.backup_to_folder(folder)

    def backup_to_folder(self, folder: str | Path) -> Path | None:
        source = desktop.database_path()
        try:
            written = self._run(
                "备份数据库", "正在备份数据库…", lambda progress: backup.backup_file(source, Path(folder), progress)
            )
        except Exception as exc:
            self.show_message(QMessageBox.Critical, "备份数据库", f"备份失败：\n{exc}")
            return None
        self.show_message(QMessageBox.Information, "备份数据库", f"已备份到：\n{written}\n\n请等复制完成后再拔出U盘。")
        return written

    def choose_restore_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择备份文件", "", "数据库备份 (*.db);;所有文件 (*)"
        )
        if not path:
            return
        answer = QMessageBox.question(
            self,
            "从备份恢复",
            f"用备份“{Path(path).name}”替换当前数据库？\n当前数据库会先另存一份，恢复错了还可以找回。",
            QMessageBox.Yes | QMessageBox.No,
            QMessageBox.No,
        )
        if answer == QMessageBox.Yes:
            self.restore_from(path)

    def restore_from(self, backup_file: str | Path) -> bool:
        db_path = desktop.close_for_restore()
        try:
            kept = self._run("从备份恢复", "正在恢复数据库…", lambda _progress: desktop.restore_file(backup_file, db_path))
        except Exception as exc:
            services.open_app_database(db_path)
            self.show_message(QMessageBox.Critical, "从备份恢复", f"恢复失败，当前数据库未改动：\n{exc}")
            return False
        services.open_app_database(db_path)
        self.refresh_all()
        where = f"\n恢复前的数据库已另存为：\n{kept}" if kept else ""
        self.show_message(QMessageBox.Information, "从备份恢复", f"已从“{Path(backup_file).name}”恢复。{where}")
        return True
