"""操作员: who is working, asked at start and written into every audit row.

`ask_operator(parent)` shows the earlier operators (everyone in the audit log,
the current one first) in an editable list: pick one or type a new name.
The name is stored with `settings.set_value("operator", …)`, and
store/repository.actor() writes it into each audit row from then on.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from ..services import InputError, audit_log
from ..services import settings as settings_service
from .app_state import SETTINGS, AppState
from .service_dialog import ServiceDialog


class OperatorDialog(ServiceDialog):
    """Pick or type the operator; OK stores it. `chosen` holds the stored name afterwards."""

    ui_file = "operator_dialog.ui"

    def __init__(self, parent: QWidget | None = None, state: AppState | None = None):
        super().__init__(parent, "选择操作员")
        self.state = state
        self.chosen: str | None = None
        names = audit_log.operators()
        self.operatorCombo.addItems(names)
        current = settings_service.operator()
        self.operatorCombo.setCurrentText(current or "")
        self.operatorCombo.lineEdit().setPlaceholderText("例如 王会计")
        self.operatorCombo.lineEdit().selectAll()
        self.operatorCombo.setFocus()

    def name(self) -> str:
        return self.operatorCombo.currentText().strip()

    def save(self) -> None:
        name = self.name()
        if not name:
            raise InputError("请选择或输入操作员姓名")
        settings_service.set_value("operator", name)
        self.chosen = settings_service.operator()
        if self.state is not None:
            self.state.notify(SETTINGS)


def ask_operator(parent: QWidget | None = None, state: AppState | None = None) -> str | None:
    """Ask who is working (modal); the stored name, or None when cancelled (nothing changed)."""
    dialog = OperatorDialog(parent, state)
    try:
        if dialog.exec() == QDialog.Accepted:
            return dialog.chosen
        return None
    finally:
        dialog.deleteLater()


__all__ = ["OperatorDialog", "ask_operator"]
