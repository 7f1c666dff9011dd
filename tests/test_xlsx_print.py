"""The Excel exports as printed pages: read back with openpyxl, and converted by LibreOffice
where it is installed (read with pdfinfo/pdftotext)."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from kaoping_desktop import services
from kaoping_desktop.domain.evidence_chain import WORKBOOK
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.numbers import round_half_up
from kaoping_desktop.domain.roster import CHIEF, Assignment, Person, Window
from kaoping_desktop.reports import xlsx
from kaoping_desktop.reports.data import AnnualPersonRow, AnnualRow, YearReport
from kaoping_desktop.services import exports
from kaoping_desktop.store import repository
from kaoping_desktop.store.database import close_database

from store_builders import add_incidents, worked_example_db
from test_reports_export import pdf_pages, squeeze

MONTH, DRAFT_MONTH = "2026-10", "2026-11"
CENTER = "示范县政务服务中心"
EVIL_WINDOW, EVIL_PERSON = "=1+1", "@赵燚"
EVIL_REFERENCE = "-现场拍照留存，群众当面反映服务态度问题"
OTHER_REASON = "群众当面反映，现场核实"
A4 = (595.28, 841.89)
MIN_PT = 8


@pytest.fixture
def center(tmp_path):
    """The worked example (W01) and 12 more windows, formula-like names, an evidence 其他,
    October closed and November open with one incident (a draft month of the year)."""
    worked_example_db(tmp_path / "k.db")
    repository.set_setting("center_name", CENTER)
    repository.upsert_window(Window("W02", EVIL_WINDOW, "县税务局"))
    repository.upsert_person(Person("2001", EVIL_PERSON))
    repository.replace_assignments("2001", [Assignment("2001", "W02", CHIEF)])
    add_incidents(
        [
            Incident(date(2026, 10, 12), "W02", "3.4", 1, "E07", reference=EVIL_REFERENCE),
            Incident(date(2026, 10, 13), "W02", "4.2", 1, "E99", reference=OTHER_REASON),
        ]
    )
    clauses = [("3.4", "E07"), ("4.2", "E07"), ("4.3", "E07"), ("5.8", "E19"), ("5.10", "E13"), ("6.3", "E23")]
    for k in range(3, 15):
        code = f"W{k:02d}"
        repository.upsert_window(Window(code, f"第{k}号综合服务窗口", "县市场监督管理局"))
        repository.upsert_person(Person(f"9{k:02d}", f"人员{k}"))
        repository.replace_assignments(f"9{k:02d}", [Assignment(f"9{k:02d}", code, CHIEF)])
        add_incidents(
            [
                Incident(date(2026, 10, 1 + i), code, clauses[i % 6][0], 1, clauses[i % 6][1], reference=f"RB-{i:03d}")
                for i in range(k % 7)
            ]
        )
    services.close_month(MONTH)
    add_incidents([Incident(date(2026, 11, 3), "W01", "3.4", 1, "E07")])
    yield tmp_path
    close_database()


@pytest.fixture
def month_book(center):
    path = exports.export_month(MONTH, xlsx_file=center / "m.xlsx")[0]
    return path


@pytest.fixture
def year_book(center):
    return exports.export_year(2026, xlsx_file=center / "y.xlsx")[0]


# --- measuring a sheet as printed ----------------------------------------------------


def column_widths(ws) -> list[float]:
    widths = {}
    for dim in ws.column_dimensions.values():
        for col in range(dim.min, dim.max + 1):
            widths[col] = dim.width
    return [widths[c] for c in range(1, ws.max_column + 1)]


def column_points(width: float) -> float:
    """Excel's geometry: a width counts digits of Calibri 11 (7 px), plus 5 px of padding."""
    return (width * 7 + 5) * 0.75


