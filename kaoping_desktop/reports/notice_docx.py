"""The month's 通报 as a Word document (python-docx), in the style of GB/T 9704.

The content comes ready-made from domain/notice.py; this file only lays it out.
Each run names its font for East Asian text (w:eastAsia) as well as for Latin
text, so Word and WPS both show the official faces where they are installed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..domain.notice import RANKING_HEADER, Notice
from .data import DRAFT_MARK

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"  # level 1: 一、二、三、
LEAD_FONT = "楷体_GB2312"  # level 2: （一）（二）
PAGE_NUMBER_FONT = "宋体"

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四: the table
LINE = Pt(28)  # fixed line pitch of the body (about 22 lines on the type area)
INDENT = Pt(32)  # two characters of 三号
RED = RGBColor(0xC0, 0x00, 0x00)

COLUMN_WIDTHS = (Mm(14), Mm(22), Mm(46), Mm(38), Mm(20), Mm(16))  # 156 mm: the type area's width


def set_font(run, name: str, size, bold: bool = False) -> None:
    run.font.name = name  # w:ascii and w:hAnsi
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:cs"), name)


def _paragraph(container, text: str = "", font: str = BODY_FONT, size=SIZE_3, *, align=None, indent=True, exact=True):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.first_line_indent = INDENT if indent else Pt(0)
    if align is not None:
        p.alignment = align
    if text:
        set_font(p.add_run(text), font, size)
    return p


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)


def _normal_style(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = SIZE_3
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the named one
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    style.element.get_or_add_rPr().append(lang)


def _page_number_footer(doc) -> None:
    """— 1 — centered under the type area."""
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run("— "), PAGE_NUMBER_FONT, SIZE_4)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = p.add_run("1")  # what shows until the field is updated
    set_font(number, PAGE_NUMBER_FONT, SIZE_4)
    field.append(number._r)  # moved into the field
    p._p.append(field)
    set_font(p.add_run(" —"), PAGE_NUMBER_FONT, SIZE_4)


def _draft_header(doc, text: str) -> None:
    p = doc.sections[0].header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    set_font(run, LEAD_FONT, SIZE_SMALL_4)
    run.font.color.rgb = RED


def _cant_split():
    element = OxmlElement("w:cantSplit")  # a row never breaks across pages
    element.set(qn("w:val"), "true")
    return element


def _repeat_header_row(row) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().extend([header, _cant_split()])


def _cell(cell, text: str, font: str) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.space_before = fmt.space_after = Pt(2)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(text), font, SIZE_SMALL_4)


def _ranking_table(doc, notice: Notice) -> None:
    table = doc.add_table(rows=1, cols=len(RANKING_HEADER))
    table.style = doc.styles["Table Grid"]  # single borders all round
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _repeat_header_row(header)
    for cell, text in zip(header.cells, RANKING_HEADER):
        _cell(cell, text, HEADING_FONT)
    for r in notice.ranking:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(_cant_split())
        for cell, text in zip(row.cells, (r.rank, r.code, r.name, r.department, r.total, r.grade)):
            _cell(cell, text, BODY_FONT)
    for column, width in zip(table.columns, COLUMN_WIDTHS):
        column.width = width  # the grid (LibreOffice, WPS) and each cell (Word)
        for cell in column.cells:
            cell.width = width


def write_notice(path: str | Path, notice: Notice, generated_at: datetime | None = None) -> Path:
    doc = Document()
    _page_setup(doc)
    _normal_style(doc)
    _page_number_footer(doc)
    props = doc.core_properties
    props.title = notice.title
    props.author = props.last_modified_by = notice.issuer
    props.created = props.modified = generated_at or datetime.now().replace(microsecond=0)
    props.comments = props.keywords = props.subject = ""

    title = _paragraph(doc, notice.title, TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False)
    title.paragraph_format.space_before = Pt(12)
    title.paragraph_format.space_after = Pt(0 if notice.draft else 28)
    if notice.draft:
        _draft_header(doc, DRAFT_MARK)
        line = _paragraph(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        run = line.add_run(notice.draft_line)
        set_font(run, LEAD_FONT, SIZE_3)
        run.font.color.rgb = RED
        line.paragraph_format.space_after = Pt(14)

    _paragraph(doc, notice.addressee, indent=False)
    _paragraph(doc, notice.opening)
    for section in notice.sections:
        _paragraph(doc, section.heading, HEADING_FONT)
        for item in section.items:
            p = _paragraph(doc)
            if item.lead:
                set_font(p.add_run(item.lead), LEAD_FONT, SIZE_3)
            set_font(p.add_run(item.text), BODY_FONT, SIZE_3)
        if section.ranking:
            _ranking_table(doc, notice)
    _paragraph(doc, notice.closing)

    _paragraph(doc)  # GB/T 9704: a blank line, then the issuer two characters from the right
    for text in (notice.issuer, notice.date_text):
        p = _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        p.paragraph_format.right_indent = INDENT
    path = Path(path)
    doc.save(str(path))
    return path


__all__ = ["BODY_FONT", "HEADING_FONT", "LEAD_FONT", "TITLE_FONT", "set_font", "write_notice"]
