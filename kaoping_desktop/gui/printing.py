"""Print preview and printing of the PDF sheets the reports module writes.

The PDF is the document of record (same font, same layout on any PC), so the
window prints exactly it: pages are rendered with PDFium at printer resolution
and drawn onto the QPrinter, one page each.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget


def page_images(pdf_path: str | Path, dpi: int = 150) -> list[QImage]:
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        images = []
        for index in range(len(document)):
            bitmap = document[index].render(scale=dpi / 72)
            pil = bitmap.to_pil().convert("RGB")
            data = pil.tobytes("raw", "RGB")
            image = QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format_RGB888).copy()
            images.append(image)
        return images
    finally:
        document.close()


def paint_pages(printer: QPrinter, images: list[QImage]) -> int:
    """Draw each page image fitted to the printer's page; returns pages painted."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for number, image in enumerate(images):
            if number:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.KeepAspectRatio)
            target = QRect(area.x(), area.y(), size.width(), size.height())
            painter.drawImage(target, image)
        return len(images)
    finally:
        painter.end()


def _printer() -> QPrinter:
    printer = QPrinter(QPrinter.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.A4))
    printer.setFullPage(True)
    return printer


def preview_dialog(parent: QWidget | None, pdf_path: str | Path, title: str) -> QPrintPreviewDialog:
    """A print preview of the PDF; the caller shows it (exec, or show in tests)."""
    images = page_images(pdf_path)
    printer = _printer()
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.printer_ref = printer  # Qt does not own it; without this Python frees it under the dialog
    dialog.setWindowTitle(f"打印预览 — {title}")
    dialog.painted_pages = 0

    def paint(printer):
        dialog.painted_pages = paint_pages(printer, images)
    dialog.paintRequested.connect(paint)
    return dialog


def print_pdf(parent: QWidget | None, pdf_path: str | Path, title: str) -> bool:
    printer = _printer()
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"打印 — {title}")
    if dialog.exec() != QDialog.Accepted:
        return False
    return paint_pages(printer, page_images(pdf_path, dpi=300)) > 0
