"""Month and year exports on a real database: PDFs read back with poppler, workbooks with openpyxl."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from kaoping_desktop import services
from kaoping_desktop.services import custody
from kaoping_desktop.services import exports as export_service
from kaoping_desktop.domain.evidence_chain import STAFF_SHEET, SUMMARY, WINDOW_SHEET, DocumentKey
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.numbers import round_half_up
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.reports import pdf as report_pdf
from kaoping_desktop.reports.data import DRAFT_MARK
from kaoping_desktop.store import models, repository
from kaoping_desktop.store.database import close_database

from store_builders import add_incidents

# CI installs poppler-utils; there a missing tool must fail, not skip.
pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo")) and not os.environ.get("CI"),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) not installed",
)

MONTH = "2026-10"
EVIL_NAME = "=1+2"
MANY = 120


# --- a small center ---------------------------------------------------------------


def _people(window_code, *entries):
    for pid, name, role in entries:
        repository.upsert_person(Person(pid, name))
        repository.replace_assignments(pid, [Assignment(pid, window_code, role)])


@pytest.fixture
def db(tmp_path):
    services.open_app_database(tmp_path / "k.db")
    repository.set_setting("center_name", "示范县政务服务中心")
    repository.upsert_window(Window("W01", "不动产登记窗口", "县自然资源局"))
    repository.upsert_window(Window("W02", "税务综合窗口", "县税务局"))
    repository.upsert_window(Window("W03", "社保医保窗口", "县人社局"))
    _people("W01", ("1001", "张赟", CHIEF), ("1002", "李喆", WINDOW_STAFF), ("1003", "王昇", WINDOW_STAFF))
    _people("W02", ("2001", "赵燚", CHIEF), ("2002", EVIL_NAME, WINDOW_STAFF))
    _people("W03", ("3001", "周堃", CHIEF), ("3002", "钱多多", WINDOW_STAFF))
    d = date(2026, 10, 8)
    # scoring.md's worked example on W01 (total 92.15), with evidence references
    add_incidents(
        [
            Incident(d, "W01", "4.4", 1, "E11", "红牌", reference="电监2026-101"),
            Incident(d, "W01", "5.4", 2, "E17", "迟到（早退）"),
            Incident(d, "W01", "2.2", 1, "E03"),
            Incident(d, "W01", "P1.1", 3, "E26", person_id="1002"),
            Incident(d, "W01", "P2.3", 1, "E05", person_id="1002", reference="投诉TS-0815"),
            Incident(d, "W01", "P2.1", 1, "E04", person_id="1001"),
        ]
    )
    [voided] = add_incidents([Incident(d, "W01", "6.1", 1, "E20", reference="作废-VOID-9")])
    models.Incident.update(voided=True, void_reason="录入错误").where(models.Incident.id == voided).execute()
    add_incidents([Incident(date(2026, 10, 12), "W02", "3.4", 1, "E07", reference="=cmd|' /C calc'!A0")])
    clauses = [("3.4", "E07"), ("4.2", "E07"), ("4.3", "E07"), ("5.8", "E19"), ("5.10", "E13"), ("6.3", "E23")]
    add_incidents(
        [
            Incident(date(2026, 10, 1 + i % 28), "W03", clauses[i % 6][0], 1, clauses[i % 6][1], reference=f"RB-{i:03d}")
            for i in range(MANY)
        ]
    )
    add_incidents([Incident(date(2026, 9, 3), "W02", "2.2", 1, "E03")])  # another month of the year
    yield tmp_path
    close_database()


# --- reading files back -------------------------------------------------------------


def pdf_pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pdf_fonts(path: Path) -> list[dict]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return rows


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def export(tmp_path, name="out"):
    return export_service.export_month(MONTH, pdf_dir=tmp_path / name, xlsx_file=tmp_path / name / f"{MONTH}.xlsx")


# --- PDFs -------------------------------------------------------------------------------


def test_export_writes_the_expected_files(db):
    paths = export(db)
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "2026-10_W01_窗口评分表.pdf",
            "2026-10_W02_窗口评分表.pdf",
            "2026-10_W03_窗口评分表.pdf",
            "2026-10_月度汇总.pdf",
            "2026-10_人员得分表.pdf",
            "2026-10.xlsx",
        ]
    )
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert sorted(p.name for p in (db / "out").iterdir()) == names  # no temp files left


def test_every_pdf_embeds_only_subset_fonts(db):
    for path in export(db):
        if path.suffix != ".pdf":
            continue
        fonts = pdf_fonts(path)
        assert fonts, path
        for f in fonts:
            assert f["emb"] == "yes" and f["sub"] == "yes", (path.name, f)
            assert re.match(r"[A-Z]{6}\+(UMingCN|WenQuanYiMicroHei)", f["name"]), f  # body, titles


def test_window_sheet_content(db):
    export(db)
    path = db / "out" / "2026-10_W01_窗口评分表.pdf"
    text = pdf_text(path)
    flat = squeeze(text)
    for expected in (
        "示范县政务服务中心",
        "窗口月度考评评分表",
        "2026年10月",
        "W01",
        "不动产登记窗口",
        "县自然资源局",
        "张赟",
        "李喆",
        "王昇",
        "92.15",
        "19.15",
        "9.55",
        "9.60",
        "95.50",
        "92.00",
        "100.00",
        "电监2026-101",
        "投诉TS-0815",
        "红牌",
        "迟到（早退）",
        "会议签到册",
    ):
        assert squeeze(expected) in flat, expected
    assert "VOID-9" not in flat  # voided incidents are not printed
    for title in ("考评人", "审核人", "中心负责人", "窗口首席代表确认"):
        assert title + "：" in flat
    assert flat.count("签字：") >= 4 and flat.count("日期：") >= 4
    # window deduction and chief share of 4.4 红牌 ×1: 3.00 and 1.50
    assert re.search(r"2026-10-08\s+4\.4.*红牌.*3\.00\s+1\.50", text)


def test_every_page_has_number_code_and_draft_mark(db):
    """Each document has its own code (formats.md), on every one of its pages."""
    export(db)
    windows = [w.code for w in services.month_results(MONTH).windows]
    codes = custody.month_document_codes(MONTH, windows)
    by_file = {
        f"{MONTH}_{key.window_code}_窗口评分表.pdf" if key.document == WINDOW_SHEET else
        {SUMMARY: f"{MONTH}_月度汇总.pdf", STAFF_SHEET: f"{MONTH}_人员得分表.pdf"}.get(key.document, ""): code
        for key, code in codes.items()
    }
    assert len(set(codes.values())) == len(codes)  # no two documents share a code
    assert export_service.month_verification_code(MONTH) == codes[DocumentKey(SUMMARY, MONTH)]
    pdfs = list((db / "out").glob("*.pdf"))
    assert len(pdfs) == len(windows) + 2
    for path in pdfs:
        code = by_file[path.name]
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
        pages = pdf_pages(path)
        assert len(pages) == page_count(path)
        for number, page in enumerate(pages, start=1):
            flat = squeeze(page)
            assert f"第{number}页/共{len(pages)}页" in flat, (path.name, number)
            assert f"校验码：{code}" in flat
            assert DRAFT_MARK in flat
            assert "生成时间：" in flat


def test_closed_month_has_no_draft_mark_and_same_code(db):
    draft_code = export_service.month_verification_code(MONTH)
    services.close_month(MONTH)
    paths = export(db, "closed")
    assert export_service.month_verification_code(MONTH) == draft_code
    for path in paths:
        if path.suffix == ".pdf":
            text = squeeze(pdf_text(path))
            assert DRAFT_MARK not in text, path.name
            if "月度汇总" in path.name:
                assert draft_code in text
    wb = openpyxl.load_workbook(db / "closed" / f"{MONTH}.xlsx")
    values = [c.value for row in wb["汇总"].iter_rows() for c in row]
    assert "已锁定" in values and DRAFT_MARK not in values


def test_many_incidents_break_across_pages_with_the_header_repeated(db):
    export(db)
    path = db / "out" / "2026-10_W03_窗口评分表.pdf"
    pages = pdf_pages(path)
    assert page_count(path) == len(pages) > 1
    with_rows = [p for p in pages if re.search(r"2026-10-\d\d\s+\d\.\d+", p)]
    assert len(with_rows) >= 2
    for page in with_rows:
        assert re.search(r"日期\s+条款\s+条款内容\s+情形\s+次数\s+评定依据", page), page[:300]
    text = pdf_text(path)
    assert all(f"RB-{i:03d}" in text for i in range(MANY))
    assert "周堃" in text and "钱多多" in text
    assert "扣完为止" in text  # categories were exhausted


def test_summary_and_staff_sheets(db):
    export(db)
    result = services.month_results(MONTH)
    summary = pdf_text(db / "out" / "2026-10_月度汇总.pdf")
    flat = squeeze(summary)
    for w in result.windows:
        assert w.name in flat and w.department in flat
        assert f"{round_half_up(w.total):.2f}" in flat
    assert "红旗窗口" in flat and "取消评优" in flat
    assert "考评人：" in flat
    staff = squeeze(pdf_text(db / "out" / "2026-10_人员得分表.pdf"))
    for p in result.people:
        assert p.person_id in staff and squeeze(p.name) in staff
        assert f"{round_half_up(p.score):.2f}" in staff
    for name in ("张赟", "李喆", "王昇", "赵燚", "周堃"):
        assert name in staff


# --- workbook -------------------------------------------------------------------------------


def _records(ws):
    """The table under the title row: row 2 is the header."""
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:]]


def _score(value: Fraction) -> float:
    return float(round_half_up(value))


def test_month_workbook(db):
    export(db)
    result = services.month_results(MONTH)
    wb = openpyxl.load_workbook(db / "out" / f"{MONTH}.xlsx")
    assert wb.sheetnames == ["汇总", "窗口得分", "人员得分", "扣分明细"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A3"  # the title row and the header row stay
        assert ws["A1"].value.startswith("示范县政务服务中心2026年10月")
        assert all(c.font.bold for c in ws[2] if c.value is not None)
        assert str(ws.page_setup.paperSize) == "9"  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.column_dimensions["B"].customWidth and ws.column_dimensions["B"].width >= 8

    windows = {r["窗口编号"]: r for r in _records(wb["窗口得分"])}
    assert set(windows) == {w.code for w in result.windows}
    for w in result.windows:
        row = windows[w.code]
        assert row["总分"] == _score(w.total)
        assert row["排名"] == w.rank
        assert row["首席代表基础分"] == _score(w.chief_component)
        assert row["工作人员基础分"] == _score(w.staff_component)
        assert row["1 基础分"] == _score(w.categories["1"])
        assert row["6 服务监督"] == _score(w.categories["6"])
    assert windows["W01"]["总分"] == 92.15
    ws = wb["窗口得分"]
    total_col = [c.value for c in ws[2]].index("总分") + 1
    assert ws.cell(row=3, column=total_col).number_format == "0.00"

    people = {r["工号"]: r for r in _records(wb["人员得分"])}
    for p in result.people:
        assert people[p.person_id]["得分"] == _score(p.score)
    assert people["1001"]["得分"] == 95.5 and people["1001"]["姓名"] == "张赟"
    # a name that looks like a formula is written as text with the quote-prefix style
    ws = wb["人员得分"]
    evil = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and EVIL_NAME in c.value]
    assert evil and all(c.value == EVIL_NAME and c.data_type == "s" and c.quotePrefix for c in evil)

    details = _records(wb["扣分明细"])
    assert len(details) == 6 + 1 + MANY  # the voided one and September's are not there
    evil = [c for row in wb["扣分明细"].iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0"]
    assert evil and all(c.data_type == "s" and c.quotePrefix for c in evil)
    red = next(r for r in details if r["条款"] == "4.4")
    assert red["窗口扣分"] == 3.0 and red["首席扣分"] == 1.5 and red["次数"] == 1
    assert red["日期"].date() == date(2026, 10, 8)


# --- cancel and errors -------------------------------------------------------------------------


def test_cancel_after_two_files_leaves_nothing(db):
    done = []
    out = db / "cancel"
    with pytest.raises(export_service.ExportCancelled):
        export_service.export_month(
            MONTH,
            pdf_dir=out,
            xlsx_file=out / "m.xlsx",
            progress=lambda d, total: done.append((d, total)),
            cancelled=lambda: done[-1][0] >= 2,
        )
    assert done[0] == (0, 6) and done[-1] == (2, 6)
    assert list(out.iterdir()) == []


def test_a_failing_writer_leaves_no_partial_file(db, monkeypatch):
    def broken(path, report):
        Path(path).write_bytes(b"%PDF-1.4 half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(report_pdf, "write_month_summary", broken)
    out = db / "broken"
    with pytest.raises(RuntimeError):
        export_service.export_month(MONTH, pdf_dir=out)
    names = sorted(p.name for p in out.iterdir())
    assert "2026-10_月度汇总.pdf" not in names
    assert not any(n.endswith(".part") or n.startswith(".") for n in names)

