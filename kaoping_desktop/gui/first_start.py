"""The first start: center name, first evaluated month and operator, asked once.

The main window shows `FirstStartDialog` when `services.first_day.needs_first_start()`
is true (a database with no windows whose first month was never set). Saving
stores the three answers together (nothing when one is refused; the dialog
stays open and says why). `run_first_start` shows it modally; tests drive it
with `open()` and the OK button instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from ..services import InputError, MonthClosedError
from ..services import audit_log, first_day
from ..services import settings as settings_service
from .app_state import SETTINGS, AppState
from .month_picker import MonthPicker
from .service_dialog import ServiceDialog

FIELD_LABELS = {"center-name": "中心名称", "first-month": "开始考评月份", "operator": "操作员"}


class FirstStartDialog(ServiceDialog):
    ui_file = "first_start_dialog.ui"

    def __init__(self, parent: QWidget | None = None, state: AppState | None = None):
        super().__init__(parent, "首次使用")
        self.state = state
        self.buttonBox.button(QDialogButtonBox.Ok).setText("开始使用")
        self.buttonBox.button(QDialogButtonBox.Cancel).setText("以后再说")
        self.monthPicker = MonthPicker.inside(self.firstMonthHolder)
        self.firstMonthLabel.setBuddy(self.monthPicker.year)
        self.setTabOrder(self.centerNameEdit, self.monthPicker.year)
        self.setTabOrder(self.monthPicker.year, self.monthPicker.month_box)
        self.setTabOrder(self.monthPicker.month_box, self.operatorCombo)

        stored_month = settings_service.first_month()
        self.monthPicker.set_month(stored_month or first_day.suggested_first_month())
        if first_day.center_named():
            self.centerNameEdit.setText(settings_service.get_value("center-name"))
        self.operatorCombo.addItems(audit_log.operators())
        self.operatorCombo.setCurrentText(settings_service.operator())
        self.operatorCombo.lineEdit().setPlaceholderText("例如 王会计")
        self.centerNameEdit.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # The clerk starts typing the center's name at once, whatever had focus before.
        self.centerNameEdit.setFocus(Qt.ActiveWindowFocusReason)

    def answers(self) -> tuple[str, str, str]:
        """(center name, first month YYYY-MM, operator) as filled in."""
        return self.centerNameEdit.text().strip(), self.monthPicker.month(), self.operatorCombo.currentText().strip()

    def save(self) -> None:
        center, month, operator = self.answers()
        try:
            first_day.save_first_start(center, month, operator)
        except (InputError, MonthClosedError) as exc:
            key = getattr(exc, "setting_key", None)
            widget = {
                "center-name": self.centerNameEdit,
                "first-month": self.monthPicker.year,
                "operator": self.operatorCombo,
            }.get(key)
            if widget is not None:
                widget.setFocus()
            label = FIELD_LABELS.get(key or "")
            message = str(exc)
            if isinstance(exc, MonthClosedError):
                message = f"{exc.month} 已锁定，开始考评月份不能晚于它"
            if label and not message.startswith(label):
                message = f"{label}：{message}"
            raise InputError(message) from exc
        if self.state is not None:
            self.state.notify(SETTINGS)


def run_first_start(parent: QWidget | None = None, state: AppState | None = None) -> bool:
    """Show the dialog modally; True when the answers were stored."""
    dialog = FirstStartDialog(parent, state)
    try:
        return dialog.exec() == QDialog.Accepted
    finally:
        dialog.deleteLater()


__all__ = ["FirstStartDialog", "run_first_start"]
