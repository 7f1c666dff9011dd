"""月度结果: ranking, the selected window's incidents and people, closing, printing."""

from __future__ import annotations

import tempfile
from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QVBoxLayout, QWidget

from .. import services
from ..domain.numbers import display
from ..domain.standards import WINDOW
from ..reports import pdf
from ..services import catalogue as rules
from ..services import exports
from ..services import incidents as incident_service
from ..services.errors import ClosingRefused, InputError
from .incident_models import IncidentFilter, IncidentTableModel
from .month_picker import MonthPicker
from .results_models import CodeRole, PeopleModel, RankingModel, sorting_proxy
from .uiload import load_into

DOC_WINDOW, DOC_SUMMARY, DOC_STAFF, DOC_YEAR = "window", "summary", "staff", "year"


class TotalsChart(QWidget):
    """A window's monthly totals through the year, drawn with QPainter (no QtCharts in Essentials)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumHeight(160)
        self.title = ""
        self.points: list[tuple[int, Fraction]] = []  # (month 1..12, total)

    def set_series(self, title: str, points: list[tuple[int, Fraction]]) -> None:
        self.title, self.points = title, points
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        rect = QRectF(self.rect()).adjusted(40, 24, -16, -24)
        painter.fillRect(self.rect(), QColor("white"))
        painter.drawText(QRectF(0, 2, self.width(), 20), Qt.AlignCenter, self.title or "请选择窗口")
        low = 60
        painter.setPen(QPen(QColor("#cccccc")))
        for value in (60, 70, 80, 90, 100):
            y = rect.bottom() - (value - low) / (100 - low) * rect.height()
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            painter.drawText(QRectF(0, y - 8, 36, 16), Qt.AlignRight | Qt.AlignVCenter, str(value))
        step = rect.width() / 11
        for month in range(1, 13):
            x = rect.left() + (month - 1) * step
            painter.drawText(QRectF(x - 15, rect.bottom() + 4, 30, 16), Qt.AlignCenter, f"{month}月")
        if not self.points:
            return
        painter.setPen(QPen(QColor("#1f4e79"), 2))
        previous = None
        for month, total in self.points:
            value = max(low, min(100, total))
            point = QPointF(rect.left() + (month - 1) * step, rect.bottom() - float(value - low) / (100 - low) * rect.height())
            if previous is not None:
                painter.drawLine(previous, point)
            painter.drawEllipse(point, 3, 3)
            painter.drawText(QRectF(point.x() - 25, point.y() - 20, 50, 16), Qt.AlignCenter, display(total))
            previous = point


class ResultsTab(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        load_into(self, "results_tab.ui")
        self.month_picker = MonthPicker.inside(self.monthHolder)
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
        self.chart = TotalsChart(self.chartHolder)
        layout = QVBoxLayout(self.chartHolder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chart)
        documents = (("所选窗口评分表", DOC_WINDOW), ("月度汇总（通报）", DOC_SUMMARY), ("人员得分表", DOC_STAFF), ("年度汇总", DOC_YEAR))
        for text, key in documents:
            self.documentCombo.addItem(text, key)
        self.result = None
        self._people_all = []

        self.month_picker.monthChanged.connect(lambda _m: self.refresh())
        self.rankingTable.selectionModel().selectionChanged.connect(lambda *_: self._window_selected())
        self.closeButton.clicked.connect(lambda: self.close_month())
        self.reopenButton.clicked.connect(lambda: self.reopen_month())
        self.previewButton.clicked.connect(lambda: self.preview())
        self.printButton.clicked.connect(self.print_document)
        self.exportButton.clicked.connect(lambda: self.export_to())
        self.batchButton.clicked.connect(lambda: self.export_to(pdf_only=True))
        self.yearButton.clicked.connect(lambda: self.export_year())
        self.refresh()

    @property
    def month(self) -> str:
        return self.month_picker.month()

    def set_month(self, month: str) -> None:
        self.month_picker.set_month(month)

    # --- figures -------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_code()
        month = self.month
        self.result = services.month_results(month)
        names = {c.code: c.name for c in rules.standard_set().for_month(WINDOW, month).categories}
        self.ranking.set_result(self.result, names)
        self.rankingTable.resizeColumnsToContents()
        self._people_all = list(self.result.people)
        self.incidents.set_rows(incident_service.month_incidents(month, include_voided=False))
        status = services.month_status(month)
        if self.result.closed:
            self.statusLabel.setText(f"已锁定（{status.get('closed_at') or ''} {status.get('closed_by') or ''}）".replace("（ ", "（"))
        else:
            self.statusLabel.setText("未锁定（草稿）")
        self.closeButton.setEnabled(not self.result.closed and bool(self.result.windows))
        self.reopenButton.setEnabled(self.result.closed)
        self.codeLabel.setText(f"校验码：{exports.month_verification_code(month, self.result)}" if self.result.windows else "")
        warnings = [f"{w.code} {w.name}：{'、'.join(w.warnings)}" for w in self.result.windows if w.warnings]
        self.warningLabel.setText("提示：" + "；".join(warnings) if warnings else "")
        if selected:
            self.select_window(selected)
        else:
            self._window_selected()

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
        self.incident_filter.set_window(code or "\0")  # nothing selected: no incidents shown
        people = [p for p in self._people_all if p.window_code == code] if code else self._people_all
        self.people.set_people(people)
        self._update_chart(code)

    def _update_chart(self, code: str | None) -> None:
        if not code:
            self.chart.set_series("", [])
            return
        year = int(self.month[:4])
        points = []
        for m in range(1, int(self.month[5:7]) + 1):
            month = f"{year:04d}-{m:02d}"
            result = self.result if month == self.month else services.month_results(month)
            found = next((w for w in result.windows if w.code == code), None)
            if found:
                points.append((m, found.total))
        self.chart.set_series(f"{code} {year} 年各月总分", points)

    # --- closing -------------------------------------------------------------------

    def close_month(self, confirm: bool = True) -> bool:
        month = self.month
        warnings = [f"{w.code} {w.name}：{'、'.join(w.warnings)}" for w in self.result.windows if w.warnings]
        if confirm:
            text = f"锁定 {month} 后，本月结果成为正式结果，不能再修改。"
            if warnings:
                text += "\n\n请先查看以下提示：\n" + "\n".join(warnings)
            if QMessageBox.question(self, "锁定本月", text + "\n\n确定锁定吗？") != QMessageBox.Yes:
                return False
        try:
            services.close_month(month)
        except (ClosingRefused, InputError) as exc:
            self.warningLabel.setText(f"未锁定：{exc}")
            if confirm:
                QMessageBox.warning(self, "不能锁定", str(exc))
            return False
        self._changed()
        return True

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
        self._changed()
        return True

    def _changed(self) -> None:
        self.refresh()
        window = self.window()
        entry = getattr(window, "entry_tab", None)
        if entry is not None and hasattr(entry, "refresh"):
            entry.refresh()

    # --- documents -----------------------------------------------------------------

    def document_pdf(self, kind: str | None = None, folder: Path | None = None) -> Path:
        """Write the chosen document for this month into a temporary (or given) folder."""
        kind = kind or self.documentCombo.currentData()
        folder = Path(folder or tempfile.mkdtemp(prefix="kaoping-print-"))
        if kind == DOC_YEAR:
            year = self.month[:4]
            return pdf.write_annual_summary(folder / f"{year}_年度汇总.pdf", exports.year_report(year))
        report = exports.month_report(self.month)
        if kind == DOC_WINDOW:
            code = self.selected_code() or (self.result.windows[0].code if self.result.windows else None)
            if code is None:
                raise InputError("本月没有窗口可打印")
            return pdf.write_window_sheet(folder / f"{self.month}_{code}.pdf", report, code)
        if kind == DOC_SUMMARY:
            return pdf.write_month_summary(folder / f"{self.month}_汇总.pdf", report)
        return pdf.write_staff_sheet(folder / f"{self.month}_人员.pdf", report)

    def preview_dialog(self, kind: str | None = None):
        from .printing import preview_dialog

        path = self.document_pdf(kind)
        return preview_dialog(self, path, self.documentCombo.currentText())

    def preview(self) -> None:
        try:
            dialog = self.preview_dialog()
        except InputError as exc:
            QMessageBox.warning(self, "打印预览", str(exc))
            return
        dialog.exec()

    def print_document(self) -> None:
        from .printing import print_pdf

        try:
            print_pdf(self, self.document_pdf(), self.documentCombo.currentText())
        except InputError as exc:
            QMessageBox.warning(self, "打印", str(exc))

    def export_to(self, folder: str | Path | None = None, pdf_only: bool = False) -> list[Path]:
        """Every window sheet, the summary and the staff sheet (and the workbook) into a folder."""
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "选择导出文件夹")
            if not folder:
                return []
        from .tasks import run_task

        folder = Path(folder)
        month = self.month
        xlsx = None if pdf_only else folder / f"{month}_月度考评.xlsx"
        try:
            paths = run_task(
                self,
                "导出",
                f"正在导出 {month} 的评分表……",
                lambda progress, cancelled: exports.export_month(month, folder, xlsx, progress, cancelled),
                cancellable=True,
            )
        except exports.ExportCancelled as exc:
            self.warningLabel.setText(str(exc))
            return []
        except OSError as exc:
            QMessageBox.warning(self, "导出失败", f"无法写入 {folder}：{exc}")
            return []
        self.warningLabel.setText(f"已导出 {len(paths)} 个文件到 {folder}")
        return paths

    def export_year(self, folder: str | Path | None = None) -> list[Path]:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "选择导出文件夹")
            if not folder:
                return []
        from .tasks import run_task

        year = int(self.month[:4])
        folder = Path(folder)
        paths = run_task(
            self,
            "年度汇总",
            f"正在导出 {year} 年度汇总……",
            lambda progress, cancelled: exports.export_year(
                year, folder / f"{year}_年度汇总.pdf", folder / f"{year}_年度汇总.xlsx", progress, cancelled
            ),
        )
        self.warningLabel.setText(f"已导出 {len(paths)} 个文件到 {folder}")
        return paths
