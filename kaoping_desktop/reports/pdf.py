"""PDF sheets (reportlab platypus): window score sheet, monthly summary, staff sheet, annual summary.

Every PDF embeds a subset of the CJK font from resources/fonts/ and nothing
else; every page carries 第 x 页 / 共 y 页, the generation time and the
verification code, and — until the month is closed — the 草稿（未锁定） mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..domain.evidence_chain import STAFF_SHEET, SUMMARY, WINDOW_SHEET
from ..domain.numbers import display
from ..domain.standards import WINDOW
from .data import (
    DISQUALIFIED,
    DRAFT_MARK,
    RED_FLAG,
    MonthReport,
    YearReport,
    month_label,
    window_marks,
)
from .fonts import register_fonts

MARGIN = 15 * mm
HEADER_GREY = colors.HexColor("#E6E6E6")
SUBTOTAL_GREY = colors.HexColor("#F3F3F3")
DRAFT_RED = colors.HexColor("#C00000")


# --- page furniture --------------------------------------------------------------


@dataclass(frozen=True)
class PageInfo:
    title: str
    center_name: str
    generated_at: datetime
    code: str
    draft: bool


def _canvas_class(info: PageInfo, font: str):
    """A canvas that knows the page count when it saves, for 第 x 页 / 共 y 页."""

    class _NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = font  # no stray Helvetica in the file
            kwargs["initialFontSize"] = 9
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFillColor(colors.black)
            self.setFont(font, 8)
            y = 9 * mm
            self.drawString(MARGIN, y, f"生成时间：{info.generated_at:%Y-%m-%d %H:%M}")
            self.drawCentredString(width / 2, y, f"第 {number} 页 / 共 {total} 页")
            self.drawRightString(width - MARGIN, y, f"校验码：{info.code}")
            self.setStrokeColor(colors.grey)
            self.setLineWidth(0.4)
            self.line(MARGIN, y + 4 * mm, width - MARGIN, y + 4 * mm)
            top = height - 9 * mm
            self.drawString(MARGIN, top, f"{info.center_name} · {info.title}")
            if info.draft:
                # A framed red mark in the header of every page. (Not a diagonal
                # watermark: rotated text scrambles text extraction of the tables.)
                label = f"{DRAFT_MARK} 结果未经锁定，不作为正式考评结果"
                self.setFont(font, 10)
                text_width = self.stringWidth(label, font, 10)
                self.setStrokeColor(DRAFT_RED)
                self.setLineWidth(1)
                self.rect(width - MARGIN - text_width - 4 * mm, top - 2 * mm, text_width + 4 * mm, 6 * mm, stroke=1, fill=0)
                self.setFillColor(DRAFT_RED)
                self.drawRightString(width - MARGIN - 2 * mm, top - 0.3 * mm, label)
            self.restoreState()

    return _NumberedCanvas


def _build(path: Path, story: list, info: PageInfo, pagesize=A4) -> None:
    font = register_fonts()
    doc = SimpleDocTemplate(
        str(path),
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=17 * mm,
        title=f"{info.center_name} {info.title}",
        author=info.center_name,
        creator="kaoping-desktop",
        invariant=0,
    )
    doc.build(story, canvasmaker=_canvas_class(info, font))


# --- styles and cells --------------------------------------------------------------


class _Styles:
    def __init__(self):
        font = register_fonts()
        base = dict(fontName=font, wordWrap="CJK")
        self.body = ParagraphStyle("body", fontSize=9, leading=12, **base)
        self.cell = ParagraphStyle("cell", fontSize=8, leading=10, **base)
        self.cell_right = ParagraphStyle("cell_r", parent=self.cell, alignment=TA_RIGHT)
        self.cell_center = ParagraphStyle("cell_c", parent=self.cell, alignment=TA_CENTER)
        self.head = ParagraphStyle("head", parent=self.cell, alignment=TA_CENTER)
        self.center = ParagraphStyle("center", fontSize=13, leading=18, alignment=TA_CENTER, **base)
        self.title = ParagraphStyle("title", fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=2 * mm, **base)
        self.section = ParagraphStyle("section", fontSize=11, leading=15, spaceBefore=4 * mm, spaceAfter=2 * mm, **base)
        self.draft = ParagraphStyle("draft", fontSize=10, leading=14, alignment=TA_CENTER, textColor=DRAFT_RED, **base)


def _tstyle(commands: list) -> TableStyle:
    """Table commands with the CJK font set for every cell (even empty ones use the cell font)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), register_fonts()), ("FONTSIZE", (0, 0), (-1, -1), 8), *commands])


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _num(value: Fraction | None) -> str:
    return "" if value is None else display(value)