def printed_size(ws) -> float:
    """The size the table's text prints at: its font size times the fit-to-width scale."""
    page = A4[1] if ws.page_setup.orientation == "landscape" else A4[0]
    room = page - (ws.page_margins.left + ws.page_margins.right) * 72
    table = sum(column_points(w) for w in column_widths(ws))
    scale = min(1.0, room / table) if ws.sheet_properties.pageSetUpPr.fitToPage else 1.0
    sizes = {ws.cell(row=r, column=c).font.sz for r in range(2, ws.max_row + 1) for c in range(1, ws.max_column + 1)}
    return min(s for s in sizes if s) * scale


def lines_needed(text: str, width: float, size: float) -> int:
    room = column_points(width) - 3
    lines = 0
    for part in str(text).split("\n"):
        used = sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.55 * size for ch in part)
        lines += max(1, math.ceil(used / room))
    return lines


def table_rows(ws) -> list[int]:
    """The header row and the data rows: row 2 down to the last bordered row."""
    rows = [2]
    for r in range(3, ws.max_row + 1):
        if ws.cell(row=r, column=1).border.left.style != "thin":
            break
        rows.append(r)
    return rows


def check_printed_sheet(ws, code: str) -> None:
    header = [c.value for c in ws[2]]
    last = get_column_letter(len(header))
    # title row: merged across the table, larger and bold, naming the center
    assert f"A1:{last}1" in {str(r) for r in ws.merged_cells.ranges}, ws.title
    title = ws["A1"]
    assert CENTER in title.value and title.font.b and title.font.sz >= 14
    assert ws.row_dimensions[1].height >= title.font.sz * 1.2
    # A4, fitted to the width only while the text stays at 8 pt or more
    assert str(ws.page_setup.paperSize) == "9"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert printed_size(ws) >= MIN_PT, (ws.title, printed_size(ws))
    portrait_room = A4[0] - (ws.page_margins.left + ws.page_margins.right) * 72
    wide = sum(column_points(w) for w in column_widths(ws)) > portrait_room / 0.9
    assert ws.page_setup.orientation == ("landscape" if wide else "portrait"), ws.title
    assert ws.print_title_rows == "$1:$2" and ws.freeze_panes == "A3"
    margins = ws.page_margins
    assert 0.3 <= margins.left == margins.right <= 0.8 and margins.top >= 0.5 and margins.bottom >= 0.5
    assert margins.footer < margins.bottom
    footer = ws.oddFooter
    assert "&P" in footer.center.text and "&N" in footer.center.text
    assert code in footer.right.text
    # header and data rows: bordered, heights set for their wrapped text
    widths = column_widths(ws)
    for r in table_rows(ws):
        height = ws.row_dimensions[r].height
        assert height is not None, (ws.title, r)
        for c, width in enumerate(widths, start=1):
            cell = ws.cell(row=r, column=c)
            assert cell.border.left.style == cell.border.right.style == "thin", (ws.title, cell.coordinate)
            assert cell.border.top.style == cell.border.bottom.style == "thin", (ws.title, cell.coordinate)
            if isinstance(cell.value, str):
                assert height >= lines_needed(cell.value, width, cell.font.sz) * cell.font.sz * 1.2, cell.coordinate
    assert all(c.font.b and c.alignment.wrap_text for c in ws[2])


# --- the month workbook --------------------------------------------------------------------


def test_every_sheet_of_the_month_prints_on_a4_at_8_pt_or_more(month_book):
    report = exports.month_report(MONTH)
    wb = openpyxl.load_workbook(month_book)
    assert wb.sheetnames == list(xlsx.MONTH_SHEETS)
    for ws in wb.worksheets:
        check_printed_sheet(ws, report.code_for(WORKBOOK))
        assert "2026年10月" in ws["A1"].value
    wide = wb["扣分明细"]
    assert wide.max_column == 16 and wide.page_setup.orientation == "landscape"
    assert wb["汇总"].page_setup.orientation == "portrait"
    assert wb["窗口得分"]["A1"].value == f"{CENTER}2026年10月窗口得分表"
    assert wb["窗口得分"].row_dimensions[2].height >= 2 * 12  # its headers wrap to two lines


