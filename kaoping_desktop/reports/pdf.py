"""PDF sheets (reportlab platypus): window score sheet, monthly summary, staff sheet,
the month's book of all of them, and the annual summary.

Every PDF embeds subsets of the two CJK fonts of reports.fonts (a Song/Ming body
face, a heavier face for titles and table headers) and nothing else; every page
carries 第 x 页 / 共 y 页 (counted within its own sheet), the generation time and
that sheet's verification code, and — until the month is closed — the 草稿（未锁定）
mark.

Speed: table cells are plain strings, drawn by the table in the font its style
sets, unless the text needs wrapping (wider than its column, several lines) or a
glyph of the title face; only those become Paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

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
from .fonts import has_glyphs, register_fonts, title_font

MARGIN = 15 * mm
TOP_MARGIN = 14 * mm  # below the header line (and the draft box)
BOTTOM_MARGIN = 15 * mm  # above the footer line
PORTRAIT = "portrait"
LANDSCAPE = "landscape"
PAGE_SIZES = {PORTRAIT: A4, LANDSCAPE: landscape(A4)}
HEADER_GREY = colors.HexColor("#E6E6E6")
SUBTOTAL_GREY = colors.HexColor("#F3F3F3")
DRAFT_RED = colors.HexColor("#C00000")
PAD = 2.5  # left/right cell padding, points
NARROW_PAD = 1.5  # … in the incident table, whose ten columns need the room


def _width(orientation: str) -> float:
    return PAGE_SIZES[orientation][0] - 2 * MARGIN


# --- page furniture --------------------------------------------------------------


@dataclass(frozen=True)
class PageInfo:
    title: str
    center_name: str
    generated_at: datetime
    code: str
    draft: bool


@dataclass
class _Sheet:
    """One printed document: its pages share a title, a code and their numbering."""

    info: PageInfo
    story: list
    orientation: str = PORTRAIT


class _SheetStart(Flowable):
    """Zero-size mark at the top of a sheet's first page: tells the canvas which sheet
    the following pages belong to (and reports progress)."""

    def __init__(self, index: int, info: PageInfo, on_sheet: Callable[[int], None] | None):
        super().__init__()
        self.index, self.info, self.on_sheet = index, info, on_sheet

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.canv._sheet = (self.index, self.info)
        if self.on_sheet:
            self.on_sheet(self.index)


def _numbered_canvas(font: str):
    """A canvas that keeps its pages until save, then draws each page's furniture with
    its sheet's title and code and 第 x 页 / 共 y 页 within that sheet."""

    class _NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = font  # no stray Helvetica in the file
            kwargs["initialFontSize"] = 9
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            self._sheet = None

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            sheets = [state["_sheet"] for state in self._pages]
            totals: dict[int, int] = {}
            for index, _ in sheets:
                totals[index] = totals.get(index, 0) + 1
            numbers: dict[int, int] = {}
            for state, (index, info) in zip(self._pages, sheets):
                numbers[index] = numbers.get(index, 0) + 1
                self.__dict__.update(state)
                self._furniture(info, numbers[index], totals[index])
                super().showPage()
            super().save()

        def _furniture(self, info: PageInfo, number: int, total: int) -> None:
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


def _build(path: Path, sheets: list[_Sheet], title: str, author: str, on_sheet=None) -> None:
    """One document of one or more sheets, each starting on a new page in its orientation."""
    font = register_fonts()
    templates = []
    for orientation in sorted(PAGE_SIZES, key=lambda o: o != sheets[0].orientation):  # the first sheet's first
        width, height = PAGE_SIZES[orientation]
        frame = Frame(
            MARGIN, BOTTOM_MARGIN, width - 2 * MARGIN, height - TOP_MARGIN - BOTTOM_MARGIN,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=orientation,
        )
        templates.append(PageTemplate(id=orientation, frames=[frame], pagesize=(width, height)))
    doc = BaseDocTemplate(
        str(path),
        pagesize=PAGE_SIZES[sheets[0].orientation],
        pageTemplates=templates,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        author=author,
        creator="kaoping-desktop",
        invariant=0,
    )
    story: list = []
    for index, sheet in enumerate(sheets):
        if index:
            story += [NextPageTemplate(sheet.orientation), PageBreak()]
        story.append(_SheetStart(index, sheet.info, on_sheet))
        story += sheet.story
    doc.build(story, canvasmaker=_numbered_canvas(font))


