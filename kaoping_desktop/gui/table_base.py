"""What every table model of the window shares: row count, column titles."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


class HeaderedTableModel(QAbstractTableModel):
    """A flat table whose columns are titled by `headers`; subclasses say how many rows."""

    headers: Sequence[str] = ()

    def row_count(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.headers[section]
        return None
