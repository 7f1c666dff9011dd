"""核验校验码: the clerk types the code printed on a paper sheet and learns which document,
month and window it belongs to, and whether its data is unchanged since printing.

`services.custody.verify` decides everything (the code's format included); the dialog
only shows its answer: green when the data is unchanged, red when it changed or the
code is unknown or malformed. The lookup runs in a worker (`BackgroundCall`), so no
nested event loop starts from the dialog's own signals.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from ..services import custody
from ..services.errors import InputError
from .tasks import BackgroundCall
from .uiload import load_into

UNCHANGED, CHANGED, UNKNOWN, MALFORMED = "一致", "已改变", "未知", "格式不正确"
GREEN, RED = "#1e7b34", "#b00020"


class VerifyDialog(QDialog):
    """`verify_code(text)` looks a code up; `verdict` (UNCHANGED / CHANGED / UNKNOWN /
    MALFORMED) and the shown lines say the answer once it is in."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        load_into(self, "verify_dialog.ui")
        self.layout().setContentsMargins(12, 12, 12, 12)
        self.setWindowTitle("核验校验码")
        self.resize(600, 360)
        close = self.buttonBox.button(QDialogButtonBox.Close)
        close.setText("关闭")
        close.setAutoDefault(False)  # Enter verifies, it never closes the dialog
        self.buttonBox.rejected.connect(self.reject)
        self.verifyButton.clicked.connect(lambda: self.verify_code())  # the default button: Enter
        self.verdict: str | None = None
        self._lookup = BackgroundCall(self, self._show, self._failed)
        self.codeEdit.setFocus()

    def busy(self) -> bool:
        return self._lookup.busy()

    def verify_code(self, text: str | None = None) -> None:
        if text is not None:
            self.codeEdit.setText(text)
        text = self.codeEdit.text()
        if not text.strip():
            self._say(None, RED, "请输入校验码。", ())
            return
        self.verdict = None
        self.verifyButton.setEnabled(False)
        self.verdictLabel.setStyleSheet("")
        self.verdictLabel.setText("正在核验……")
        self.linesView.clear()
        self._lookup.start(lambda: custody.verify(text))

    def _show(self, result: custody.Verification) -> None:
        if result.unchanged:
            self._say(UNCHANGED, GREEN, "一致：数据与打印时相同，这份文件代表当前数据。", result.lines)
        elif result.document is None:
            self._say(UNKNOWN, RED, "未知：本数据库没有生成过这个校验码。", result.lines)
        else:
            self._say(CHANGED, RED, "已改变：打印后数据有变动，这份文件不再代表当前数据。", result.lines)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, InputError):
            self._say(MALFORMED, RED, "校验码格式不正确，请对照纸面重新输入。", (str(error),))
        else:
            self._say(None, RED, "核验没有完成。", (f"{type(error).__name__}：{error}",))

    def _say(self, verdict: str | None, colour: str, headline: str, lines) -> None:
        self.verdict = verdict
        self.verifyButton.setEnabled(True)
        self.verdictLabel.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: bold; font-size: 15px; }}")
        self.verdictLabel.setText(headline)
        self.linesView.setPlainText("\n".join(lines))
        self.codeEdit.setFocus()
        self.codeEdit.selectAll()  # the next code is typed straight over this one

    def done(self, result: int) -> None:  # noqa: A003 (Qt's name)
        self._lookup.stop()  # no lookup answers into a closed dialog
        super().done(result)


__all__ = ["VerifyDialog", "UNCHANGED", "CHANGED", "UNKNOWN", "MALFORMED"]