def _write(path: str | Path, sheet: _Sheet) -> Path:
    path = Path(path)
    _build(path, [sheet], f"{sheet.info.center_name} {sheet.info.title}", sheet.info.center_name)
    return path


# --- styles and cells --------------------------------------------------------------


class _Styles:
    def __init__(self, size: float = 8):
        body, heavy = register_fonts(), title_font()
        base = dict(fontName=body, wordWrap="CJK")
        self.size = size
        self.body = ParagraphStyle("body", fontSize=9, leading=11.5, **base)
        self.note = ParagraphStyle("note", fontSize=7.5, leading=9.5, spaceBefore=1, **base)
        self.cell = {
            align: ParagraphStyle(f"cell_{align}", fontSize=size, leading=size + 1.5, alignment=enum, **base)
            for align, enum in (("L", TA_LEFT), ("C", TA_CENTER), ("R", TA_RIGHT))
        }
        self.head = ParagraphStyle(
            "head", fontName=heavy, fontSize=size, leading=size + 1.5, alignment=TA_CENTER, wordWrap="CJK"
        )
        self.center = ParagraphStyle("center", fontSize=11, leading=14, alignment=TA_CENTER, **base)
        self.title = ParagraphStyle("title", fontName=heavy, fontSize=16, leading=21, alignment=TA_CENTER, wordWrap="CJK")
        self.section = ParagraphStyle(
            "section", fontName=heavy, fontSize=10, leading=13, spaceBefore=2.5 * mm, spaceAfter=1 * mm,
            wordWrap="CJK",
        )
        self.draft = ParagraphStyle("draft", fontSize=9, leading=12, alignment=TA_CENTER, textColor=DRAFT_RED, **base)


def _markup(text: str, font: str) -> str:
    """Escaped paragraph text; characters the body face lacks are set in the title face."""
    out = []
    heavy = title_font()
    for ch in text:
        if ch == "\n":
            out.append("<br/>")
        elif font != heavy and not ch.isspace() and not has_glyphs(ch, font):
            out.append(f'<font face="{heavy}">{escape(ch)}</font>')
        else:
            out.append(escape(ch))
    return "".join(out)


def _p(text, style) -> Paragraph:
    text = str(text)
    if has_glyphs(text.replace("\n", ""), style.fontName):
        return Paragraph(escape(text).replace("\n", "<br/>"), style)
    return Paragraph(_markup(text, style.fontName), style)


def _cell(value, width: float, style: ParagraphStyle, pad: float = PAD):
    """A plain string when it fits on one line of its column in the body face (the table
    draws it, far cheaper); a Paragraph when it must wrap or needs the title face."""
    if isinstance(value, Flowable):
        return value
    text = "" if value is None else str(value)
    if not text:
        return ""
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width - 2 * pad and has_glyphs(
        text, style.fontName
    ):
        return text
    return _p(text, style)


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
    """`value` as given to a table, before it became a cell."""
    text = value.getPlainText() if isinstance(value, Paragraph) else str(value)
    return len(text) > LONG_CELL or text.count("\n") > LONG_LINES


def _long_rows(rows: list[list]) -> list[int]:
    return [i for i, row in enumerate(rows) if any(_is_long(v) for v in row)]


def _split_table(cells: list[list], long_rows: list[int], **kwargs) -> Table:
    """A table that may split inside a row when it has a long one (see LONG_CELL)."""
    return Table(cells, splitInRow=1 if long_rows else 0, **kwargs)


