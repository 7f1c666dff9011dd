"""Print preview and printing of the PDF sheets the reports module writes.

The PDF is the document of record (same font, same layout on any PC), so the
window prints exactly it: each page is rendered with PDFium at printer resolution
and drawn onto the QPrinter, one page at a time. Only the page being painted is
in memory, so a 120-page merged month prints like a one-page sheet; printing runs
off the GUI thread (Qt paints onto a QPrinter from any thread) with a progress
dialog that can cancel it between two pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

PRINT_DPI = 300  # sharp on paper; PDFium renders a page in a fraction of a second at this
PREVIEW_DPI = 150


class PrintCancelled(Exception):
    """The clerk cancelled between two pages; the printer job was aborted."""

    def __init__(self, message: str = "已取消打印"):
        super().__init__(message)


def render_page(document: pdfium.PdfDocument, index: int, dpi: int) -> QImage:
    bitmap = document[index].render(scale=dpi / 72)
    pil = bitmap.to_pil().convert("RGB")
    data = pil.tobytes("raw", "RGB")
    return QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format_RGB888).copy()


def _orientation(document: pdfium.PdfDocument, index: int) -> QPageLayout.Orientation:
    width, height = document[index].get_size()
    return QPageLayout.Landscape if width > height else QPageLayout.Portrait


def paint_pdf(
    printer: QPrinter,
    pdf_path: str | Path,
    dpi: int = PRINT_DPI,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Render and draw the PDF's pages one by one, each fitted to its page (a landscape
    sheet on a landscape page); returns the pages painted. Raises PrintCancelled when
    `cancelled()` turns true between two pages."""
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        total = len(document)
        if not total:
            return 0
        dpi = min(dpi, printer.resolution()) if printer.resolution() > 0 else dpi
        printer.setPageOrientation(_orientation(document, 0))
        painter = QPainter()
        if not painter.begin(printer):
            return 0
        try:
            for index in range(total):
                if cancelled is not None and cancelled():
                    printer.abort()
                    raise PrintCancelled()
                if index:
                    printer.setPageOrientation(_orientation(document, index))  # for the page to come
                    printer.newPage()
                image = render_page(document, index, dpi)
                area = painter.viewport()
                size = image.size().scaled(area.size(), Qt.KeepAspectRatio)
                painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()), image)
                del image  # one page in memory at a time
                if progress is not None:
                    progress(index + 1, total)
            return total
        finally:
            if painter.isActive():
                painter.end()
    finally:
        document.close()


def new_printer() -> QPrinter:
    printer = QPrinter(QPrinter.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.A4))
    printer.setFullPage(True)
    return printer


def preview_dialog(parent: QWidget | None, pdf_path: str | Path, title: str) -> QPrintPreviewDialog:
    """A print preview of the PDF; the caller shows it (exec, or show in tests)."""
    printer = new_printer()
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.printer_ref = printer  # Qt does not own it; without this Python frees it under the dialog
    dialog.setWindowTitle(f"打印预览 — {title}")
    dialog.painted_pages = 0

    def paint(printer):
        dialog.painted_pages = paint_pdf(printer, pdf_path, PREVIEW_DPI)

    dialog.paintRequested.connect(paint)
    return dialog


def ask_printer(parent: QWidget | None, title: str) -> QPrinter | None:
    """The print dialog (printer, copies, pages); the chosen printer, or None when cancelled."""
    printer = new_printer()
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"打印 — {title}")
    if dialog.exec() != QDialog.Accepted:
        return None
    return printer


def print_pdf(parent: QWidget | None, pdf_path: str | Path, title: str, printer: QPrinter | None = None) -> int:
    """Print the PDF (asking for the printer unless given) off the GUI thread, with a
    cancellable progress dialog; returns the pages sent (0: not printed). Raises PrintCancelled."""
    from .tasks import run_task

    printer = printer or ask_printer(parent, title)
    if printer is None:
        return 0
    return run_task(
        parent, "打印", f"正在打印 {title}……",
        lambda progress, cancelled: paint_pdf(printer, pdf_path, PRINT_DPI, progress, cancelled),
        cancellable=True,
    )
