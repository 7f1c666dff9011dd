"""Excel exports (openpyxl): a month's workbook and a year's summary.

Scores go into cells as numbers rounded half up to two decimals (the exact
value is rounded as a Decimal; only that result becomes a float) with the
number format 0.00. Text that a spreadsheet would take for a formula is
escaped. Headers are bold and frozen; sheets print on A4, fitted to the page
width.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.evidence_chain import WORKBOOK
from ..domain.numbers import round_half_up
from ..domain.standards import STAFF, WINDOW
from .data import DISQUALIFIED, RED_FLAG, MonthReport, YearReport, month_label

from ..domain.cells import escape_formula

SCORE_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
KIND_TEXT = {WINDOW: "窗口", STAFF: "人员"}


def escape(value):
    return escape_formula(value)


class Score:
    """Marks a value to be written as a rounded score."""

    __slots__ = ("value",)

    def __init__(self, value: Fraction | None):
        self.value = value


def _put(ws: Worksheet, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Score):
        if value.value is None:
            return
        cell.value = float(round_half_up(Fraction(value.value)))
        cell.number_format = SCORE_FORMAT
    elif isinstance(value, bool):
        cell.value = "是" if value else ""
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int):
        cell.value = value
    elif value is None:
        return
    else:
        cell.value = escape(str(value))
        cell.number_format = "@"


def _sheet(wb: Workbook, title: str, header: list[str], rows: Iterable[list], widths: list[float]) -> Worksheet:
    ws = wb.create_sheet(title)
    for col, text in enumerate(header, start=1):
        cell = ws.cell(row=1, column=col, value=escape(text))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            _put(ws, r, c, value)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _print_setup(ws)
    return ws


def _print_setup(ws: Worksheet, landscape: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _save(wb: Workbook, path: str | Path) -> Path:
    path = Path(path)
    default = wb["Sheet"] if "Sheet" in wb.sheetnames else None
    if default is not None and len(wb.sheetnames) > 1:
        wb.remove(default)
    wb.save(str(path))
    return path


# --- the month --------------------------------------------------------------------

MONTH_SHEETS = ("汇总", "窗口得分", "人员得分", "扣分明细")


def month_workbook(report: MonthReport) -> Workbook:
    result = report.result
    wb = Workbook()

    # 汇总: what the month is, in two columns
    totals = [w.total for w in result.windows]
    summary = [
        ["中心名称", report.center_name],
        ["考评月份", month_label(report.month)],
        ["结果状态", report.status_text],
        ["参评窗口数", len(result.windows)],
        ["参评人员数", len({p.person_id for p in result.people})],
        ["窗口平均分", Score(sum(totals, Fraction(0)) / len(totals) if totals else None)],
        ["窗口最高分", Score(max(totals) if totals else None)],
        ["窗口最低分", Score(min(totals) if totals else None)],
        [RED_FLAG, "、".join(f"{w.code} {w.name}" for w in result.windows if w.red_flag) or "无"],
        [f"{DISQUALIFIED}窗口", "、".join(f"{w.code} {w.name}" for w in result.windows if w.disqualified) or "无"],
        ["扣分记录数", len(report.incidents)],
        ["校验码", report.code_for(WORKBOOK)],
        ["生成时间", f"{report.generated_at:%Y-%m-%d %H:%M:%S}"],
    ]
    ws = _sheet(wb, "汇总", ["项目", "内容"], summary, [16, 60])
    _print_setup(ws, landscape=False)

    # 窗口得分: by rank
    cats = report.window_categories()
    header = [
        "排名",
        "窗口编号",
        "窗口名称",
        "进驻部门",
        "首席代表",
        "首席代表基础分",
        "工作人员基础分",
        *[f"{c.code} {c.name}" for c in cats],
        "总分",
        "等次",
        RED_FLAG,
        DISQUALIFIED,
        "提示",
    ]
    rows = [
        [
            w.rank,
            w.code,
            w.name,
            w.department,
            "、".join(report.chief_names(w)),
            Score(w.chief_component),
            Score(w.staff_component),
            *[Score(w.categories.get(c.code, Fraction(0))) for c in cats],
            Score(w.total),
            w.grade,
            w.red_flag,
            w.disqualified,
            "；".join(w.warnings),
        ]
        for w in result.windows
    ]
    _sheet(wb, "窗口得分", header, rows, [6, 10, 22, 22, 12, 10, 10, *[10] * len(cats), 9, 8, 9, 9, 24])

    # 人员得分: by window code, then id
    staff_cats = report.staff_categories()
    names = {w.code: w.name for w in result.windows}
    header = [
        "窗口编号",
        "窗口名称",
        "工号",
        "姓名",
        "身份",
        *[f"{c.code} {c.name}" for c in staff_cats],
        "首席分担",
        "得分",
    ]
    rows = [
        [
            p.window_code,
            names.get(p.window_code, ""),
            p.person_id,
            p.name,
            p.role,
            *[Score(p.deductions.get(c.code, Fraction(0))) for c in staff_cats],
            Score(p.chief_share),
            Score(p.score),
        ]
        for p in result.people
    ]
    _sheet(wb, "人员得分", header, rows, [10, 22, 12, 12, 13, *[11] * len(staff_cats), 10, 9])

    # 扣分明细
    header = [
        "日期",
        "窗口编号",
        "窗口名称",
        "标准",
        "条款",
        "条款内容",
        "情形",
        "次数",
        "评定依据",
        "依据说明",
        "工号",
        "姓名",
        "窗口扣分",
        "首席扣分",
        "个人扣分",
        "备注",
    ]
    rows = [
        [
            r.date,
            r.window_code,
            r.window_name,
            KIND_TEXT.get(r.kind, r.kind),
            r.clause_code,
            r.clause_text,
            r.variant,
            r.count,
            r.evidence_name,
            r.reference,
            r.person_id or "",
            r.person_name,
            Score(r.window_points),
            Score(r.chief_points),
            Score(r.person_points),
            r.note,
        ]
        for r in report.incidents
    ]
    _sheet(wb, "扣分明细", header, rows, [11, 9, 20, 6, 7, 40, 12, 6, 18, 18, 10, 10, 9, 9, 9, 20])
    return wb


def write_month_workbook(path: str | Path, report: MonthReport) -> Path:
    return _save(month_workbook(report), path)


# --- the year --------------------------------------------------------------------

YEAR_SHEET = "年度汇总"


def year_workbook(report: YearReport) -> Workbook:
    wb = Workbook()
    months = list(report.months)
    header = [
        "窗口编号",
        "窗口名称",
        "进驻部门",
        *[month_label(m) for m in months],
        "平均分",
        "最高分",
        "最低分",
        "红旗窗口次数",
        "红旗窗口月份",
        DISQUALIFIED,
        "取消评优起始月份",
    ]
    rows = [
        [
            r.code,
            r.name,
            r.department,
            *[Score(r.totals.get(m)) for m in months],
            Score(r.mean),
            Score(r.best),
            Score(r.worst),
            r.red_flag_count,
            "、".join(month_label(m) for m in r.red_flag_months),
            r.disqualified,
            month_label(r.disqualified_from) if r.disqualified_from else "",
        ]
        for r in report.rows
    ]
    ws = _sheet(wb, YEAR_SHEET, header, rows, [10, 22, 22, *[11] * len(months), 9, 9, 9, 8, 24, 9, 14])
    foot = ws.max_row + 2
    ws.cell(row=foot, column=1, value="结果状态")
    ws.cell(row=foot, column=2, value=report.status_text)
    ws.cell(row=foot + 1, column=1, value="校验码")
    ws.cell(row=foot + 1, column=2, value=report.code)
    ws.cell(row=foot + 2, column=1, value="生成时间")
    ws.cell(row=foot + 2, column=2, value=f"{report.generated_at:%Y-%m-%d %H:%M:%S}")
    return wb


def write_year_workbook(path: str | Path, report: YearReport) -> Path:
    return _save(year_workbook(report), path)


__all__ = [
    "MONTH_SHEETS",
    "YEAR_SHEET",
    "escape",
    "month_workbook",
    "write_month_workbook",
    "write_year_workbook",
    "year_workbook",
]
