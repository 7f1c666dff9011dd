"""月度结果: ranking, the selected window's incidents and people, closing, printing;
the month's sheets as one document (打印本月全部评分表), the 通报 in Word, 核验校验码.

The month is the window's shared month (`AppState`). Figures are computed off the
GUI thread by `ResultsLoader` and cached by (month, data version); the tab asks
for them only while it is shown (`LazyRefresh`) and drops answers that arrive
for a month or version it no longer shows.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QEvent, QEventLoop, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QVBoxLayout, QWidget

from .. import services
from ..domain.numbers import display
from ..services import settings as settings_service
from ..services.errors import ClosingRefused, DatabaseBusy, InputError
from .app_state import ALL, MONTHS, AppState, LazyRefresh
from .incident_models import IncidentFilter, IncidentTableModel
from .results_models import CodeRole, PeopleModel, RankingModel, fit_columns, sorting_proxy
from .results_worker import CHART, DETAILS, FIGURES, PARTS, Chart, ChartPoint, Details, Figures, ResultsLoader
from .tasks import run_task
from .uiload import load_into

DOC_WINDOW, DOC_SUMMARY, DOC_STAFF, DOC_YEAR = "window", "summary", "staff", "year"
NOT_EVALUATED = "未纳入考评"


class TotalsChart(QWidget):
    """A window's monthly totals through the year, drawn with QPainter (no QtCharts in Essentials).

    Closed months are results: filled points joined by a solid line. Open months are
    drafts (scoring.md "The year"): hollow grey points joined by dashed lines, and the
    legend says 草稿."""

    RESULT, DRAFT = QColor("#1f4e79"), QColor("#7f8c8d")
    LEGEND = ("● 已锁定", "○ 草稿（未锁定，可能变动）")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumHeight(160)
        self.title = ""
        self.points: list[ChartPoint] = []

    def set_series(self, title: str, points: list[ChartPoint]) -> None:
        self.title, self.points = title, points
        self.update()

    def has_drafts(self) -> bool:
        return any(p.draft for p in self.points)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        rect = QRectF(self.rect()).adjusted(40, 40, -16, -24)  # the top line holds title and legend
        painter.fillRect(self.rect(), QColor("white"))
        painter.drawText(QRectF(0, 2, self.width(), 20), Qt.AlignCenter, self.title or "请选择窗口")
        low = 60
        grid, axis = QPen(QColor("#cccccc")), QPen(QColor("#555555"))
        for value in (60, 70, 80, 90, 100):
            y = rect.bottom() - (value - low) / (100 - low) * rect.height()
            painter.setPen(grid)
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            painter.setPen(axis)
            painter.drawText(QRectF(0, y - 8, 36, 16), Qt.AlignRight | Qt.AlignVCenter, str(value))
        step = rect.width() / 11
        for month in range(1, 13):
            x = rect.left() + (month - 1) * step
            painter.drawText(QRectF(x - 15, rect.bottom() + 4, 30, 16), Qt.AlignCenter, f"{month}月")
        if not self.points:
            return
        if self.has_drafts():
            legend = QRectF(40, 2, 270, 20)
            painter.setPen(self.RESULT)
            painter.drawText(legend, Qt.AlignLeft | Qt.AlignVCenter, self.LEGEND[0])
            painter.setPen(self.DRAFT)
            painter.drawText(legend.adjusted(70, 0, 0, 0), Qt.AlignLeft | Qt.AlignVCenter, self.LEGEND[1])

        def at(point: ChartPoint) -> QPointF:
            value = max(low, min(100, point.total))
            return QPointF(rect.left() + (point.month - 1) * step, rect.bottom() - float(value - low) / (100 - low) * rect.height())

        solid, dashed = QPen(self.RESULT, 2), QPen(self.DRAFT, 1.5, Qt.DashLine)
        for before, after in zip(self.points, self.points[1:]):
            painter.setPen(dashed if before.draft or after.draft else solid)
            painter.drawLine(at(before), at(after))
        for point in self.points:
            centre = at(point)
            colour = self.DRAFT if point.draft else self.RESULT
            painter.setPen(QPen(colour, 2))
            painter.setBrush(QColor("white") if point.draft else colour)
            painter.drawEllipse(centre, 3.5, 3.5)
            painter.drawText(QRectF(centre.x() - 25, centre.y() - 20, 50, 16), Qt.AlignCenter, display(point.total))


def write_document(kind: str, month: str, code: str | None, folder: Path) -> Path:
    """Write one printable document (no Qt: runs in a worker too)."""
    from ..reports import pdf  # reportlab is slow to import; only printing needs it
    from ..services import exports

    if kind == DOC_YEAR:
        year = month[:4]
        return pdf.write_annual_summary(folder / f"{year}_年度汇总.pdf", exports.year_report(year))
    report = exports.month_report(month)
    if kind == DOC_WINDOW:
        code = code or (report.result.windows[0].code if report.result.windows else None)
        if code is None:
            raise InputError("本月没有窗口可打印")
        return pdf.write_window_sheet(folder / f"{month}_{code}.pdf", report, code)
    if kind == DOC_SUMMARY:
        return pdf.write_month_summary(folder / f"{month}_汇总.pdf", report)
    return pdf.write_staff_sheet(folder / f"{month}_人员.pdf", report)


class ResultsTab(LazyRefresh, QWidget):
    backup_requested = Signal()  # 现在备份 in the reminder after closing: the window runs its 备份

    def __init__(self, parent: QWidget | None = None, state: AppState | None = None):
        super().__init__(parent)
        self.state = state if state is not None else AppState(settings_service.starting_month(), self)
        load_into(self, "results_tab.ui")
        self.ranking = RankingModel(self)
        self.ranking_proxy = sorting_proxy(self, self.ranking)
        self.rankingTable.setModel(self.ranking_proxy)
        self.people = PeopleModel(self)
        self.people_proxy = sorting_proxy(self, self.people)
        self.peopleTable.setModel(self.people_proxy)
        self.incidents = IncidentTableModel(self)
        self.incident_filter = IncidentFilter(self)
        self.incident_filter.setSourceModel(self.incidents)
        self.windowIncidentTable.setModel(self.incident_filter)
        for view in (self.rankingTable, self.peopleTable, self.windowIncidentTable):
            view.verticalHeader().setDefaultSectionSize(22)
            view.horizontalHeader().setResizeContentsPrecision(20)  # never measure every row
        self.chart = TotalsChart(self.chartHolder)
        layout = QVBoxLayout(self.chartHolder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chart)
        documents = (("所选窗口评分表", DOC_WINDOW), ("月度汇总表", DOC_SUMMARY), ("人员得分表", DOC_STAFF), ("年度汇总", DOC_YEAR))
        for text, key in documents:
            self.documentCombo.addItem(text, key)

        self.backup_reminder: QMessageBox | None = None
        self.figures: Figures | None = None
        self.details: Details | None = None
        self.chart_data: Chart | None = None
        self.result = None  # the MonthResult shown (None before the first evaluated month)
        self._applied: dict[str, tuple] = {}  # part -> key it was applied for
        self._last_code: str | None = None  # the window last selected, kept across months
        self.error = ""

        self.loader = ResultsLoader(self)
        self.loader.ready.connect(self._part_ready)
        self.loader.failed.connect(self._failed)
        # The worker waits after the figures until the ranking has been painted, so its next
        # parts do not compete with filling and painting the tables (both need the GIL).
        self._resume_on_paint = False
        self.rankingTable.viewport().installEventFilter(self)

        self.rankingTable.selectionModel().selectionChanged.connect(lambda *_: self._window_selected())
        self.closeButton.clicked.connect(lambda: self.close_month())
        self.reopenButton.clicked.connect(lambda: self.reopen_month())
        self.previewButton.clicked.connect(lambda: self.preview())
        self.printButton.clicked.connect(self.print_document)
        self.exportButton.clicked.connect(lambda: self.export_to())
        self.batchButton.clicked.connect(lambda: self.export_to(pdf_only=True))
        self.yearButton.clicked.connect(lambda: self.export_year())
        self.printAllButton.clicked.connect(lambda: self.print_all())
        self.noticeButton.clicked.connect(lambda: self.export_notice())
        self.verifyButton.clicked.connect(lambda: self.open_verify_dialog())
        self.verify_dialog = None
        self.print_all_dialog = None
        self._set_buttons(False, False, False)
        self.watch(self.state)
        self._pending.add(self.MONTH)  # nothing read until first shown

    # --- the shared month -------------------------------------------------------------

    @property
    def month(self) -> str:
        return self.state.month

    def set_month(self, month: str) -> None:
        self.state.set_month(month)

    def key(self) -> tuple:
        return (self.state.month, self.state.version)

    # --- loading ----------------------------------------------------------------------

    def refresh_for(self, kinds: frozenset) -> None:
        # Every kind touches results: roster, incidents, months, standards, settings (grades, first month).
        if ALL <= kinds:
            self.loader.clear()  # a restore: even a closed month may be another one now
        self._load()

    def refresh(self) -> None:
        """Read everything again now, cache or not (data changed without a notify)."""
        self.loader.clear()
        self._pending.clear()
        self._load()

    def _load(self) -> None:
        key = self.key()
        parts = self.loader.cached(key)
        if FIGURES in parts:
            self._show_figures(key, parts[FIGURES])
            for part in (DETAILS, CHART):
                if part in parts:
                    self._apply(key, part, parts[part])
        else:
            same_month = self.figures is not None and self.figures.month == key[0]
            if not same_month:
                self._clear()
            self.busyLabel.setText("正在更新……" if same_month else f"正在计算 {key[0]} 的结果……")
        if not self.loader.complete(key):
            self.loader.request(key)

    def is_current(self, parts=(FIGURES,)) -> bool:
        """Do the shown figures (and the named parts) belong to the state's month and version?"""
        key = self.key()
        return all(self._applied.get(p) == key for p in parts)

    def wait_until_current(self, timeout_ms: int = 30_000, parts=PARTS) -> bool:
        """Block (processing events) until current; for scripts, and tests without qtbot."""
        if not self.is_current(parts):
            self._pending.clear()
            self._load()
        deadline = QDeadlineTimer(timeout_ms)
        loop = QEventLoop()
        while not self.is_current(parts):
            if deadline.hasExpired():
                return False
            # Sleep in Qt's event loop (the GIL free for the worker); processEvents(flags, ms)
            # in a busy loop beside a Python worker thread crashed PySide6 at exit.
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return True

    def _part_ready(self, key, part: str, payload) -> None:
        if key != self.key():
            return  # an answer for a month or version no longer shown
        if part == FIGURES:
            self._show_figures(key, payload)
            self._resume_on_paint = self.isVisible()
            if not self._resume_on_paint:
                self.loader.resume()
        else:
            self._apply(key, part, payload)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if self._resume_on_paint and event.type() == QEvent.Type.Paint:
            self._resume_on_paint = False
            QTimer.singleShot(0, self, self.loader.resume)  # after this paint
        return super().eventFilter(watched, event)

    def _failed(self, key, message: str) -> None:
        if key == self.key():
            self.error = message
            self.busyLabel.setText("")
            self.warningLabel.setText(f"计算结果时出错：{message}")

    def _clear(self) -> None:
        self.figures, self.details, self.chart_data, self.result = None, None, None, None
        self._applied.clear()
        self.ranking.clear()
        self.people.clear()
        self.incidents.set_rows([])
        self.chart.set_series("", [])
        self.statusLabel.setText("")
        self.codeLabel.setText("")
        self.warningLabel.setText("")
        self._set_buttons(False, False, False)

    def _set_buttons(self, can_close: bool, can_reopen: bool, has_figures: bool) -> None:
        self.closeButton.setEnabled(can_close)
        self.reopenButton.setEnabled(can_reopen)
        for button in (
            self.previewButton, self.printButton, self.exportButton, self.batchButton, self.printAllButton, self.noticeButton
        ):
            button.setEnabled(has_figures)

    def _show_figures(self, key, figures: Figures) -> None:
        selected = self.selected_code() or self._last_code
        if self.figures is None or self.figures.month != figures.month:
            self.details, self.chart_data = None, None  # another month's details would mislead
        self.figures, self.result, self.error = figures, figures.result, ""
        self._applied = {FIGURES: key}
        self.busyLabel.setText("")
        if not figures.evaluated:
            self.ranking.clear()
            self.statusLabel.setText(f"{NOT_EVALUATED}（本中心自 {figures.first_month} 起考评）")
            self.codeLabel.setText("")
            self.warningLabel.setText("")
            self._set_buttons(False, False, False)
            self._window_selected()
            return
        result = figures.result
        self.ranking.set_prepared(figures.ranking)
        fit_columns(self.rankingTable, self.ranking.headers, self.ranking.cells)
        status = figures.status
        if result.closed:
            who = " ".join(str(s) for s in (status.get("closed_at"), status.get("closed_by")) if s)
            self.statusLabel.setText(f"已锁定（{who}）" if who else "已锁定")
        else:
            self.statusLabel.setText("未锁定（草稿）")
        self._set_buttons(not result.closed and bool(result.windows), result.closed, bool(result.windows))
        if not result.windows:
            self.codeLabel.setText("")
        warnings = [f"{w.code} {w.name}：{'、'.join(w.warnings)}" for w in result.windows if w.warnings]
        self.warningLabel.setText("提示：" + "；".join(warnings) if warnings else "")
        if selected:
            self.select_window(selected)
        else:
            self._window_selected()

    def _apply(self, key, part: str, payload) -> None:
        if self._applied.get(FIGURES) != key:
            return
        self._applied[part] = key
        if part == DETAILS:
            self.details = payload
            if self.result is not None and self.result.windows:
                self.codeLabel.setText(f"校验码：{payload.verification_code}")
            self._show_incidents(self.selected_code())
        elif part == CHART:
            self.chart_data = payload
            self._update_chart(self.selected_code())

    # --- the selected window ------------------------------------------------------------

    def selected_code(self) -> str | None:
        indexes = self.rankingTable.selectionModel().selectedRows()
        return self.ranking_proxy.data(indexes[0], CodeRole).code if indexes else None

    def select_window(self, code: str) -> None:
        for row in range(self.ranking_proxy.rowCount()):
            index = self.ranking_proxy.index(row, 0)
            if self.ranking_proxy.data(index, CodeRole).code == code:
                self.rankingTable.selectRow(row)
                return
        self._window_selected()

    def _window_selected(self) -> None:
        code = self.selected_code()
        if code:
            self._last_code = code
        self._show_incidents(code)
        figures = self.figures
        if figures is None or not figures.evaluated:
            self.people.clear()
        elif code:
            self.people.set_prepared(figures.people.rows(lambda p: p.window_code == code))
        else:
            self.people.set_prepared(figures.people)
        fit_columns(self.peopleTable, self.people.headers, self.people.cells)
        self._update_chart(code)

    def _show_incidents(self, code: str | None) -> None:
        rows = self.details.incidents.get(code, []) if (code and self.details is not None) else []
        self.incidents.set_rows(rows)
        # The prepared strings of the incident model (measured, not asked for cell by cell).
        fit_columns(self.windowIncidentTable, self.incidents.headers, getattr(self.incidents, "_cells", []))

    def _update_chart(self, code: str | None) -> None:
        if not code:
            self.chart.set_series("", [])
            return
        year = self.month[:4]
        if self.chart_data is None:
            self.chart.set_series(f"{code} {year} 年各月总分（正在计算……）", [])
        else:
            points = self.chart_data.points(code)
            drafts = "（含草稿）" if any(p.draft for p in points) else ""
            self.chart.set_series(f"{code} {year} 年各月总分{drafts}", points)

    # --- closing -------------------------------------------------------------------

    def close_month(self, confirm: bool = True, remind: bool | None = None) -> bool:
        """Close the shown month. `confirm`: ask first (the 锁定 button); `remind` (default:
        as `confirm`): afterwards, remind to back up to a USB stick if none was made lately."""
        month = self.month
        windows = self.result.windows if self.result is not None else ()
        warnings = [f"{w.code} {w.name}：{'、'.join(w.warnings)}" for w in windows if w.warnings]
        if confirm:
            text = f"锁定 {month} 后，本月结果成为正式结果，不能再修改。"
            if warnings:
                text += "\n\n请先查看以下提示：\n" + "\n".join(warnings)
            if QMessageBox.question(self, "锁定本月", text + "\n\n确定锁定吗？") != QMessageBox.Yes:
                return False
        try:
            # Scoring a busy month takes a while: off the GUI thread, with a progress dialog.
            run_task(self, "锁定本月", f"正在锁定 {month}……", lambda _p, _c: services.close_month(month))
        except (ClosingRefused, InputError, DatabaseBusy) as exc:
            self.warningLabel.setText(f"未锁定：{exc}")
            if confirm:
                QMessageBox.warning(self, "不能锁定", str(exc))
            return False
        self.state.notify(MONTHS)
        if confirm if remind is None else remind:
            self.remind_backup(month)
        return True

    def remind_backup(self, month: str) -> QMessageBox | None:
        """After closing: no backup to a USB stick since the close before (or ever, or for a
        week)? Offer 现在备份 / 稍后 (window-modal, not blocking)."""
        from .custody_dialogs import backup_reminder

        try:
            why = backup_reminder()
        except Exception:  # noqa: BLE001 - a reminder never spoils a finished close
            return None
        if not why:
            return None
        box = QMessageBox(QMessageBox.Information, "备份提醒", f"{month} 已锁定。", QMessageBox.NoButton, self)
        box.setInformativeText(why)
        now = box.addButton("现在备份", QMessageBox.AcceptRole)
        later = box.addButton("稍后", QMessageBox.RejectRole)
        box.setDefaultButton(now)
        box.setEscapeButton(later)
        box.setAttribute(Qt.WA_DeleteOnClose)

        def answered(_result: int) -> None:
            if box.clickedButton() is now:
                # After the box's own signals have returned: the backup runs a nested event
                # loop, which must not delete the box (WA_DeleteOnClose) under its emit.
                QTimer.singleShot(0, self, self.backup_requested.emit)

        box.finished.connect(answered)
        self.backup_reminder = box
        box.open()
        return box

    def reopen_month(self, reason: str | None = None) -> bool:
        interactive = reason is None
        if interactive:
            reason, ok = QInputDialog.getText(self, "重新开放", f"重新开放 {self.month}，请填写理由（将记入操作日志）：")
            if not ok:
                return False
        try:
            services.reopen_month(self.month, reason)
        except InputError as exc:
            self.warningLabel.setText(f"未重新开放：{exc}")
            if interactive:
                QMessageBox.warning(self, "不能重新开放", str(exc))
            return False
        self.state.notify(MONTHS)
        return True

    # --- documents -----------------------------------------------------------------

    def _document_args(self, kind: str | None) -> tuple[str, str, str | None]:
        kind = kind or self.documentCombo.currentData()
        if kind != DOC_YEAR and self.figures is not None and not self.figures.evaluated:
            raise InputError(f"{self.month} {NOT_EVALUATED}，没有可打印的结果")
        code = self.selected_code()
        if code is None and self.result is not None and self.result.windows:
            code = self.result.windows[0].code
        return kind, self.month, code

    def document_pdf(self, kind: str | None = None, folder: Path | None = None) -> Path:
        """Write the chosen document for this month into a temporary (or given) folder."""
        kind, month, code = self._document_args(kind)
        return write_document(kind, month, code, Path(folder or tempfile.mkdtemp(prefix="kaoping-print-")))

    def _document_in_worker(self, kind: str | None = None) -> Path:
        kind, month, code = self._document_args(kind)
        folder = Path(tempfile.mkdtemp(prefix="kaoping-print-"))
        return run_task(self, "打印", "正在生成文档……", lambda _p, _c: write_document(kind, month, code, folder))

    def preview_dialog(self, kind: str | None = None):
        from .printing import preview_dialog

        path = self.document_pdf(kind)
        return preview_dialog(self, path, self.documentCombo.currentText())

    def preview(self) -> None:
        from .printing import preview_dialog

        try:
            path = self._document_in_worker()
        except InputError as exc:
            QMessageBox.warning(self, "打印预览", str(exc))
            return
        preview_dialog(self, path, self.documentCombo.currentText()).exec()

    def print_document(self) -> None:
        from .printing import PrintCancelled, print_pdf

        try:
            print_pdf(self, self._document_in_worker(), self.documentCombo.currentText())
        except PrintCancelled as exc:
            self.warningLabel.setText(str(exc))
        except InputError as exc:
            QMessageBox.warning(self, "打印", str(exc))

    # --- the month's sheets as one document ------------------------------------------

    def print_all(self):
        """打印本月全部评分表: ask what goes in and whether to print or save (window-modal)."""
        from .print_all_dialog import PRINT, PrintAllDialog

        windows = len(self.result.windows) if self.result is not None else 0
        dialog = PrintAllDialog(self, self.month, windows)
        dialog.setAttribute(Qt.WA_DeleteOnClose)

        def chosen(_result: int) -> None:
            choice, summary, staff = dialog.choice, dialog.include_summary, dialog.include_staff
            if choice is None:
                return
            # Once the dialog's signals have returned: the work runs a nested event loop,
            # which must not delete the dialog (WA_DeleteOnClose) under its emit.
            if choice == PRINT:
                QTimer.singleShot(0, self, lambda: self.print_month_book(summary, staff))
            else:
                QTimer.singleShot(0, self, lambda: self.save_month_book(None, summary, staff))

        dialog.finished.connect(chosen)
        self.print_all_dialog = dialog
        dialog.open()
        return dialog

    def _write_month_book(self, path: Path, include_summary: bool, include_staff: bool) -> Path:
        from ..services import exports

        month = self.month
        return run_task(
            self, "全部评分表", f"正在生成 {month} 的全部评分表……",
            lambda progress, cancelled: exports.export_month_book(
                month, path, include_summary, include_staff, progress, cancelled
            ),
            cancellable=True,
        )

    def save_month_book(self, path: str | Path | None = None, include_summary: bool = True, include_staff: bool = True) -> Path | None:
        """The merged document as one PDF (asks for the file unless given)."""
        from ..services import exports

        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "保存为PDF", f"{self.month}_全部评分表.pdf", "PDF 文件 (*.pdf)"
            )
            if not path:
                return None
        path = Path(path)
        try:
            written = self._write_month_book(path, include_summary, include_staff)
        except exports.ExportCancelled as exc:
            self.warningLabel.setText(str(exc))
            return None
        except OSError as exc:
            QMessageBox.warning(self, "保存失败", f"无法写入 {path}：{exc}")
            return None
        except InputError as exc:
            QMessageBox.warning(self, "全部评分表", str(exc))
            return None
        self.warningLabel.setText(f"已保存：{written}")
        return written

    def print_month_book(self, include_summary: bool = True, include_staff: bool = True, printer=None) -> int:
        """Write the merged document, then print it page by page (asks for the printer
        unless given); returns the pages printed."""
        from ..services import exports
        from .printing import PrintCancelled, ask_printer, print_pdf

        title = f"{self.month} 全部评分表"
        printer = printer or ask_printer(self, title)  # before the long work, which a cancel would waste
        if printer is None:
            return 0
        folder = Path(tempfile.mkdtemp(prefix="kaoping-print-"))
        try:
            book = self._write_month_book(folder / f"{self.month}_全部评分表.pdf", include_summary, include_staff)
            pages = print_pdf(self, book, title, printer)
        except (exports.ExportCancelled, PrintCancelled) as exc:
            self.warningLabel.setText(str(exc))
            return 0
        except InputError as exc:
            QMessageBox.warning(self, "打印", str(exc))
            return 0
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # spooled by now; a month's book is megabytes
        self.warningLabel.setText(f"已送打印：{title}，共 {pages} 页")
        return pages

    # --- the 通报 ----------------------------------------------------------------------

    def notice_file_name(self) -> str:
        year, month = self.month.split("-")
        return f"关于{year}年{int(month)}月窗口月度考评情况的通报.docx"

    def export_notice(self, path: str | Path | None = None) -> Path | None:
        """生成通报（Word）: the 通报 draft of the shown month (asks for the file unless given)."""
        from ..services import notice

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "生成通报（Word）", self.notice_file_name(), "Word 文档 (*.docx)")
            if not path:
                return None
        path, month = Path(path), self.month
        try:
            written = run_task(self, "生成通报", f"正在生成 {month} 的通报……", lambda _p, _c: notice.export_notice(month, path))
        except OSError as exc:
            QMessageBox.warning(self, "生成通报", f"无法写入 {path}：{exc}")
            return None
        except InputError as exc:
            QMessageBox.warning(self, "生成通报", str(exc))
            return None
        self.warningLabel.setText(f"已生成通报：{written}")
        return written

    # --- 核验校验码 --------------------------------------------------------------------

    def open_verify_dialog(self):
        from .verify_dialog import VerifyDialog

        dialog = VerifyDialog(self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.verify_dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, folder: str | Path | None = None, pdf_only: bool = False) -> list[Path]:
        """Every window sheet, the summary and the staff sheet (and the workbook) into a folder."""
        from ..services import exports

        folder = self._export_folder(folder)
        if folder is None:
            return []
        month = self.month
        xlsx = None if pdf_only else folder / f"{month}_月度考评.xlsx"
        return self._export(
            "导出",
            f"正在导出 {month} 的评分表……",
            folder,
            lambda progress, cancelled: exports.export_month(month, folder, xlsx, progress, cancelled),
        )

    def export_year(self, folder: str | Path | None = None) -> list[Path]:
        from ..services import exports

        folder = self._export_folder(folder)
        if folder is None:
            return []
        year = int(self.month[:4])
        return self._export(
            "年度汇总",
            f"正在导出 {year} 年度汇总……",
            folder,
            lambda progress, cancelled: exports.export_year(
                year, folder / f"{year}_年度汇总.pdf", folder / f"{year}_年度汇总.xlsx", progress, cancelled
            ),
        )

    def _export_folder(self, folder: str | Path | None) -> Path | None:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "选择导出文件夹")
        return Path(folder) if folder else None

    def _export(self, title: str, label: str, folder: Path, work) -> list[Path]:
        """Run an export off the GUI thread (cancellable); every refusal is said in the tab or a box."""
        from ..services import exports

        try:
            paths = run_task(self, title, label, work, cancellable=True)
        except exports.ExportCancelled as exc:
            self.warningLabel.setText(str(exc))
            return []
        except OSError as exc:
            QMessageBox.warning(self, "导出失败", f"无法写入 {folder}：{exc}")
            return []
        except InputError as exc:
            QMessageBox.warning(self, title, str(exc))
            return []
        self.warningLabel.setText(f"已导出 {len(paths)} 个文件到 {folder}")
        return paths

    # --- leaving --------------------------------------------------------------------

    def stop_work(self, msecs: int = -1) -> bool:
        """Let the worker finish (before the database file is closed or replaced)."""
        return self.loader.stop(msecs)