def _points(value: Fraction) -> str:
    """Full points as printed in headings: 20, 7.5."""
    return str(value.numerator) if value.denominator == 1 else display(value, 1)


def _ded(value: Fraction) -> str:
    """A deduction cell: blank when nothing was deducted."""
    return display(value) if value else ""


# Text longer than the import limits (200 characters, validation.NOTE_LIMIT) comes
# from a database filled before them; a 依据说明 within them may still hold a
# hundred line breaks. A row holding such a cell may be taller than a page, which
# reportlab refuses (LayoutError) unless the table may split inside a row; such a
# row is also top-aligned, so that its date and clause start with it. Tables
# without one keep moving whole rows to the next page, as they always did.
LONG_CELL = 200
LONG_LINES = 20  # … or this many line breaks (依据说明 may hold some)


def _is_long(value) -> bool:
    """`value` as given to a table, before it became a Paragraph (those given ready-made
    hold numbers and marks)."""
    text = value.getPlainText() if isinstance(value, Paragraph) else str(value)
    return len(text) > LONG_CELL or text.count("\n") > LONG_LINES


def _long_rows(rows: list[list]) -> list[int]:
    return [i for i, row in enumerate(rows) if any(_is_long(v) for v in row)]


def _split_table(cells: list[list], long_rows: list[int], **kwargs) -> Table:
    """A table that may split inside a row when it has a long one (see LONG_CELL)."""
    return Table(cells, splitInRow=1 if long_rows else 0, **kwargs)


def _table(rows: list[list], widths: list[float], styles: _Styles, header_rows: int = 1, extra=()) -> Table:
    cells = []
    for i, row in enumerate(rows):
        out = []
        for value in row:
            if isinstance(value, Paragraph):
                out.append(value)
            elif i < header_rows:
                out.append(_p(value, styles.head))
            else:
                out.append(_p(value, styles.cell))
        cells.append(out)
    long_rows = _long_rows(rows)
    table = _split_table(cells, long_rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(
        _tstyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_GREY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                *[("VALIGN", (0, i), (-1, i), "TOP") for i in long_rows if i >= header_rows],
                *extra,
            ]
        )
    )
    return table


def _right(value: str, styles: _Styles) -> Paragraph:
    return _p(value, styles.cell_right)


def _centered(value: str, styles: _Styles) -> Paragraph:
    return _p(value, styles.cell_center)


def _signature_block(titles, styles: _Styles, width: float) -> KeepTogether:
    rows = [[_p(f"{t}：", styles.body), _p("签字：", styles.body), "", _p("日期：", styles.body), ""] for t in titles]
    widths = [width * f for f in (0.24, 0.1, 0.3, 0.1, 0.26)]
    table = Table(rows, colWidths=widths, rowHeights=[11 * mm] * len(rows))
    table.setStyle(
        _tstyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (2, 0), (2, -1), 0.6, colors.black),
                ("LINEBELOW", (4, 0), (4, -1), 0.6, colors.black),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    return KeepTogether([_p("签字确认", styles.section), table])


def _title_block(
    center_name: str, title: str, subtitle: str, draft: bool, styles: _Styles, draft_note: str = "本月尚未锁定"
) -> list:
    story = [_p(center_name, styles.center), _p(title, styles.title)]
    if subtitle:
        story.append(_p(subtitle, styles.center))
    if draft:
        story.append(_p(f"{DRAFT_MARK}：{draft_note}，结果可能变动，仅供核对", styles.draft))
    story.append(Spacer(1, 3 * mm))
    return story


def _month_info(report: MonthReport, title: str, document: str, window_code: str = "") -> PageInfo:
    code = report.code_for(document, window_code)
    return PageInfo(title, report.center_name, report.generated_at, code, draft=not report.closed)