def test_formula_like_text_is_stored_as_itself_with_the_quote_prefix_style(month_book):
    wb = openpyxl.load_workbook(month_book)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    evil = [c for c in cells if c.value in (EVIL_WINDOW, EVIL_PERSON, EVIL_REFERENCE)]
    assert {c.value for c in evil} == {EVIL_WINDOW, EVIL_PERSON, EVIL_REFERENCE}
    assert all(c.data_type == "s" and c.quotePrefix for c in evil)
    assert not any(c.data_type == "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith("'") for c in cells)  # no visible apostrophe
    assert not any(c.quotePrefix for c in cells if c.value == "不动产登记窗口")


def test_the_details_print_the_evidence_wording(month_book):
    ws = openpyxl.load_workbook(month_book)["扣分明细"]
    header = [c.value for c in ws[2]]
    details = [dict(zip(header, row)) for row in ws.iter_rows(min_row=3, values_only=True)]
    other = next(r for r in details if r["依据说明"] == OTHER_REASON)
    assert other["评定依据"] == f"其他：{OTHER_REASON}"
    assert not any("须填写" in str(v) for r in details for v in r.values())


# --- the annual workbook ---------------------------------------------------------------------


def test_the_year_workbook(year_book):
    report = exports.year_report(2026)
    assert report.closed_months == (MONTH,) and report.draft_months == (DRAFT_MONTH,)
    wb = openpyxl.load_workbook(year_book)
    assert wb.sheetnames == ["年度汇总", "人员年度"]
    for ws in wb.worksheets:
        check_printed_sheet(ws, report.code)
    ws = wb["年度汇总"]
    assert ws["A1"].value == f"{CENTER}2026年度窗口考评汇总表"
    header = [c.value for c in ws[2]]
    assert header[:4] == ["排名", "窗口编号", "窗口名称", "进驻部门"]
    assert header[4:6] == ["2026年10月", "2026年11月（草稿）"]
    assert header[6:] == ["年度平均分", "考评月数", "红旗窗口次数", "红旗窗口月份", "取消评优", "年度先进窗口"]
    rows = {r[1]: dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True) if r[1]}
    w01 = next(r for r in report.rows if r.code == "W01")
    assert rows["W01"]["2026年10月"] == 92.15 and rows["W01"]["年度平均分"] == 92.15
    assert rows["W01"]["2026年11月（草稿）"] == float(round_half_up(w01.drafts[DRAFT_MONTH])) < 100
    assert rows["W01"]["排名"] == w01.rank and rows["W01"]["考评月数"] == 1
    draft_col = header.index("2026年11月（草稿）") + 1
    draft, closed = ws.cell(row=3, column=draft_col), ws.cell(row=3, column=draft_col - 1)
    assert draft.font.i and draft.font.color.rgb.endswith("808080") and not closed.font.i
    assert draft.number_format == closed.number_format == "0.00"
    flat = [c.value for row in ws.iter_rows() for c in row]
    assert report.code in flat and any("草稿" in str(v) and "仅供参考" in str(v) for v in flat)
    awards = [r[1] for r in ws.iter_rows(min_row=3, values_only=True) if r[header.index("年度先进窗口")] == "是"]
    assert awards == [r.code for r in report.rows if r.award]

    people = wb["人员年度"]
    assert [c.value for c in people[2]] == ["工号", "姓名", "窗口编号", "考评月数", "年度平均分"]
    values = [r for r in people.iter_rows(min_row=3, values_only=True)]
    assert [r[0] for r in values] == [p.id for p in report.people]
    zhang = next(r for r in values if r[0] == "1001")
    assert zhang[1:] == ("张三", "W01", 1, 95.5)


