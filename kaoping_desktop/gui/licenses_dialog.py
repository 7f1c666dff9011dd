"""关于 → 开源许可: the open-source components the program ships, and their license texts
(resources/licenses/, written by scripts/collect_licenses.py and bundled)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from ..paths import resources_dir
from .uiload import load_into


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    license: str
    files: tuple[str, ...]

    @property
    def label(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.name}{version} — {self.license}"


def licenses_dir() -> Path:
    return resources_dir() / "licenses"


def components() -> list[Component]:
    index = json.loads((licenses_dir() / "index.json").read_text(encoding="utf-8"))
    return [Component(c["name"], c["version"], c["license"], tuple(c["files"])) for c in index]


def license_text(component: Component) -> str:
    parts = []
    for name in component.files:
        parts.append(f"===== {name} =====\n\n" + (licenses_dir() / name).read_text(encoding="utf-8", errors="replace"))
    return "\n\n".join(parts)


class LicensesDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        load_into(self, "licenses_dialog.ui")
        self.layout().setContentsMargins(12, 12, 12, 12)
        self.setWindowTitle("开源许可")
        self.resize(900, 560)
        self.components = components()
        for component in self.components:
            self.componentList.addItem(component.label)
        self.componentList.currentRowChanged.connect(self.show_component)
        self.closeButton.clicked.connect(self.accept)
        self.splitter.setSizes([320, 580])
        if self.components:
            self.componentList.setCurrentRow(0)

    def show_component(self, row: int) -> None:
        if 0 <= row < len(self.components):
            self.licenseText.setPlainText(license_text(self.components[row]))


__all__ = ["Component", "LicensesDialog", "components", "license_text", "licenses_dir"]
