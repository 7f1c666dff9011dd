"""Page layout of the PDFs, read back with poppler: one-page window sheets, signatures kept
with the results, the month's book as one document, the fonts embedded."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date

import pytest

from kaoping_desktop import services
from kaoping_desktop.domain.evidence_chain import STAFF_SHEET, SUMMARY, WINDOW_SHEET, DocumentKey
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Person, Window
from kaoping_desktop.reports import fonts
from kaoping_desktop.reports import pdf as report_pdf
from kaoping_desktop.services import custody
from kaoping_desktop.services import exports as export_service
from kaoping_desktop.store import repository
from kaoping_desktop.store.database import close_database

from store_builders import add_incidents
from test_reports_export import _people, page_count, pdf_fonts, pdf_pages, squeeze

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo")) and not os.environ.get("CI"),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) not installed",
)

MONTH = "2026-10"
# window clauses with an evidence type each, and staff clauses (with a person)
WINDOW_CLAUSES = [("3.4", "E07"), ("4.2", "E07"), ("4.3", "E07"), ("5.8", "E19"), ("5.10", "E13"), ("6.3", "E23")]
STAFF_CLAUSES = [("P1.1", "E26"), ("P2.3", "E05"), ("P2.1", "E04")]


def _incidents(window_code: str, staff_id: str, n: int) -> list[Incident]:
    """n incidents, about a third of them staff ones, each with a realistic reference."""
    out = []
    for i in range(n):
        day = date(2026, 10, 1 + i % 28)
        if i % 3 == 2:
            clause, evidence = STAFF_CLAUSES[i % 3]
            out.append(Incident(day, window_code, clause, 1, evidence, person_id=staff_id, reference=f"投诉TS-{i:04d}"))
        else:
            clause, evidence = WINDOW_CLAUSES[i % 6]
            out.append(Incident(day, window_code, clause, 1 + i % 2, evidence, reference=f"电监2026-{100 + i}"))
    return out


@pytest.fixture
def db(tmp_path):
    services.open_app_database(tmp_path / "k.db")
    repository.set_setting("center_name", "示范县政务服务中心")
    repository.upsert_window(Window("W01", "不动产登记窗口", "县自然资源局"))
    repository.upsert_window(Window("W15", "市场监管综合受理窗口", "县市场监督管理局"))
    repository.upsert_window(Window("W40", "社会保险和医疗保障综合窗口", "县人力资源和社会保障局"))
    _people("W01", ("1001", "张赟", CHIEF), ("1002", "李喆", WINDOW_STAFF), ("1003", "王昇", WINDOW_STAFF))
    _people("W15", ("1501", "赵燚", CHIEF), ("1502", "钱多多", WINDOW_STAFF), ("1503", "孙一", WINDOW_STAFF),
            ("1504", "周二", WINDOW_STAFF), ("1505", "吴三", WINDOW_STAFF))
    _people("W40", ("4001", "周堃", CHIEF), ("4002", "郑四", WINDOW_STAFF), ("4003", "冯五", WINDOW_STAFF))
    d = date(2026, 10, 8)
    add_incidents(  # scoring.md's worked example (total 92.15)
        [
            Incident(d, "W01", "4.4", 1, "E11", "红牌", reference="电监2026-101"),
            Incident(d, "W01", "5.4", 2, "E17", "迟到（早退）"),
            Incident(d, "W01", "2.2", 1, "E03"),
            Incident(d, "W01", "P1.1", 3, "E26", person_id="1002"),
            Incident(d, "W01", "P2.3", 1, "E05", person_id="1002", reference="投诉TS-0815"),
            Incident(d, "W01", "P2.1", 1, "E04", person_id="1001"),
        ]
    )
    add_incidents(_incidents("W15", "1502", 15))
    add_incidents(_incidents("W40", "4002", 40))
    yield tmp_path
    close_database()


def sheet(tmp_path, code: str):
    report = export_service.month_report(MONTH)
    return report_pdf.write_window_sheet(tmp_path / f"{code}.pdf", report, code)


# --- one page, signatures with the results ---------------------------------------------


def test_worked_example_is_one_page_with_total_and_signatures(db):
    path = sheet(db, "W01")
    assert page_count(path) == 1
    page = squeeze(pdf_pages(path)[0])
    assert "总分92.15" in page
    assert "签字" in page and page.count("签字：") == 4
    for title in ("考评人：", "审核人：", "中心负责人：", "窗口首席代表确认："):
        assert title in page


def test_fifteen_incidents_fit_on_one_page(db):
    path = sheet(db, "W15")
    assert page_count(path) == 1
    page = pdf_pages(path)[0]
    assert all(f"2026-10-{1 + i:02d}" in page for i in range(15))
    assert "总分" in page and "签字" in page


def test_forty_incidents_break_with_header_repeated_and_signatures_on_the_results_page(db):
    path = sheet(db, "W40")
    pages = pdf_pages(path)
    assert page_count(path) == len(pages) > 1
    with_rows = [p for p in pages if re.search(r"2026-10-\d\d\s+\S+", p)]
    assert len(with_rows) >= 2
    for page in with_rows:
        assert re.search(r"日期\s+条款\s+条款内容\s+情形\s+次数\s+评定依据", page)
    [results_page] = [p for p in pages if "总分" in p]
    assert "签字" in results_page and "四、考评结果" in results_page
    assert results_page is pages[-1]
    for page in pages:  # no page holds the signature block and nothing else
        body = squeeze(page)
        if "签字：" in body:
            assert "总分" in body


# --- the month's book -------------------------------------------------------------------


def test_month_book_has_every_sheet_with_its_own_numbers_and_codes(db):
    tmp = db
    singles = export_service.export_month(MONTH, pdf_dir=tmp / "single")
    counts = {p.name: page_count(p) for p in singles}
    seen = []
    book = export_service.export_month_book(
        MONTH, tmp / "book" / "全部.pdf", progress=lambda done, total: seen.append((done, total))
    )
    assert sorted(p.name for p in (tmp / "book").iterdir()) == ["全部.pdf"]
    assert seen[-1] == (5, 5)
    pages = pdf_pages(book)
    assert page_count(book) == len(pages) == sum(counts.values())

    report = export_service.month_report(MONTH)
    order = [(WINDOW_SHEET, "W01"), (WINDOW_SHEET, "W15"), (WINDOW_SHEET, "W40"), (SUMMARY, ""), (STAFF_SHEET, "")]
    files = [f"{MONTH}_W01_窗口评分表.pdf", f"{MONTH}_W15_窗口评分表.pdf", f"{MONTH}_W40_窗口评分表.pdf",
             f"{MONTH}_月度汇总.pdf", f"{MONTH}_人员得分表.pdf"]
    at = 0
    for (document, window), name in zip(order, files):
        code = report.code_for(document, window)
        total = counts[name]
        own = pages[at : at + total]
        assert f"校验码：{code}" in squeeze(pdf_pages(tmp / "single" / name)[0])
        for number, page in enumerate(own, start=1):
            flat = squeeze(page)
            assert f"校验码：{code}" in flat, (name, number)
            assert f"第{number}页/共{total}页" in flat, (name, number)
            if document == WINDOW_SHEET:
                assert f"窗口月度考评评分表（{window}2026年10月）" in flat
        at += total
    # the codes are registered: verify finds the window sheets of the book
    codes = custody.month_document_codes(MONTH, ["W01", "W15", "W40"])
    assert codes[DocumentKey(WINDOW_SHEET, MONTH, "W40")] == report.code_for(WINDOW_SHEET, "W40")


def test_month_book_without_summary_and_staff(db):
    book = export_service.export_month_book(MONTH, db / "w.pdf", include_summary=False, include_staff=False)
    text = squeeze("".join(pdf_pages(book)))
    assert "窗口月度考评汇总表" not in text and "人员月度考评得分表" not in text
    assert all(code in text for code in ("W01", "W15", "W40"))


def test_cancelled_book_leaves_nothing(db):
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(export_service.ExportCancelled):
        export_service.export_month_book(MONTH, db / "out" / "book.pdf", cancelled=cancelled)
    assert list((db / "out").iterdir()) == []


# --- fonts --------------------------------------------------------------------------------


def test_book_embeds_only_subsets_of_the_song_body_and_the_title_face(db):
    book = export_service.export_month_book(MONTH, db / "book.pdf")
    names = set()
    for f in pdf_fonts(book):
        assert f["emb"] == "yes" and f["sub"] == "yes", f
        match = re.fullmatch(r"[A-Z]{6}\+(.+?)(-\d+)?", f["name"])
        assert match, f
        names.add(match.group(1))
    assert names == {"UMingCN", "WenQuanYiMicroHei"}, names


def test_a_character_the_body_face_lacks_is_set_in_the_title_face(db):
    rare = next(ch for ch in "𠮷䶮龘靐齉" if fonts.missing_glyphs(ch) and not fonts.missing_glyphs(ch, fonts.TITLE_FONT))
    repository.upsert_person(Person("1003", f"王{rare}"))
    text = "".join(pdf_pages(sheet(db, "W01")))
    assert f"王{rare}" in text


# --- the year -------------------------------------------------------------------------------


def test_annual_summary_lists_closed_months_and_people(db):
    services.close_month(MONTH)
    path = export_service.export_year(2026, pdf_file=db / "year.pdf")[0]
    text = squeeze("".join(pdf_pages(path)))
    report = export_service.year_report(2026)
    assert "窗口年度考评汇总表" in text and "年度先进窗口" in text and "附：人员年度得分" in text
    for r in report.rows:
        assert r.name in text
    assert {p.id for p in report.people} and all(p.id in text for p in report.people)
    for title in report.signature_titles:
        assert f"{title}：" in text
    assert "窗口首席代表确认" not in text