def _full_year(drafts: int) -> YearReport:
    """Twelve months of 40 windows, the last `drafts` of them open: the widest annual sheet."""
    months = tuple(f"2026-{m:02d}" for m in range(1, 13))
    closed, open_ = months[: 12 - drafts], months[12 - drafts :]
    score = Fraction(9915, 100)
    rows = tuple(
        AnnualRow(
            code=f"W{i:02d}",
            name="不动产登记与交易综合服务窗口",
            department="县自然资源和规划局",
            totals={m: score for m in closed},
            drafts={m: score for m in open_},
            mean=score,
            months=len(closed),
            red_flag_months=closed[:3],
            disqualified=i % 9 == 0,
            eligible=i % 9 != 0,
            rank=i,
            award=i < 4,
        )
        for i in range(1, 41)
    )
    people = (AnnualPersonRow("1001", "张三", "W01", {m: score for m in closed}, score, len(closed)),)
    return YearReport(2026, months, closed, open_, rows, people, 3, CENTER, (), datetime(2026, 12, 31), "0" * 64)


@pytest.mark.parametrize("drafts", [0, 12])
def test_a_full_year_still_prints_at_8_pt_or_more(tmp_path, drafts):
    path = xlsx.write_year_workbook(tmp_path / "y.xlsx", _full_year(drafts))
    ws = openpyxl.load_workbook(path)["年度汇总"]
    assert ws.max_column == 4 + 12 + 6
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert printed_size(ws) >= MIN_PT


# --- LibreOffice ------------------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(
    not shutil.which("soffice") or not shutil.which("pdftotext"),
    reason="LibreOffice (soffice) or poppler-utils not installed",
)


def to_pdf(book: Path) -> Path:
    out = book.parent / "pdf"
    profile = book.parent / "lo-profile"  # its own profile: no clash with a running LibreOffice
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        command + ["--outdir", str(out), str(book)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / (book.stem + ".pdf")


def page_sizes(pdf: Path, count: int) -> set[tuple[int, int]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(count), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    return {tuple(sorted((round(float(w)), round(float(h))))) for w, h in sizes}


@needs_soffice
def test_libreoffice_prints_the_month_workbook_on_a_few_a4_pages(month_book):
    pdf = to_pdf(month_book)
    pages = pdf_pages(pdf)
    wb = openpyxl.load_workbook(month_book)
    assert page_sizes(pdf, len(pages)) == {(595, 842)}  # A4, either way round
    rows = sum(ws.max_row for ws in wb.worksheets)
    assert len(wb.worksheets) <= len(pages) <= len(wb.worksheets) + rows // 10  # no sheet spread over columns of pages
    for ws in wb.worksheets:
        title = ws["A1"].value
        mine = [p for p in pages if title in squeeze(p)]
        assert mine, title
        widths = column_widths(ws)
        one_line = [h.value for h, w in zip(ws[2], widths) if lines_needed(h.value, w, h.font.sz) == 1]
        assert len(one_line) >= 2, title
        for page in mine:  # the header row is repeated on each page of the sheet
            assert all(squeeze(h) in squeeze(page) for h in one_line), (title, page[:200])
    assert "校验码" in pages[0] and re.search(r"第\s*1\s*页，共\s*\d+\s*页", pages[0])
    if metric_calibri():  # LibreOffice measures columns as Excel does only with Calibri's metrics
        assert min(cjk_sizes(pdf)) >= MIN_PT - 0.2


def metric_calibri() -> bool:
    if not shutil.which("fc-match"):
        return False
    found = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout
    return "Calibri" in found or "Carlito" in found


def cjk_sizes(pdf: Path) -> list[float]:
    """The printed size of two-character CJK words: a CJK character is 1 em wide."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sizes = []
    for x0, x1, word in re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<', text):
        if len(word) == 2 and all(unicodedata.east_asian_width(ch) == "W" for ch in word):
            sizes.append((float(x1) - float(x0)) / 2)
    assert sizes
    return sizes


@needs_soffice
def test_libreoffice_prints_the_year_workbook(year_book):
    pdf = to_pdf(year_book)
    pages = pdf_pages(pdf)
    assert page_sizes(pdf, len(pages)) == {(595, 842)}
    assert 2 <= len(pages) <= 6
    flat = squeeze("".join(pages))
    assert f"{CENTER}2026年度窗口考评汇总表" in flat and "排名窗口编号窗口名称进驻部门" in flat
    assert f"{CENTER}2026年度人员考评汇总表" in flat and "工号姓名窗口编号" in flat
