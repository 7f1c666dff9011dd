"""关于 → 开源许可: every component the program ships is listed with its license text."""

from __future__ import annotations

from kaoping_desktop.gui.licenses_dialog import LicensesDialog, components, license_text, licenses_dir


def test_every_shipped_component_has_its_license_text():
    found = {c.name: c for c in components()}
    for name in ("Python", "Qt 6 / PySide6", "PDFium（随 pypdfium2 提供）", "ReportLab", "openpyxl", "peewee", "文泉驿微米黑 (WenQuanYi Micro Hei)"):
        assert name in found, name
    for component in found.values():
        for file in component.files:
            assert (licenses_dir() / file).stat().st_size > 200, file
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in license_text(found["Qt 6 / PySide6"])
    assert "PDFium Authors" in license_text(found["PDFium（随 pypdfium2 提供）"])
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in license_text(found["Python"])


def test_the_about_box_opens_the_licenses(qtbot, db):
    from kaoping_desktop.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    box = window.show_about()
    (button,) = [b for b in box.buttons() if "开源许可" in b.text()]
    button.click()
    dialog = window.last_dialog
    assert isinstance(dialog, LicensesDialog) and dialog.isVisible()
    assert dialog.componentList.count() == len(components())
    row = next(i for i, c in enumerate(dialog.components) if c.name == "ReportLab")
    dialog.componentList.setCurrentRow(row)
    assert "ReportLab" in dialog.licenseText.toPlainText()
    dialog.accept()