def _table(
    rows: list[list], widths: list[float], align: str, styles: _Styles, header_rows: int = 1, extra=(), pad: float = PAD
) -> Table:
    """A gridded table: `align` is one of L, C, R per column for the data rows; header rows
    are centred in the title face."""
    cells = []
    for i, row in enumerate(rows):
        if i < header_rows:
            cells.append([_cell(v, w, styles.head, pad) for v, w in zip(row, widths)])
        else:
            cells.append([_cell(v, w, styles.cell[a], pad) for v, w, a in zip(row, widths, align)])
    long_rows = _long_rows(rows)
    table = _split_table(cells, long_rows, colWidths=widths, repeatRows=header_rows)
    size = styles.size
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), register_fonts()),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size + 1.5),
        ("FONTNAME", (0, 0), (-1, header_rows - 1), title_font()),
        ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
        *[("ALIGN", (c, header_rows), (c, -1), {"L": "LEFT", "C": "CENTER", "R": "RIGHT"}[a]) for c, a in enumerate(align)],
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_GREY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        *[("VALIGN", (0, i), (-1, i), "TOP") for i in long_rows if i >= header_rows],
        *extra,
    ]
    table.setStyle(TableStyle(commands))
    return table


def _form(rows: list[list], fractions: tuple[float, ...], width: float, styles: _Styles, extra=()) -> Table:
    """A label/value grid (sheet heading, results): labels on grey in even columns."""
    widths = [width * f for f in fractions]
    cells = [
        [_cell(v, w, styles.body if c % 2 else _label_style(styles)) for c, (v, w) in enumerate(zip(row, widths))]
        for row in rows
    ]
    table = _split_table(cells, _long_rows(rows), colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), register_fonts()),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("LEADING", (0, 0), (-1, -1), 11.5),
                *[("FONTNAME", (c, 0), (c, -1), title_font()) for c in range(0, len(widths), 2)],
                *[("BACKGROUND", (c, 0), (c, -1), HEADER_GREY) for c in range(0, len(widths), 2)],
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD + 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD + 1),
                *extra,
            ]
        )
    )
    return table


def _label_style(styles: _Styles) -> ParagraphStyle:
    return ParagraphStyle("label", parent=styles.body, fontName=title_font())


def _signature_block(titles, styles: _Styles, width: float) -> Table | Spacer:
    """Two signatories a row: 考评人：  签字：______  日期：______"""
    titles = list(titles)
    if not titles:
        return Spacer(1, 0)
    font, size = register_fonts(), 9
    label = max(stringWidth(f"{t}：", font, size) for t in titles) + 2 * PAD + 2
    per_row = 2 if label < width * 0.22 else 1
    part = width / per_row
    sign = stringWidth("签字：", font, size) + 2 * PAD
    rest = max(part - label - 2 * sign, 20 * mm)
    one = [label, sign, rest * 0.58, sign, rest * 0.42]
    rows = []
    for start in range(0, len(titles), per_row):
        row = []
        for t in titles[start : start + per_row]:
            row += [_cell(f"{t}：", label, styles.body), "签字：", "", "日期：", ""]
        rows.append(row + [""] * (5 * per_row - len(row)))
    table = Table(rows, colWidths=one * per_row, rowHeights=[9 * mm] * len(rows))
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]
    for i, start in enumerate(range(0, len(titles), per_row)):
        for k in range(len(titles[start : start + per_row])):
            commands += [
                ("LINEBELOW", (5 * k + 2, i), (5 * k + 2, i), 0.6, colors.black),
                ("LINEBELOW", (5 * k + 4, i), (5 * k + 4, i), 0.6, colors.black),
            ]
    table.setStyle(TableStyle(commands))
    return table


def _section(title: str, styles: _Styles) -> list:
    """A section heading, on a new page when too little room is left for it and a few rows."""
    return [CondPageBreak(25 * mm), _p(title, styles.section)]


def _title_block(
    center_name: str, title: str, subtitle: str, draft: bool, styles: _Styles, draft_note: str = "本月尚未锁定"
) -> list:
    story = [_p(center_name, styles.center), _p(title, styles.title)]
    if subtitle:
        story.append(_p(subtitle, styles.center))
    if draft:
        story.append(_p(f"{DRAFT_MARK}：{draft_note}，结果可能变动，仅供核对", styles.draft))
    story.append(Spacer(1, 1.5 * mm))
    return story


def _month_info(report: MonthReport, title: str, document: str, window_code: str = "") -> PageInfo:
    code = report.code_for(document, window_code)
    return PageInfo(title, report.center_name, report.generated_at, code, draft=not report.closed)


# --- window score sheet -----------------------------------------------------------

