"""Exporting a month or a year to PDF sheets and Excel workbooks.

The database must already be open (services.open_app_database). Data comes
from the store and the month's results (official snapshot of a closed month,
live results otherwise); kaoping_desktop.reports lays it out.

Every file is written under a temporary name in its target folder and then
moved into place with os.replace, so a cancel or an error never leaves a
half-written file behind. No Qt here: the window runs this in a worker and
passes `progress` and `cancelled`.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from ..domain.calendar import parse_month
from ..reports import pdf, xlsx
from ..reports.data import MonthReport, YearReport, build_month_report, build_year_report
from .errors import InputError
from ..domain.evidence_chain import STAFF_SHEET, SUMMARY, WINDOW_SHEET, WORKBOOK, YEAR, DocumentKey
from . import custody
from .months import (
    month_content_hash,
    month_incidents,
    month_labels,
    month_results,
    month_verification_code,
    year_results,
)
from .settings import signature_titles
from ..store import catalogue, repository

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

WINDOW_SHEET_SUFFIX = "窗口评分表"
SUMMARY_SUFFIX = "月度汇总"
STAFF_SUFFIX = "人员得分表"


class ExportCancelled(Exception):
    """The user cancelled; the files already written in this export were removed."""

    def __init__(self, message: str = "导出已取消，本次已生成的文件已删除"):
        super().__init__(message)


# --- gathering --------------------------------------------------------------------


def month_report(month: str, generated_at: datetime | None = None) -> MonthReport:
    """Everything the month's sheets print, read from the open database."""
    month = parse_month(month)
    result = month_results(month)
    _, people, _ = repository.load_roster()
    return build_month_report(
        result,
        month_incidents(month),
        catalogue.load_standard_set(),
        catalogue.load_evidence(),
        people,
        repository.get_setting("center_name") or "",
        signature_titles(),
        generated_at,
        content_hash=month_content_hash(month, result),
        labels=month_labels(month),
    )


def year_report(year: int | str, generated_at: datetime | None = None) -> YearReport:
    """The year from its closed months, with its open months' live results as drafts."""
    official = year_results(year)
    settings = repository.scoring_settings()
    with_incidents = repository.incident_months(date(official.year, 1, 1), date(official.year, 12, 31))
    # Open months where something was entered (or that were closed once): drafts.
    open_months = [
        m
        for m in (f"{official.year:04d}-{n:02d}" for n in range(1, 13))
        if m not in official.months and settings.evaluates(m) and (m in with_incidents or repository.month_row(m) is not None)
    ]
    drafts = {m: month_results(m) for m in open_months}
    return build_year_report(
        official,
        drafts,
        {m: month_content_hash(m) for m in official.months},
        settings.annual_awards,
        repository.get_setting("center_name") or "",
        signature_titles()[YEAR],
        generated_at,
    )


# --- writing ----------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def safe_name(text: str) -> str:
    """A window code as part of a file name on Windows and Linux."""
    return _UNSAFE.sub("_", text).strip("._") or "_"