# --- window score sheet -----------------------------------------------------------

WINDOW_SHEET_TITLE = "窗口月度考评评分表"
INCIDENT_HEADER = ["日期", "条款", "条款内容", "情形", "次数", "评定依据", "人员", "窗口扣分", "首席扣分", "个人扣分"]


def write_window_sheet(path: str | Path, report: MonthReport, window_code: str) -> Path:
    path = Path(path)
    w = report.result.window(window_code)
    if w is None:
        raise KeyError(f"{report.month} 没有窗口 {window_code} 的考评结果")
    styles = _Styles()
    width = A4[0] - 2 * MARGIN
    story = _title_block(report.center_name, WINDOW_SHEET_TITLE, "", not report.closed, styles)

    chiefs = "、".join(report.chief_names(w)) or "（无）"
    info = [
        ["考评月份", month_label(report.month), "窗口编号", w.code],
        ["窗口名称", w.name, "进驻部门", w.department],
        ["首席代表", chiefs, "结果状态", report.status_text],
    ]
    info_rows = [[_p(v, styles.body) for v in row] for row in info]
    t = _split_table(info_rows, _long_rows(info), colWidths=[width * f for f in (0.14, 0.36, 0.14, 0.36)])
    t.setStyle(
        _tstyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_GREY),
                ("BACKGROUND", (2, 0), (2, -1), HEADER_GREY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(t)

    # 一、分类得分
    story.append(_p("一、分类得分", styles.section))
    rows: list[list] = [["编号", "项目", "满分", "扣分", "得分"]]
    extra = []
    for i, line in enumerate(report.category_lines(w), start=1):
        label = line.label + ("（扣完为止）" if line.capped else "")
        rows.append(
            [
                line.code,
                label,
                _right(_num(line.full), styles),
                _right(_num(line.deducted), styles),
                _right(_num(line.score), styles),
            ]
        )
        if line.subtotal:
            extra.append(("BACKGROUND", (0, i), (-1, i), SUBTOTAL_GREY))
    story.append(_table(rows, [width * f for f in (0.1, 0.48, 0.14, 0.14, 0.14)], styles, extra=extra))

    # 二、扣分明细
    story.append(_p("二、扣分明细", styles.section))
    incidents = report.incidents_of(w.code)
    if not incidents:
        story.append(_p("本月无扣分记录。", styles.body))
    else:
        rows = [list(INCIDENT_HEADER)]
        total_w = total_c = total_p = Fraction(0)
        for r in incidents:
            mine = r.kind == WINDOW and r.window_code == w.code
            rows.append(
                [
                    f"{r.date:%Y-%m-%d}",
                    r.clause_code,
                    r.short_text,
                    r.variant,
                    _centered(str(r.count), styles),
                    f"{r.evidence_name}\n{r.reference}" if r.reference else r.evidence_name,
                    r.person_name,
                    _right(_ded(r.window_points) if mine else "", styles),
                    _right(_ded(r.chief_points) if mine else "", styles),
                    _right(_ded(r.person_points), styles),
                ]
            )
            if mine:
                total_w += r.window_points
                total_c += r.chief_points
            total_p += r.person_points
        rows.append(
            ["合计", "", "", "", "", "", "", _right(_num(total_w), styles), _right(_num(total_c), styles), _right(_num(total_p), styles)]
        )
        n = len(rows) - 1
        widths = [17, 10, 36, 21, 8, 28, 16, 14, 14, 14]
        scale = width / (sum(widths) * mm)
        story.append(
            _table(
                rows,
                [x * mm * scale for x in widths],
                styles,
                extra=[("SPAN", (0, n), (6, n)), ("BACKGROUND", (0, n), (-1, n), SUBTOTAL_GREY)],
            )
        )
        story.append(
            _p("注：窗口扣分 = 次数 × 窗口分值；首席扣分 = 次数 × 首席代表分担分值；个人扣分 = 次数 × 人员标准分值。", styles.cell)
        )

    # 三、人员得分
    story.append(_p("三、人员得分", styles.section))
    people = report.people_of(w.code)
    if not people:
        story.append(_p("本月无在岗人员。", styles.body))
    else:
        cats = report.staff_categories()
        rows = [["工号", "姓名", "身份", *[f"{c.code}{c.name}" for c in cats], "首席分担", "个人得分"]]
        for p in people:
            rows.append(
                [
                    p.person_id,
                    p.name,
                    p.role,
                    *[_right(_ded(p.deductions.get(c.code, Fraction(0))), styles) for c in cats],
                    _right(_ded(p.chief_share), styles),
                    _right(_num(p.score), styles),
                ]
            )
        fixed = [0.1, 0.12, 0.14]
        rest = (1 - sum(fixed) - 0.12 - 0.12) / max(1, len(cats))
        story.append(_table(rows, [width * f for f in (*fixed, *[rest] * len(cats), 0.12, 0.12)], styles))

    # 四、考评结果
    story.append(_p("四、考评结果", styles.section))
    marks = "、".join(window_marks(w)) or "无"
    result_rows = [
        ["总分", display(w.total), "排名", f"第 {w.rank} 名（共 {len(report.result.windows)} 个窗口）"],
        ["等次", w.grade or "—", "标记", marks],
        ["提示", "；".join(w.warnings) or "无", "", ""],
    ]
    t = _split_table([[_p(v, styles.body) for v in row] for row in result_rows], _long_rows(result_rows), colWidths=[width * f for f in (0.14, 0.36, 0.14, 0.36)])
    t.setStyle(
        _tstyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_GREY),
                ("BACKGROUND", (2, 0), (2, 1), HEADER_GREY),
                ("SPAN", (1, 2), (3, 2)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(t)
    story.append(_signature_block(report.signature_titles, styles, width))
    _build(path, story, _month_info(report, f"{WINDOW_SHEET_TITLE}（{w.code} {month_label(report.month)}）", WINDOW_SHEET, w.code))
    return path


# --- monthly summary ----------------------------------------------------------------

SUMMARY_TITLE = "窗口月度考评汇总表"


def write_month_summary(path: str | Path, report: MonthReport) -> Path:
    path = Path(path)
    styles = _Styles()
    pagesize = landscape(A4)
    width = pagesize[0] - 2 * MARGIN
    story = _title_block(report.center_name, SUMMARY_TITLE, f"考评月份：{month_label(report.month)}", not report.closed, styles)
    cats = report.window_categories()
    rows: list[list] = [
        ["排名", "窗口编号", "窗口名称", "进驻部门", *[f"{c.name}（{_points(c.points)}）" for c in cats], "总分", "等次", "标记"]
    ]
    for w in report.result.windows:
        rows.append(
            [
                _centered(str(w.rank), styles),
                w.code,
                w.name,
                w.department,
                *[_right(_num(w.categories.get(c.code, Fraction(0))), styles) for c in cats],
                _right(display(w.total), styles),
                _centered(w.grade, styles),
                _centered("、".join(window_marks(w)), styles),
            ]
        )
    fixed = [10, 16, 40, 40]
    tail = [16, 14, 26]
    cat_w = (width / mm - sum(fixed) - sum(tail)) / max(1, len(cats))
    story.append(_table(rows, [x * mm for x in (*fixed, *[cat_w] * len(cats), *tail)], styles))

    red = [f"{w.code} {w.name}" for w in report.result.windows if w.red_flag]
    dq = [f"{w.code} {w.name}" for w in report.result.windows if w.disqualified]
    warned = [f"{w.code} {w.name}：{'；'.join(w.warnings)}" for w in report.result.windows if w.warnings]
    story.append(_p(f"{RED_FLAG}（{len(red)} 个）", styles.section))
    story.append(_p("、".join(red) or "无", styles.body))
    story.append(_p(f"{DISQUALIFIED}窗口（{len(dq)} 个）", styles.section))
    story.append(_p("、".join(dq) or "无", styles.body))
    if warned:
        story.append(_p("提示", styles.section))
        for line in warned:
            story.append(_p(line, styles.body))
    story.append(_signature_block(report.signature_titles, styles, width * 0.7))
    _build(path, story, _month_info(report, f"{SUMMARY_TITLE}（{month_label(report.month)}）", SUMMARY), pagesize)
    return path


# --- staff score sheet ----------------------------------------------------------------

STAFF_TITLE = "人员月度考评得分表"


def write_staff_sheet(path: str | Path, report: MonthReport) -> Path:
    path = Path(path)
    styles = _Styles()
    width = A4[0] - 2 * MARGIN
    story = _title_block(report.center_name, STAFF_TITLE, f"考评月份：{month_label(report.month)}", not report.closed, styles)
    cats = report.staff_categories()
    header = ["工号", "姓名", "身份", *[f"{c.code}{c.name}" for c in cats], "首席分担", "得分"]
    fixed = [0.1, 0.13, 0.15]
    rest = (1 - sum(fixed) - 0.12 - 0.11) / max(1, len(cats))
    widths = [width * f for f in (*fixed, *[rest] * len(cats), 0.12, 0.11)]
    any_people = False
    for w in sorted(report.result.windows, key=lambda x: x.code):
        people = report.people_of(w.code)
        if not people:
            continue
        any_people = True
        rows: list[list] = [list(header)]
        for p in people:
            rows.append(
                [
                    p.person_id,
                    p.name,
                    p.role,
                    *[_right(_ded(p.deductions.get(c.code, Fraction(0))), styles) for c in cats],
                    _right(_ded(p.chief_share), styles),
                    _right(display(p.score), styles),
                ]
            )
        story.append(_p(f"{w.code} {w.name}（{w.department}）", styles.section))
        story.append(_table(rows, widths, styles))
    if not any_people:
        story.append(_p("本月无在岗人员。", styles.body))
    story.append(Spacer(1, 2 * mm))
    story.append(_p("注：各类别为该类别扣分（扣完为止）；首席分担为首席代表分担的窗口扣分。", styles.cell))
    story.append(_signature_block(report.signature_titles, styles, width))
    _build(path, story, _month_info(report, f"{STAFF_TITLE}（{month_label(report.month)}）", STAFF_SHEET))
    return path


# --- annual summary --------------------------------------------------------------------

ANNUAL_TITLE = "窗口年度考评汇总表"


def write_annual_summary(path: str | Path, report: YearReport) -> Path:
    path = Path(path)
    styles = _Styles()
    pagesize = landscape(A4)
    width = pagesize[0] - 2 * MARGIN
    story = _title_block(
        report.center_name, ANNUAL_TITLE, f"考评年度：{report.year}年", not report.closed, styles, "部分月份尚未锁定"
    )
    if not report.rows:
        story.append(_p("本年度没有考评结果。", styles.body))
    else:
        months = list(report.months)
        rows: list[list] = [
            ["窗口编号", "窗口名称", "进驻部门", *[f"{int(m[5:7])}月" for m in months], "平均分", "最高", "最低", "红旗窗口（次）", DISQUALIFIED]
        ]
        for r in report.rows:
            rows.append(
                [
                    r.code,
                    r.name,
                    r.department,
                    *[_right(_num(r.totals.get(m)), styles) for m in months],
                    _right(display(r.mean), styles),
                    _right(display(r.best), styles),
                    _right(display(r.worst), styles),
                    _centered(str(r.red_flag_count), styles),
                    _centered(f"是（{int(r.disqualified_from[5:7])}月起）" if r.disqualified else "", styles),
                ]
            )
        fixed = [15, 34, 34]
        tail = [14, 13, 13, 16, 20]
        mw = (width / mm - sum(fixed) - sum(tail)) / max(1, len(months))
        story.append(_table(rows, [x * mm for x in (*fixed, *[mw] * len(months), *tail)], styles))
        story.append(Spacer(1, 2 * mm))
        story.append(_p("注：平均分为该窗口有考评结果月份总分的算术平均；空白表示该月未参加考评。", styles.cell))
    story.append(_signature_block(report.signature_titles, styles, width * 0.7))
    info = PageInfo(f"{ANNUAL_TITLE}（{report.year}年）", report.center_name, report.generated_at, report.code, not report.closed)
    _build(path, story, info, pagesize)
    return path


__all__ = [
    "INCIDENT_HEADER",
    "write_annual_summary",
    "write_month_summary",
    "write_staff_sheet",
    "write_window_sheet",
]
