"""Starting the desktop window: QApplication, Qt's Chinese translations, a Chinese font,
the database, MainWindow."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import APP_NAME, __version__

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
    install_translations(app)
    ensure_cjk_font(app)
    # Results are computed in worker threads; a shorter GIL switch interval hands the
    # GUI thread back sooner (the default 5 ms slices add up to visible stalls).
    sys.setswitchinterval(0.001)
    return app


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
        log.error("未处理的错误", exc_info=(kind, error, trace))
        if issubclass(kind, KeyboardInterrupt):
            return
        QMessageBox.critical(
            QApplication.activeWindow(),
            "程序错误",
            f"发生了意外错误，刚才的操作没有完成（已保存的数据不受影响）。\n\n{kind.__name__}：{error}\n\n"
            f"详细信息已记入日志文件：\n{log_file}\n如问题重复出现，请把该文件交给技术人员。",
        )

    sys.excepthook = hook


def run_gui(db_path: str | Path | None) -> int:
    from .. import services
    from ..paths import default_database_path
    from ..store.database import DatabaseError

    app = setup_application()
    path = Path(db_path) if db_path else default_database_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        services.open_app_database(path)
    except (DatabaseError, OSError) as exc:
        QMessageBox.critical(None, "无法打开数据库", f"无法打开数据库文件：\n{path}\n\n{exc}")
        return 1

    from .main_window import MainWindow

    from ..services import desktop

    install_error_handler(path.with_name("kaoping-desktop.log"))
    window = MainWindow()
    window.show()
    # Once the window is on screen: the first-start questions on a new database, else the
    # operator (asked only while none is set).
    QTimer.singleShot(0, window.start_up)
    try:
        return app.exec()
    finally:
        desktop.close()