WINDOW_SHEET_TITLE = "窗口月度考评评分表"
INCIDENT_HEADER = ["日期", "条款", "条款内容", "情形", "次数", "评定依据", "人员", "窗口扣分", "首席扣分", "个人扣分"]
INCIDENT_WIDTHS = [14.4, 7, 54, 17, 6.6, 43.4, 10, 9.2, 9.2, 9.2]  # mm, with NARROW_PAD: one line for most rows


def _window_sheet(report: MonthReport, window_code: str) -> _Sheet:
    w = report.result.window(window_code)
    if w is None:
        raise KeyError(f"{report.month} 没有窗口 {window_code} 的考评结果")
    styles = _Styles()
    width = _width(PORTRAIT)
    story = _title_block(report.center_name, WINDOW_SHEET_TITLE, "", not report.closed, styles)

    chiefs = "、".join(report.chief_names(w)) or "（无）"
    info = [
        ["考评月份", month_label(report.month), "窗口编号", w.code, "结果状态", report.status_text],
        ["窗口名称", w.name, "进驻部门", w.department, "首席代表", chiefs],
    ]
    story.append(_form(info, (0.1, 0.18, 0.1, 0.2, 0.1, 0.32), width, styles))

    # 一、分类得分
    story += _section("一、分类得分", styles)
    rows: list[list] = [["编号", "项目", "满分", "扣分", "得分"]]
    extra = []
    for i, line in enumerate(report.category_lines(w), start=1):
        label = line.label + ("（扣完为止）" if line.capped else "")
        rows.append([line.code, label, _num(line.full), _num(line.deducted), _num(line.score)])
        if line.subtotal:
            extra.append(("BACKGROUND", (0, i), (-1, i), SUBTOTAL_GREY))
    story.append(_table(rows, [width * f for f in (0.1, 0.48, 0.14, 0.14, 0.14)], "CLRRR", styles, extra=extra))

    # 二、扣分明细
    story += _section("二、扣分明细", styles)
    incidents = report.incidents_of(w.code)
    if not incidents:
        story.append(_p("本月无扣分记录。", styles.body))
    else:
        small = _Styles(7.5)
        scale = width / (sum(INCIDENT_WIDTHS) * mm)
        widths = [x * mm * scale for x in INCIDENT_WIDTHS]
        evidence_width = widths[INCIDENT_HEADER.index("评定依据")]
        rows = [[f"{h[:2]}\n{h[2:]}" if h.endswith("扣分") else h for h in INCIDENT_HEADER]]  # 窗口\n扣分
        total_w = total_c = total_p = Fraction(0)
        for r in incidents:
            mine = r.kind == WINDOW and r.window_code == w.code
            rows.append(
                [
                    f"{r.date:%Y-%m-%d}",
                    r.clause_code,
                    r.short_text,
                    r.variant,
                    str(r.count),
                    _evidence(r, evidence_width, small),
                    r.person_name,
                    _ded(r.window_points) if mine else "",
                    _ded(r.chief_points) if mine else "",
                    _ded(r.person_points),
                ]
            )
            if mine:
                total_w += r.window_points
                total_c += r.chief_points
            total_p += r.person_points
        rows.append(["合计", "", "", "", "", "", "", _num(total_w), _num(total_c), _num(total_p)])
        n = len(rows) - 1
        story.append(
            _table(
                rows,
                widths,
                "LLLLCLLRRR",
                small,
                pad=NARROW_PAD,
                extra=[("SPAN", (0, n), (6, n)), ("ALIGN", (0, n), (0, n), "CENTER"), ("BACKGROUND", (0, n), (-1, n), SUBTOTAL_GREY)],
            )
        )
        story.append(
            _p("注：窗口扣分 = 次数 × 窗口分值；首席扣分 = 次数 × 首席代表分担分值；个人扣分 = 次数 × 人员标准分值。", styles.note)
        )

    # 三、人员得分
    story += _section("三、人员得分", styles)
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
                    *[_ded(p.deductions.get(c.code, Fraction(0))) for c in cats],
                    _ded(p.chief_share),
                    _num(p.score),
                ]
            )
        fixed = [0.1, 0.12, 0.14]
        rest = (1 - sum(fixed) - 0.12 - 0.12) / max(1, len(cats))
        widths = [width * f for f in (*fixed, *[rest] * len(cats), 0.12, 0.12)]
        story.append(_table(rows, widths, "LLL" + "R" * (len(cats) + 2), styles))

    # 四、考评结果, kept on one page with the signatures it is signed with
    marks = "、".join(window_marks(w)) or "无"
    result_rows = [
        ["总分", display(w.total), "排名", f"第 {w.rank} 名（共 {len(report.result.windows)} 个窗口）", "等次", w.grade or "—"],
        ["标记", marks, "提示", "；".join(w.warnings) or "无", "", ""],
    ]
    results = _form(
        result_rows, (0.1, 0.16, 0.1, 0.32, 0.1, 0.22), width, styles,
        extra=[("SPAN", (3, 1), (5, 1)), ("BACKGROUND", (4, 1), (4, 1), colors.white)],
    )
    story.append(
        KeepTogether(
            [_p("四、考评结果", styles.section), results, Spacer(1, 1 * mm), _signature_block(report.titles_for(WINDOW_SHEET), styles, width)]
        )
    )
    title = f"{WINDOW_SHEET_TITLE}（{w.code} {month_label(report.month)}）"
    return _Sheet(_month_info(report, title, WINDOW_SHEET, w.code), story)


