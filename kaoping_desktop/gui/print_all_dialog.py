"""打印本月全部评分表: which sheets go into the month's one merged document, and whether
it is printed or saved as one PDF. The dialog only asks; the results tab does the work
once the dialog's signals have returned (no nested event loop under its emit)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from .uiload import load_into

PRINT, SAVE_PDF = "print", "pdf"


class PrintAllDialog(QDialog):
    """`choice` is PRINT, SAVE_PDF or None (cancelled); `include_summary`, `include_staff`."""

    def __init__(self, parent: QWidget | None, month: str, windows: int):
        super().__init__(parent)
        load_into(self, "print_all_dialog.ui")
        self.layout().setContentsMargins(12, 12, 12, 12)
        self.setWindowTitle("打印本月全部评分表")
        self.introLabel.setText(
            f"{month} 全部 {windows} 个窗口的评分表合成一份文档（按窗口编号排列，每份表单独编页码），"
            "可直接打印，也可保存为一个 PDF 文件。"
        )
        self.choice: str | None = None
        self.printButton.clicked.connect(lambda: self._choose(PRINT))
        self.pdfButton.clicked.connect(lambda: self._choose(SAVE_PDF))
        self.cancelButton.clicked.connect(self.reject)
        self.printButton.setFocus()

    @property
    def include_summary(self) -> bool:
        return self.summaryCheck.isChecked()

    @property
    def include_staff(self) -> bool:
        return self.staffCheck.isChecked()

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


__all__ = ["PRINT", "SAVE_PDF", "PrintAllDialog"]
