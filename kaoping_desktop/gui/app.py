"""Starting the desktop window: QApplication, Qt's Chinese translations, a Chinese font,
the database, MainWindow."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import APP_NAME, __version__
from ..paths import resources_dir

# Tried in order when the default font cannot show Chinese.
CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "PingFang SC",
    "SimSun",
)


def _shows_chinese(family: str) -> bool:
    return QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def ensure_cjk_font(app: QApplication) -> str:
    """Keep the default font if it has Chinese, else switch to one that does; returns the family."""
    font = app.font()
    if _shows_chinese(font.family()):
        return font.family()
    available = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in available and _shows_chinese(family):
            break
    else:
        chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
        if not chinese:
            return font.family()  # nothing better installed; Qt falls back glyph by glyph
        family = chinese[0]
    new = QFont(family, font.pointSize() if font.pointSize() > 0 else 10)
    app.setFont(new)
    return family


# Qt's own catalogue for the standard buttons (是(&Y)/否(&N), 确定/取消), QDialogButtonBox,
# the file and print dialogs. PySide6-Essentials ships it in PySide6/Qt/translations.
QT_CATALOGUES = ("qtbase",)
CHINESE = "zh_CN"


def translations_dirs() -> list[Path]:
    """Where Qt's .qm files may be: Qt's own answer, then PySide6's folder (frozen builds)."""
    found = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:
        import PySide6

        found.append(Path(PySide6.__file__).resolve().parent / "Qt" / "translations")
    except (ImportError, TypeError):  # pragma: no cover - PySide6 without a file location
        pass
    return found


def install_translations(app: QApplication) -> list[str]:
    """Load Qt's Chinese translations once; returns the catalogues now installed."""
    installed = getattr(app, "_kaoping_translators", None)
    if installed is None:
        installed = {}
        for catalogue in QT_CATALOGUES:
            for folder in translations_dirs():
                translator = QTranslator(app)
                if translator.load(f"{catalogue}_{CHINESE}", str(folder)):
                    app.installTranslator(translator)
                    installed[catalogue] = translator
                    break
        # Python keeps the translators alive; Qt does not own them.
        app._kaoping_translators = installed
    return list(installed)


def setup_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("kaoping")
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("窗口月度考评系统")
    app.setApplicationVersion(__version__)
    icon = resources_dir() / "icons" / "kaoping.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))  # the window, its dialogs and the taskbar
    install_translations(app)
    ensure_cjk_font(app)
    # Results are computed in worker threads; a shorter GIL switch interval hands the
    # GUI thread back sooner (the default 5 ms slices add up to visible stalls).
    sys.setswitchinterval(0.001)
    return app


# The window, once it exists: the error handler hands it a write refused because another
# program replaced the database file (see `install_error_handler`).
_main_window = None


def _sqlite_code(error: BaseException) -> int | None:
    """SQLite's extended error code anywhere in the chain (peewee wraps sqlite3's errors)."""
    seen = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if code is not None:
            return code
        wrapped = [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        stack.extend([current.__cause__, current.__context__, *wrapped])
    return None


SQLITE_READONLY_DBMOVED = 1032  # a write into a file that was renamed or replaced since it was opened


def file_replaced_error(error: BaseException) -> bool:
    """SQLite refused a write because the open file is no longer the one at its path
    (another copy restored a backup over it): nothing was written. The store refuses such
    a write itself (DatabaseReplaced); SQLite's own refusal is the net under it."""
    from ..store.repository import DatabaseReplaced

    return isinstance(error, DatabaseReplaced) or _sqlite_code(error) == SQLITE_READONLY_DBMOVED


def database_busy_error(error: BaseException) -> bool:
    """Another program held the database's lock too long (SQLITE_BUSY / SQLITE_LOCKED)."""
    from ..store.repository import DatabaseBusy

    if isinstance(error, DatabaseBusy):
        return True
    code = _sqlite_code(error)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def install_error_handler(log_file: Path) -> None:
    """Unexpected errors: the details into a log file beside the database, a Chinese message
    on screen, never a bare traceback in a console the clerk does not see."""
    import logging
    from logging.handlers import RotatingFileHandler

    log = logging.getLogger("kaoping")
    log.setLevel(logging.INFO)
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        # Ten years on one PC: the log rolls over at 1 MB and keeps three old files.
        handler = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
    except OSError:
        pass  # a read-only folder: the message on screen still comes

    def hook(kind, error, trace) -> None:
        from ..store.repository import DatabaseBusy

        if issubclass(kind, KeyboardInterrupt):
            log.error("未处理的错误", exc_info=(kind, error, trace))
            return
        if isinstance(error, BaseException) and file_replaced_error(error) and _main_window is not None:
            # Not a program error: another copy replaced the file; SQLite wrote nothing.
            log.warning("写入被拒绝：数据库文件已被另一个程序替换（%s）", error)
            _main_window.write_refused_file_replaced()
            return
        if isinstance(error, BaseException) and database_busy_error(error):
            # A lock held by another program past the busy timeout: nothing was written.
            log.warning("数据库正忙：%s", error)
            message = str(error) if isinstance(error, DatabaseBusy) else str(DatabaseBusy())
            QMessageBox.warning(QApplication.activeWindow(), "数据库正忙", message)
            return
        log.error("未处理的错误", exc_info=(kind, error, trace))
        QMessageBox.critical(
            QApplication.activeWindow(),
            "程序错误",
            f"发生了意外错误，刚才的操作没有完成（已保存的数据不受影响）。\n\n{kind.__name__}：{error}\n\n"
            f"详细信息已记入日志文件：\n{log_file}\n如问题重复出现，请把该文件交给技术人员。",
        )

    sys.excepthook = hook


def run_gui(db_path: str | Path | None) -> int:
    global _main_window
    import logging

    from .. import services
    from ..paths import default_database_path
    from ..store.database import DatabaseError
    from .single_instance import SingleInstance, bring_forward, tell_already_open

    app = setup_application()
    path = Path(db_path) if db_path else default_database_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        QMessageBox.critical(None, "无法打开数据库", f"无法打开数据库文件：\n{path}\n\n{exc}")
        return 1
    # One window per database file: a second start brings the first forward and leaves,
    # before it opens (or upgrades, or checks) the file.
    guard = SingleInstance(path)
    if not guard.acquire():
        return tell_already_open(path)
    try:
        try:
            services.open_app_database(path)
        except (DatabaseError, OSError) as exc:
            QMessageBox.critical(None, "无法打开数据库", f"无法打开数据库文件：\n{path}\n\n{exc}")
            return 1

        from .main_window import MainWindow

        from ..services import desktop

        install_error_handler(path.with_name("kaoping-desktop.log"))
        log = logging.getLogger("kaoping")
        window = MainWindow()
        _main_window = window

        def come_forward() -> None:
            log.info("另一次启动请求显示窗口：已切换到已打开的窗口")
            bring_forward(window)

        guard.come_forward.connect(come_forward)
        window.show()
        log.info("窗口已启动（进程 %s）：%s", os.getpid(), path)
        # Once the window is on screen: the first-start questions on a new database, else the
        # operator (asked only while none is set).
        QTimer.singleShot(0, window.start_up)
        try:
            return app.exec()
        finally:
            _main_window = None
            desktop.close()
    finally:
        guard.release()