def _evidence(r, width: float, styles: _Styles) -> str:
    """The 评定依据 cell: on one line when it fits, else the reference on a line of its own
    (kept whole, as it is looked up by)."""
    text = r.evidence_text
    style = styles.cell["L"]
    if not r.reference or not text.endswith(r.reference):
        return text
    if stringWidth(text, style.fontName, style.fontSize) <= width - 2 * NARROW_PAD:
        return text
    return text[: -len(r.reference)].rstrip() + "\n" + r.reference


def write_window_sheet(path: str | Path, report: MonthReport, window_code: str) -> Path:
    return _write(path, _window_sheet(report, window_code))


# --- monthly summary ----------------------------------------------------------------

SUMMARY_TITLE = "窗口月度考评汇总表"


def _summary_sheet(report: MonthReport) -> _Sheet:
    styles = _Styles()
    width = _width(LANDSCAPE)
    story = _title_block(report.center_name, SUMMARY_TITLE, f"考评月份：{month_label(report.month)}", not report.closed, styles)
    cats = report.window_categories()
    rows: list[list] = [
        ["排名", "窗口编号", "窗口名称", "进驻部门", *[f"{c.name}\n（{_points(c.points)}）" for c in cats], "总分", "等次", "标记"]
    ]
    for w in report.result.windows:
        rows.append(
            [
                str(w.rank),
                w.code,
                w.name,
                w.department,
                *[_num(w.categories.get(c.code, Fraction(0))) for c in cats],
                display(w.total),
                w.grade,
                "、".join(window_marks(w)),
            ]
        )
    fixed = [10, 16, 40, 40]
    tail = [16, 14, 26]
    cat_w = (width / mm - sum(fixed) - sum(tail)) / max(1, len(cats))
    widths = [x * mm for x in (*fixed, *[cat_w] * len(cats), *tail)]
    story.append(_table(rows, widths, "CLLL" + "R" * (len(cats) + 1) + "CC", styles))

    red = [f"{w.code} {w.name}" for w in report.result.windows if w.red_flag]
    dq = [f"{w.code} {w.name}" for w in report.result.windows if w.disqualified]
    warned = [f"{w.code} {w.name}：{'；'.join(w.warnings)}" for w in report.result.windows if w.warnings]
    story.append(_p(f"{RED_FLAG}（{len(red)} 个）", styles.section))
    story.append(_p("、".join(red) or "无", styles.body))
    closing = [_p(f"{DISQUALIFIED}窗口（{len(dq)} 个）", styles.section), _p("、".join(dq) or "无", styles.body)]
    if warned:
        closing.append(_p("提示", styles.section))
        closing += [_p(line, styles.body) for line in warned]
    closing += [Spacer(1, 3 * mm), _signature_block(report.titles_for(SUMMARY), styles, width * 0.7)]
    story.append(KeepTogether(closing))
    return _Sheet(_month_info(report, f"{SUMMARY_TITLE}（{month_label(report.month)}）", SUMMARY), story, LANDSCAPE)


