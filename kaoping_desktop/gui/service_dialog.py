"""A dialog laid out in Designer whose OK saves through a service.

A refusal (InputError, MonthClosedError) stays inside the dialog, in its
errorLabel, and nothing is written; a dialog that opts in asks before typed
edits are discarded.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget

from ..services.errors import DatabaseBusy, InputError, MonthClosedError
from .uiload import load_into

REFUSALS = (InputError, MonthClosedError, DatabaseBusy)  # shown in the dialog, which stays open
DISCARD_TITLE = "放弃修改？"


class ServiceDialog(QDialog):
    """A dialog whose OK saves through a service; refusals stay in the dialog."""

    ui_file = ""
    asks_before_discarding = False  # window, person and move dialogs ask; others close at once

    def __init__(self, parent: QWidget | None, title: str):
        super().__init__(parent)
        load_into(self, self.ui_file)
        self.layout().setContentsMargins(12, 12, 12, 12)  # load_into leaves none; a dialog needs some
        self.setWindowTitle(title)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        ok = self.buttonBox.button(QDialogButtonBox.Ok)
        ok.setText("确定")
        ok.setDefault(True)
        self.buttonBox.button(QDialogButtonBox.Cancel).setText("取消")
        self.errorLabel.hide()
        self.discard_box: QMessageBox | None = None
        self._clean = None

    def save(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- unsaved edits -----------------------------------------------------------

    def values(self):
        """What the clerk has typed; compared with the state at opening to find unsaved edits."""
        return None

    def mark_clean(self) -> None:
        self._clean = self.values()

    def has_unsaved_changes(self) -> bool:
        return self.asks_before_discarding and self.values() != self._clean

    def confirm_discard(self) -> bool:
        """Ask 放弃修改？; True when the clerk chose to discard. The box is kept in `discard_box`."""
        box = QMessageBox(QMessageBox.Question, DISCARD_TITLE, DISCARD_TITLE, QMessageBox.NoButton, self)
        box.setInformativeText("刚才填写的内容还没有保存，关闭后将会丢失。")
        discard = box.addButton("放弃修改(&D)", QMessageBox.DestructiveRole)
        keep = box.addButton("继续编辑(&K)", QMessageBox.RejectRole)
        discard.setObjectName("discardButton")
        keep.setObjectName("keepEditingButton")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self.discard_box = box
        box.exec()
        return box.clickedButton() is discard

    def reject(self) -> None:
        # Esc, 取消 and the title bar's close all come here (QDialog.closeEvent calls reject).
        # A dialog never shown has nothing on screen to lose.
        if self.isVisible() and self.has_unsaved_changes() and not self.confirm_discard():
            return
        super().reject()

    def show_error(self, message: str) -> None:
        self.errorLabel.setText(message)
        self.errorLabel.setVisible(bool(message))

    def accept(self) -> None:
        try:
            self.save()
        except REFUSALS as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        super().accept()
