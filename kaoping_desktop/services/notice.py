"""The month's 通报 draft in Word (formats.md `export --docx FILE`).

The data is read as the month's sheets read it (exports.month_report: the official
snapshot of a closed month, live results otherwise); domain/notice.py decides
what it says and reports/notice_docx.py lays it out.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..domain.consequences import consequence_clauses
from ..domain.notice import Notice, build_notice, consequence_causes, month_words
from ..reports import notice_docx
from ..reports.data import MonthReport
from ..store import catalogue, repository
from . import custody
from .errors import InputError
from .exports import month_report, write_atomically
from .months import month_labels
from .settings import issuer


def month_notice(month: str, issued_on: date | None = None) -> Notice:
    return _notice(month, issued_on)[0]


def _notice(month: str, issued_on: date | None = None) -> tuple[Notice, MonthReport]:
    report = month_report(month)
    result = report.result
    if not result.evaluated:
        raise InputError(f"{report.month} 早于开始考评月份，未纳入考评，没有可通报的结果")
    if not result.windows:
        raise InputError(f"{month_words(report.month)}没有窗口考评结果，无法生成通报")
    standards = catalogue.load_standard_set()
    # The incidents behind each 取消评优: this month's or an earlier month's of the year.
    hits = repository.consequence_hits(report.month, consequence_clauses(standards))
    causes = consequence_causes(
        report.month,
        hits,
        standards,
        repository.scoring_settings().first_month,
        month_labels(report.month).get("clauses", {}),
    )
    notice = build_notice(result, report.incidents, causes, report.center_name, issuer(), issued_on or date.today())
    return notice, report


def export_notice(month: str, docx_file: str | Path) -> Path:
    """Write the 通报 draft to `docx_file` (under a temporary name, then moved into place)."""
    notice, report = _notice(month)
    path = write_atomically(Path(docx_file), lambda p: notice_docx.write_notice(p, notice))
    custody.record_export(notice.month, [path], {}, report.content_hash)  # the audit log names the file
    return path


__all__ = ["export_notice", "month_notice"]
