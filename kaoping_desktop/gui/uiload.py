"""Loading the Qt Designer layouts in `ui/`.

Each tab or dialog is a plain QWidget subclass that calls `load_into(self, "name.ui")`:
the .ui file's top widget becomes the only child in a margin-free layout, and every
named child widget is set as an attribute of `self` (so `self.saveButton` works).
"""

from __future__ import annotations

from PySide6.QtCore import QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..paths import ui_dir


def load_ui(name: str, parent: QWidget | None = None) -> QWidget:
    path = ui_dir() / name
    file = QFile(str(path))
    if not file.open(QIODevice.ReadOnly):
        raise FileNotFoundError(f"界面文件缺失：{path}")
    try:
        widget = QUiLoader().load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise RuntimeError(f"界面文件无法载入：{path}")
    return widget


def load_into(owner: QWidget, name: str) -> QWidget:
    """Load `name` into `owner` and expose its named children as attributes."""
    form = load_ui(name, owner)
    layout = owner.layout() or QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(form)
    # Widgets, layouts and actions alike.
    for child in form.findChildren(QObject):
        object_name = child.objectName()
        if object_name and not object_name.startswith("qt_") and not hasattr(owner, object_name):
            setattr(owner, object_name, child)
    return form
