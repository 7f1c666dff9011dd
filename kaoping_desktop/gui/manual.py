"""帮助 → 使用说明: the Chinese manual shipped in resources/manual/, shown in the program.

A QTextBrowser shows resources/manual/index.html with its pictures (no web
engine in PySide6-Essentials); 在浏览器中打开 hands the same file to the
system browser through QDesktopServices.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QWidget

from ..paths import resources_dir
from .uiload import load_into


def manual_path() -> Path:
    return resources_dir() / "manual" / "index.html"


class ManualDialog(QDialog):
    """Non-modal: the clerk can keep it open beside the window while working."""

    def __init__(self, parent: QWidget | None = None, path: Path | None = None):
        super().__init__(parent)
        load_into(self, "manual_dialog.ui")
        self.layout().setContentsMargins(8, 8, 8, 8)
        self.setWindowTitle("使用说明")
        self.resize(920, 760)
        self.path = Path(path or manual_path())
        self.closeButton.clicked.connect(self.close)
        self.homeButton.clicked.connect(self.home)
        self.externalButton.clicked.connect(self.open_in_browser)
        self.home()

    def home(self) -> None:
        if self.path.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(self.path)))
        else:
            self.browser.setPlainText(f"找不到使用说明文件：\n{self.path}\n\n请重新安装程序，或向管理员索取使用说明。")
            self.externalButton.setEnabled(False)

    def text(self) -> str:
        return self.browser.toPlainText()

    def open_in_browser(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))


def open_manual(parent: QWidget | None = None) -> ManualDialog:
    """Show the manual (one window per parent: a second call brings it to the front)."""
    existing = getattr(parent, "_manual_dialog", None) if parent is not None else None
    if isinstance(existing, ManualDialog):
        try:
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return existing
        except RuntimeError:  # its C++ side is gone
            pass
    dialog = ManualDialog(parent)
    dialog.setAttribute(Qt.WA_DeleteOnClose, False)
    if parent is not None:
        parent._manual_dialog = dialog
    dialog.show()
    return dialog


__all__ = ["ManualDialog", "manual_path", "open_manual"]
