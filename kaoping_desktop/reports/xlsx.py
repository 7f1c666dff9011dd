"""Excel exports (openpyxl): a month's workbook and a year's summary, made to print.

Scores go into cells as numbers rounded half up to two decimals (the exact
value is rounded as a Decimal; only that result becomes a float) with the
number format 0.00. Text that a spreadsheet would take for a formula keeps its
characters and gets the cell's quote-prefix style (domain.cells.put_text).

Every sheet is a printed table: a title row merged across it (center, document,
month), a header row with a set height, thin borders, 10 pt text, rows tall
enough for their wrapped text. Column widths are chosen so the sheet fits the
width of an A4 page (landscape when it is wide) at 8 pt or more; the title and
header rows repeat on every page and the footer carries the page numbers, the
status and the verification code.
"""

from __future__ import annotations

import math
import unicodedata
from copy import copy
from datetime import date
from functools import lru_cache
from fractions import Fraction
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.cells import put_text
from ..domain.evidence_chain import WORKBOOK
from ..domain.numbers import round_half_up
from ..domain.standards import STAFF, WINDOW
from .data import DISQUALIFIED, RED_FLAG, MonthReport, YearReport, month_label

SCORE_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
KIND_TEXT = {WINDOW: "窗口", STAFF: "人员"}
DRAFT = "草稿"

# --- page geometry ----------------------------------------------------------------
FONT_NAME = "宋体"
BODY_SIZE = 10
TITLE_SIZE = 16
MIN_PRINTED_PT = 8  # the smallest text size a fitted page may print at
PORTRAIT_MIN_SCALE = 0.9  # a table that needs more shrinking than this turns the page
A4_SHORT_PT, A4_LONG_PT = 595.28, 841.89
SIDE_MARGIN_IN = 0.4
TOP_MARGIN_IN, BOTTOM_MARGIN_IN, HEADER_FOOTER_IN = 0.6, 0.7, 0.3
# A column width is counted in digits of the workbook's default font (Calibri 11,
# 7 px at 96 dpi); a column of width w is w * 7 + 5 px wide.
DIGIT_PX, PADDING_PX, PT_PER_PX = 7, 5, 0.75
LINE_PT = 1.4 * BODY_SIZE  # a CJK line at 10 pt, with the leading of the common CJK faces
MAX_ROW_PT = 409  # Excel's limit
TITLE_ROW, HEADER_ROW = 1, 2
FIRST_ROW = HEADER_ROW + 1

_THIN = Side(style="thin", color="000000")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


class Score:
    """Marks a value to be written as a rounded score (`draft`: an open month's, marked)."""

    __slots__ = ("value", "draft")

    def __init__(self, value: Fraction | None, draft: bool = False):
        self.value = value
        self.draft = draft


def _styles(wb: Workbook) -> dict:
    """The workbook's cell styles, registered once; returns name -> style array to stamp cells with."""
    body = Font(name=FONT_NAME, size=BODY_SIZE)
    middle = Alignment(horizontal="center", vertical="center", wrap_text=True)
    styles = {}
    for style in (
        NamedStyle("kp_title", font=Font(name=FONT_NAME, size=TITLE_SIZE, bold=True), alignment=middle),
        NamedStyle(
            "kp_header",
            font=Font(name=FONT_NAME, size=BODY_SIZE, bold=True),
            fill=PatternFill("solid", fgColor="E6E6E6"),
            border=_GRID,
            alignment=middle,
        ),
        NamedStyle(
            "kp_text",
            font=body,
            border=_GRID,
            alignment=Alignment(vertical="center", wrap_text=True),
            number_format="@",
        ),
        NamedStyle("kp_center", font=body, border=_GRID, alignment=middle),
        NamedStyle("kp_score", font=body, border=_GRID, alignment=middle, number_format=SCORE_FORMAT),
        NamedStyle(
            "kp_draft",
            font=Font(name=FONT_NAME, size=BODY_SIZE, italic=True, color="808080"),
            border=_GRID,
            alignment=middle,
            number_format=SCORE_FORMAT,
        ),
        NamedStyle("kp_date", font=body, border=_GRID, alignment=middle, number_format=DATE_FORMAT),
        NamedStyle("kp_note", font=body, alignment=Alignment(vertical="top", wrap_text=True)),
    ):
        wb.add_named_style(style)
        styles[style.name] = style.as_tuple()
    return styles


def _stamp(cell, styles: dict, name: str) -> None:
    # What `cell.style = name` does, without looking the name up again for each of ~50,000 cells.
    cell._style = copy(styles[name])