def write_atomically(target: Path, write: Callable[[Path], object]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        try:
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the result is an ordinary file
        except OSError:
            pass
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


class _Batch:
    """Writes jobs one by one; reports progress; on cancel removes what it wrote."""

    def __init__(self, jobs: list[tuple[Path, Callable[[Path], object]]], progress: Progress | None, cancelled: Cancelled | None):
        self.jobs = jobs
        self.progress = progress
        self.cancelled = cancelled
        self.written: list[Path] = []

    def _rollback(self) -> None:
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written.clear()

    def run(self) -> list[Path]:
        total = len(self.jobs)
        if self.progress:
            self.progress(0, total)
        for done, (target, write) in enumerate(self.jobs, start=1):
            if self.cancelled and self.cancelled():
                self._rollback()
                raise ExportCancelled()
            self.written.append(write_atomically(target, write))
            if self.progress:
                self.progress(done, total)
        return list(self.written)


def month_pdf_names(report: MonthReport) -> dict[str, str]:
    """File name of every PDF of the month: window code -> name, plus "summary" and "staff"."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for w in sorted(report.result.windows, key=lambda x: x.code):
        name = f"{report.month}_{safe_name(w.code)}_{WINDOW_SHEET_SUFFIX}.pdf"
        n = 2
        while name.lower() in used:  # two codes that only differ in unsafe characters
            name = f"{report.month}_{safe_name(w.code)}-{n}_{WINDOW_SHEET_SUFFIX}.pdf"
            n += 1
        used.add(name.lower())
        names[w.code] = name
    names["summary"] = f"{report.month}_{SUMMARY_SUFFIX}.pdf"
    names["staff"] = f"{report.month}_{STAFF_SUFFIX}.pdf"
    return names


def export_month(
    month: str,
    pdf_dir: str | Path | None = None,
    xlsx_file: str | Path | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[Path]:
    """Write the month's window sheets, summary and staff sheet into pdf_dir, and its workbook.

    Returns the paths written. Raises ExportCancelled (after removing this
    export's files) when `cancelled()` turns true between two files.
    """
    report = month_report(month)
    if not report.result.evaluated:
        raise InputError(f"{report.month} 早于开始考评月份，未纳入考评，没有可导出的结果")
    jobs: list[tuple[Path, Callable[[Path], object]]] = []
    issued: list[DocumentKey] = []
    if pdf_dir is not None:
        folder = Path(pdf_dir)
        folder.mkdir(parents=True, exist_ok=True)
        names = month_pdf_names(report)
        for w in sorted(report.result.windows, key=lambda x: x.code):
            jobs.append((folder / names[w.code], lambda p, code=w.code: pdf.write_window_sheet(p, report, code)))
            issued.append(DocumentKey(WINDOW_SHEET, report.month, w.code))
        jobs.append((folder / names["summary"], lambda p: pdf.write_month_summary(p, report)))
        jobs.append((folder / names["staff"], lambda p: pdf.write_staff_sheet(p, report)))
        issued += [DocumentKey(SUMMARY, report.month), DocumentKey(STAFF_SHEET, report.month)]
    if xlsx_file is not None:
        jobs.append((Path(xlsx_file), lambda p: xlsx.write_month_workbook(p, report)))
        issued.append(DocumentKey(WORKBOOK, report.month))
    written = _Batch(jobs, progress, cancelled).run()
    codes = {key: report.code_for(key.document, key.window_code) for key in issued}
    custody.record_export(report.month, written, codes, report.content_hash)
    return written


def export_month_book(
    month: str,
    pdf_file: str | Path,
    include_summary: bool = True,
    include_staff: bool = True,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Every window sheet of the month, then optionally the summary and the staff sheet, as
    one PDF (one print job): page numbers restart with each sheet, each page carries its own
    sheet's code, and those codes are registered as export_month registers them.

    `progress(done, total)` counts sheets; `cancelled()` is asked before each sheet, and
    when it turns true nothing is left behind (ExportCancelled)."""
    report = month_report(month)
    if not report.result.evaluated:
        raise InputError(f"{report.month} 早于开始考评月份，未纳入考评，没有可导出的结果")
    documents = pdf.month_book_documents(report, include_summary, include_staff)
    if not documents:
        raise InputError(f"{report.month} 没有窗口考评结果，没有可打印的评分表")

    def on_sheet(done: int, total: int) -> None:
        if cancelled and cancelled():
            raise ExportCancelled()
        if progress:
            progress(done, total)

    target = write_atomically(
        Path(pdf_file), lambda p: pdf.write_month_book(p, report, include_summary, include_staff, on_sheet)
    )
    if progress:
        progress(len(documents), len(documents))
    codes = {DocumentKey(d, report.month, code): report.code_for(d, code) for d, code in documents}
    custody.record_export(report.month, [target], codes, report.content_hash)
    return target


def export_year(
    year: int | str,
    pdf_file: str | Path | None = None,
    xlsx_file: str | Path | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[Path]:
    """Write the annual summary as a PDF and/or a workbook (sheet 年度汇总)."""
    report = year_report(year)
    jobs: list[tuple[Path, Callable[[Path], object]]] = []
    if pdf_file is not None:
        jobs.append((Path(pdf_file), lambda p: pdf.write_annual_summary(p, report)))
    if xlsx_file is not None:
        jobs.append((Path(xlsx_file), lambda p: xlsx.write_year_workbook(p, report)))
    written = _Batch(jobs, progress, cancelled).run()
    custody.record_export(str(report.year), written, {DocumentKey(YEAR, str(report.year)): report.code}, report.content_hash)
    return written


__all__ = [
    "ExportCancelled",
    "export_month",
    "export_month_book",
    "export_year",
    "month_pdf_names",
    "month_report",
    "month_verification_code",
    "year_report",
]