def write_month_summary(path: str | Path, report: MonthReport) -> Path:
    return _write(path, _summary_sheet(report))


# --- staff score sheet ----------------------------------------------------------------

STAFF_TITLE = "人员月度考评得分表"


def _staff_sheet(report: MonthReport) -> _Sheet:
    styles = _Styles()
    width = _width(PORTRAIT)
    story = _title_block(report.center_name, STAFF_TITLE, f"考评月份：{month_label(report.month)}", not report.closed, styles)
    cats = report.staff_categories()
    header = ["工号", "姓名", "身份", *[f"{c.code}{c.name}" for c in cats], "首席分担", "得分"]
    fixed = [0.1, 0.13, 0.15]
    rest = (1 - sum(fixed) - 0.12 - 0.11) / max(1, len(cats))
    widths = [width * f for f in (*fixed, *[rest] * len(cats), 0.12, 0.11)]
    align = "LLL" + "R" * (len(cats) + 2)
    blocks = []
    for w in sorted(report.result.windows, key=lambda x: x.code):
        people = report.people_of(w.code)
        if not people:
            continue
        rows: list[list] = [list(header)]
        for p in people:
            rows.append(
                [
                    p.person_id,
                    p.name,
                    p.role,
                    *[_ded(p.deductions.get(c.code, Fraction(0))) for c in cats],
                    _ded(p.chief_share),
                    display(p.score),
                ]
            )
        blocks.append([_p(f"{w.code} {w.name}（{w.department}）", styles.section), _table(rows, widths, align, styles)])
    closing = [
        Spacer(1, 2 * mm),
        _p("注：各类别为该类别扣分（扣完为止）；首席分担为首席代表分担的窗口扣分。", styles.note),
        Spacer(1, 3 * mm),
        _signature_block(report.titles_for(STAFF_SHEET), styles, width),
    ]
    if not blocks:
        story.append(_p("本月无在岗人员。", styles.body))
        story += closing
    else:
        for block in blocks[:-1]:
            story += block
        story.append(KeepTogether(blocks[-1] + closing))  # the signatures never stand alone
    return _Sheet(_month_info(report, f"{STAFF_TITLE}（{month_label(report.month)}）", STAFF_SHEET), story)


def write_staff_sheet(path: str | Path, report: MonthReport) -> Path:
    return _write(path, _staff_sheet(report))


# --- the month's book: one print job ----------------------------------------------------

BOOK_TITLE = "月度考评评分表（合订）"


def month_book_documents(report: MonthReport, include_summary: bool = True, include_staff: bool = True) -> list[tuple[str, str]]:
    """(document, window code) of every sheet in the book, in print order."""
    docs = [(WINDOW_SHEET, w.code) for w in sorted(report.result.windows, key=lambda x: x.code)]
    if include_summary:
        docs.append((SUMMARY, ""))
    if include_staff:
        docs.append((STAFF_SHEET, ""))
    return docs


def write_month_book(
    path: str | Path,
    report: MonthReport,
    include_summary: bool = True,
    include_staff: bool = True,
    on_sheet: Callable[[int, int], None] | None = None,
) -> Path:
    """Every window sheet (by window code), then the summary and the staff sheet, as one
    document: one font subset, page numbers restarting with each sheet. `on_sheet(done,
    total)` is called as each sheet starts being laid out (it may raise to stop)."""
    path = Path(path)
    sheets = []
    for document, code in month_book_documents(report, include_summary, include_staff):
        if document == WINDOW_SHEET:
            sheets.append(_window_sheet(report, code))
        elif document == SUMMARY:
            sheets.append(_summary_sheet(report))
        else:
            sheets.append(_staff_sheet(report))
    if not sheets:
        raise ValueError(f"{report.month} 没有可打印的评分表")
    hook = (lambda index: on_sheet(index, len(sheets))) if on_sheet else None
    _build(path, sheets, f"{report.center_name} {BOOK_TITLE}（{month_label(report.month)}）", report.center_name, hook)
    return path


# --- annual summary --------------------------------------------------------------------

ANNUAL_TITLE = "窗口年度考评汇总表"
DRAFT_STAR = "*"