@lru_cache(maxsize=4096)  # names and clause texts repeat down a sheet
def _text_units(text: str, size: float = BODY_SIZE) -> float:
    """How many column-width units a line of `text` takes at `size` pt."""
    points = sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.55 for ch in text)
    return points / (DIGIT_PX * PT_PER_PX)


def _lines(text: str, width: float) -> int:
    room = max(1.0, width)  # a column is w * 7 + 5 px: the 5 px are the cell's padding
    if len(text) * _text_units("字") <= room:
        return 1  # short text: one line whatever its characters
    return sum(max(1, math.ceil(_text_units(part) / room)) for part in text.split("\n"))


def _row_height(lines: int) -> float:
    return min(MAX_ROW_PT, round(lines * LINE_PT + 4, 1))


def table_points(widths: Iterable[float]) -> float:
    """The printed width of columns of these widths, at 100 %."""
    return sum(w * DIGIT_PX + PADDING_PX for w in widths) * PT_PER_PX


def _put(ws: Worksheet, styles: dict, row: int, col: int, value) -> str:
    """Write one table cell; returns the text it shows (for the row height)."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Score):
        _stamp(cell, styles, "kp_draft" if value.draft else "kp_score")
        if value.value is not None:
            cell.value = float(round_half_up(Fraction(value.value)))
        return ""
    if isinstance(value, bool):
        _stamp(cell, styles, "kp_center")
        cell.value = "是" if value else None
        return ""
    if isinstance(value, date):
        _stamp(cell, styles, "kp_date")
        cell.value = value
        return ""
    if isinstance(value, int):
        _stamp(cell, styles, "kp_center")
        cell.value = value
        return ""
    _stamp(cell, styles, "kp_text")
    if value is None or value == "":
        return ""
    text = str(value)
    put_text(cell, text)
    return text


def _sheet(
    wb: Workbook,
    styles: dict,
    name: str,
    title: str,
    header: list[str],
    rows: Iterable[list],
    widths: list[float],
    footer: tuple[str, str],
) -> Worksheet:
    """A printed table: title row, header row, bordered rows; `footer`: (status, code)."""
    ws = wb.create_sheet(name)
    last_col = get_column_letter(len(header))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width

    cell = ws.cell(row=TITLE_ROW, column=1)
    cell.style = "kp_title"
    put_text(cell, title)
    ws.merge_cells(f"A{TITLE_ROW}:{last_col}{TITLE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = TITLE_SIZE * 2

    lines = 1
    for col, text in enumerate(header, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col)
        cell.style = "kp_header"
        put_text(cell, text)
        lines = max(lines, _lines(text, widths[col - 1]))
    ws.row_dimensions[HEADER_ROW].height = _row_height(lines)

    for r, row in enumerate(rows, start=FIRST_ROW):
        lines = 1
        for c, value in enumerate(row, start=1):
            text = _put(ws, styles, r, c, value)
            if text:
                lines = max(lines, _lines(text, widths[c - 1]))
        ws.row_dimensions[r].height = _row_height(lines)

    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"
    _print_setup(ws, widths, *footer)
    return ws


def _notes(ws: Worksheet, lines: list[tuple[str, str]], widths: list[float]) -> None:
    """Lines under the table (label, text), the text merged across the rest of the width."""
    row = ws.max_row + 2
    for label, text in lines:
        for col, value in ((1, label), (2, text)):
            cell = ws.cell(row=row, column=col)
            cell.style = "kp_note"
            put_text(cell, value)
        if len(widths) > 2:
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(widths))
        ws.row_dimensions[row].height = _row_height(_lines(text, sum(widths[1:])))
        row += 1


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")  # & starts a code in header/footer text


def _print_setup(ws: Worksheet, widths: list[float], status: str, code: str) -> None:
    """A4; landscape when the table would shrink below 90 % on a portrait page; fitted to the page width
    only when that keeps the 10 pt text at 8 pt or more (else it prints at 100 % across pages)."""
    table = table_points(widths)
    room = A4_SHORT_PT - 2 * SIDE_MARGIN_IN * 72
    landscape = table * PORTRAIT_MIN_SCALE > room
    if landscape:
        room = A4_LONG_PT - 2 * SIDE_MARGIN_IN * 72
    scale = min(1.0, room / table)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    if BODY_SIZE * scale >= MIN_PRINTED_PT:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    margins = ws.page_margins
    margins.left = margins.right = SIDE_MARGIN_IN
    margins.top, margins.bottom = TOP_MARGIN_IN, BOTTOM_MARGIN_IN
    margins.header = margins.footer = HEADER_FOOTER_IN
    size = "&9"  # 9 pt footer text
    ws.oddFooter.left.text = size + _footer_text(status)
    ws.oddFooter.center.text = size + "第 &P 页，共 &N 页"
    if code:
        ws.oddFooter.right.text = size + _footer_text(f"校验码 {code}")


def _new_workbook() -> tuple[Workbook, dict]:
    wb = Workbook()
    return wb, _styles(wb)


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
    wb, styles = _new_workbook()
    heading = f"{report.center_name}{month_label(report.month)}"
    footer = (report.status_text, report.code_for(WORKBOOK))

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
    _sheet(wb, styles, "汇总", f"{heading}窗口考评汇总", ["项目", "内容"], summary, [16, 60], footer)

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
    widths = [5, 8, 17, 14, 8, 8, 8, *[7] * len(cats), 7, 5, 5, 5, 20]
    _sheet(wb, styles, "窗口得分", f"{heading}窗口得分表", header, rows, widths, footer)

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
    widths = [8, 17, 8, 9, 12, *[8] * len(staff_cats), 8, 7]
    _sheet(wb, styles, "人员得分", f"{heading}人员得分表", header, rows, widths, footer)

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
            r.evidence_text,
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
    widths = [11.5, 8, 14, 5, 6, 24, 10, 5, 13, 12, 8, 8, 8, 8, 8, 12]
    _sheet(wb, styles, "扣分明细", f"{heading}扣分明细表", header, rows, widths, footer)
    return wb


def write_month_workbook(path: str | Path, report: MonthReport) -> Path:
    return _save(month_workbook(report), path)


# --- the year --------------------------------------------------------------------

YEAR_SHEET = "年度汇总"
PEOPLE_YEAR_SHEET = "人员年度"
YEAR_SHEETS = (YEAR_SHEET, PEOPLE_YEAR_SHEET)


DRAFT_NOTE = (
    "年度平均分、排名与年度先进窗口只计已锁定的月份；标注“草稿”的月份尚未锁定，"
    "其得分以灰色斜体列出，仅供参考。"
)


def _month_header(report: YearReport, month: str) -> str:
    return f"{month_label(month)}（{DRAFT}）" if month in report.draft_months else month_label(month)


def year_workbook(report: YearReport) -> Workbook:
    wb, styles = _new_workbook()
    months = list(report.months)
    drafts = set(report.draft_months)
    footer = (report.status_text, report.code)
    header = [
        "排名",
        "窗口编号",
        "窗口名称",
        "进驻部门",
        *[_month_header(report, m) for m in months],
        "年度平均分",
        "考评月数",
        "红旗窗口次数",
        "红旗窗口月份",
        DISQUALIFIED,
        "年度先进窗口",
    ]
    rows = [
        [
            r.rank,
            r.code,
            r.name,
            r.department,
            *[Score(r.drafts.get(m), draft=True) if m in drafts else Score(r.totals.get(m)) for m in months],
            Score(r.mean),
            r.months,
            r.red_flag_count,
            "、".join(f"{int(m[5:7])}月" for m in r.red_flag_months),
            r.disqualified,
            r.award,
        ]
        for r in report.rows
    ]
    widths = [5, 8, 13, 11, *[8 if m in drafts else 7 for m in months], 7, 5, 5, 9, 5, 6]
    title = f"{report.center_name}{report.year}年度窗口考评汇总表"
    ws = _sheet(wb, styles, YEAR_SHEET, title, header, rows, widths, footer)
    notes = [("说明", DRAFT_NOTE)] if drafts else []
    notes += [
        ("结果状态", report.status_text),
        ("校验码", report.code),
        ("生成时间", f"{report.generated_at:%Y-%m-%d %H:%M:%S}"),
    ]
    _notes(ws, notes, widths)

    rows = [[p.id, p.name, p.window_code, p.months, Score(p.mean)] for p in report.people]
    _sheet(
        wb,
        styles,
        PEOPLE_YEAR_SHEET,
        f"{report.center_name}{report.year}年度人员考评汇总表",
        ["工号", "姓名", "窗口编号", "考评月数", "年度平均分"],
        rows,
        [10, 12, 10, 8, 10],
        footer,
    )
    return wb


def write_year_workbook(path: str | Path, report: YearReport) -> Path:
    return _save(year_workbook(report), path)


__all__ = [
    "MONTH_SHEETS",
    "PEOPLE_YEAR_SHEET",
    "YEAR_SHEET",
    "YEAR_SHEETS",
    "month_workbook",
    "table_points",
    "write_month_workbook",
    "write_year_workbook",
    "year_workbook",
]