def _annual_sheet(report: YearReport) -> _Sheet:
    styles = _Styles()
    width = _width(LANDSCAPE)
    draft_note = "部分月份尚未锁定" if report.closed_months else "本年度尚无锁定月份"
    story = _title_block(
        report.center_name, ANNUAL_TITLE, f"考评年度：{report.year}年", not report.closed, styles, draft_note
    )
    if not report.rows:
        story.append(_p("本年度没有已锁定月份的考评结果。", styles.body))
        story.append(Spacer(1, 3 * mm))
        story.append(_signature_block(report.signature_titles, styles, width * 0.7))
        return _Sheet(_annual_info(report), story, LANDSCAPE)

    months = list(report.months)
    drafts = set(report.draft_months)
    header = [
        "排名", "窗口编号", "窗口名称",
        *[f"{int(m[5:7])}月{DRAFT_STAR if m in drafts else ''}" for m in months],
        "年度平均分", "月数", "红旗窗口月份", DISQUALIFIED, "年度先进窗口",
    ]
    rows: list[list] = [header]
    for r in report.rows:
        cells = []
        for m in months:
            if m in r.totals:
                cells.append(display(r.totals[m]))
            elif m in r.drafts:
                cells.append(display(r.drafts[m]) + DRAFT_STAR)
            else:
                cells.append("")
        rows.append(
            [
                str(r.rank) if r.rank is not None else "—",
                r.code,
                r.name,
                *cells,
                display(r.mean),
                str(r.months),
                "、".join(str(int(m[5:7])) for m in r.red_flag_months) or "",
                "是" if r.disqualified else "",
                "是" if r.award else "",
            ]
        )
    tail = [17, 9, 20, 13, 17]
    mw = min(16, (width / mm - 10 - 15 - 30 - sum(tail)) / max(1, len(months)))
    name_w = width / mm - 10 - 15 - mw * len(months) - sum(tail)  # fewer months: the names get the room
    widths = [x * mm for x in (10, 15, name_w, *[mw] * len(months), *tail)]
    extra = [("BACKGROUND", (0, i), (-1, i), SUBTOTAL_GREY) for i, r in enumerate(report.rows, start=1) if r.award]
    story.append(_table(rows, widths, "CLL" + "R" * (len(months) + 1) + "CCCC", styles, extra=extra))
    notes = [
        f"注：年度平均分为该窗口已锁定月份总分的算术平均，月数为参加考评的已锁定月份数；"
        f"排名只含未{DISQUALIFIED}的窗口；年度先进窗口按排名取前 {report.awards} 名。"
    ]
    if drafts:
        notes.append(
            f"带 {DRAFT_STAR} 的月份尚未锁定（{'、'.join(f'{int(m[5:7])}月' for m in report.draft_months)}），"
            "其得分为草稿，仅供参考，不计入年度平均分、排名和评优。"
        )
    story.append(
        KeepTogether(
            [Spacer(1, 1.5 * mm), *[_p(n, styles.note) for n in notes], Spacer(1, 3 * mm),
             _signature_block(report.signature_titles, styles, width * 0.7)]
        )
    )

    if report.people:
        windows = {r.code: r.name for r in report.rows}
        story.append(_p("附：人员年度得分", styles.section))
        rows = [["工号", "姓名", "窗口", "月数", "年度平均分"]]
        for p in report.people:
            window = f"{p.window_code} {windows.get(p.window_code, '')}".strip()
            rows.append([p.id, p.name, window, str(p.months), display(p.mean)])
        story.append(_table(rows, [x * mm for x in (25, 30, 70, 15, 22)], "LLLCR", styles))
        story.append(_p("注：人员年度平均分为其已锁定月份个人得分的算术平均。", styles.note))
    return _Sheet(_annual_info(report), story, LANDSCAPE)


def _annual_info(report: YearReport) -> PageInfo:
    return PageInfo(f"{ANNUAL_TITLE}（{report.year}年）", report.center_name, report.generated_at, report.code, not report.closed)


def write_annual_summary(path: str | Path, report: YearReport) -> Path:
    return _write(path, _annual_sheet(report))


__all__ = [
    "INCIDENT_HEADER",
    "month_book_documents",
    "write_annual_summary",
    "write_month_book",
    "write_month_summary",
    "write_staff_sheet",
    "write_window_sheet",
]
