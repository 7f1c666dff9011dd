"""The window's paper: 核验校验码, 打印本月全部评分表 (one merged document, printed page by
page), the 通报 in Word, the year's chart with draft months, per-document signature titles.
Real database files, real PDFs and .docx read back, real widgets (offscreen)."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kaoping_desktop import services
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.gui.main_window import MainWindow
from kaoping_desktop.gui.results_worker import PARTS
from kaoping_desktop.services import custody, exports
from kaoping_desktop.store.database import close_database

from gui_helpers import check, shot, type_text, when_dialog_opens
from store_builders import add_incidents, worked_example_db

MONTH = "2026-10"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def printed_codes(path: Path) -> list[str]:
    """The codes in the footers, as printed (whatever their format)."""
    return re.findall(r"校验码：\s*(\S+)", pdf_text(path))


@pytest.fixture
def db(tmp_path):
    worked_example_db(tmp_path / "k.db")  # W01, three people, six incidents of 2026-10
    yield tmp_path / "k.db"
    close_database()


@pytest.fixture
def window(db, qtbot):
    main = MainWindow()
    qtbot.addWidget(main)
    main.month_picker.set_month(MONTH)
    main.show()
    main.qtbot = qtbot
    yield main
    main.stop_workers()


def results(main):
    main.tabs.setCurrentWidget(main.results_tab)
    main.qtbot.waitUntil(lambda: main.results_tab.is_current(PARTS), timeout=20000)
    return main.results_tab


# --- 核验校验码 -------------------------------------------------------------------------------


def verify_typed(main, qtbot, typed: str):
    """Open 工具 → 核验校验码, type the code, press Enter; the dialog once it has answered."""
    main.verifyAction.trigger()
    dialog = main.last_dialog
    assert dialog.isVisible() and dialog.focusWidget() is dialog.codeEdit
    QTest.keyClicks(dialog.codeEdit, typed)
    QTest.keyClick(dialog.codeEdit, Qt.Key_Return)
    qtbot.waitUntil(lambda: dialog.verdict is not None, timeout=20000)
    return dialog


def test_a_code_from_a_closed_months_sheet_verifies_until_its_window_changes(window, qtbot, tmp_path):
    services.close_month(MONTH)
    exports.export_month(MONTH, tmp_path / "pdf")
    (sheet,) = tmp_path.joinpath("pdf").glob(f"{MONTH}_W01_*.pdf")
    (code,) = set(printed_codes(sheet))

    typed = code.lower().replace("-", " ")  # as a clerk might type it from paper
    dialog = verify_typed(window, qtbot, typed)
    assert dialog.verdict == "一致"
    assert "一致" in dialog.verdictLabel.text() and "#1e7b34" in dialog.verdictLabel.styleSheet()
    lines = dialog.linesView.toPlainText()
    assert MONTH in lines and "W01" in lines and "窗口评分表" in lines
    shot(dialog, "verify-unchanged.png")
    dialog.close()

    services.reopen_month(MONTH, "补录")
    add_incidents([Incident(date(2026, 10, 20), "W01", "3.1", 1, "E07")])
    services.close_month(MONTH)
    dialog = verify_typed(window, qtbot, code)
    assert dialog.verdict == "已改变"
    assert "#b00020" in dialog.verdictLabel.styleSheet()
    shot(dialog, "verify-changed.png")

    # The next code is typed over the last one; a malformed one is said, not raised.
    type_text(dialog.codeEdit, "不是校验码")
    QTest.keyClick(dialog.codeEdit, Qt.Key_Enter)
    qtbot.waitUntil(lambda: dialog.verdict is not None, timeout=20000)
    assert dialog.verdict == "格式不正确" and dialog.codeEdit.text() == "不是校验码"


def test_the_results_tab_opens_the_verify_dialog(window, qtbot):
    tab = results(window)
    tab.verifyButton.click()
    dialog = tab.verify_dialog
    assert dialog.isVisible()
    dialog.close()


# --- signature titles per document, the 通报's issuer -----------------------------------------


def test_each_documents_titles_are_edited_on_their_own_and_persist(window, qtbot):
    from kaoping_desktop.services.settings import issuer, load_settings

    settings = window.settings_tab
    window.tabs.setCurrentWidget(settings)
    assert [settings.titlesDocumentCombo.itemText(i) for i in range(settings.titlesDocumentCombo.count())] == [
        "窗口评分表", "月度汇总表", "人员得分表", "年度汇总"
    ]
    window_titles = settings.titles.stringList()
    assert window_titles[-1] == "窗口首席代表确认"
    settings.choose_titles_document("summary")
    assert settings.titles.stringList() == ["考评人", "审核人", "中心负责人"]  # no chief by default
    assert settings.titlesView.model() is settings.titles
    settings.addTitleButton.click()
    settings.titles.setData(settings.titles.index(settings.titles.rowCount() - 1), "分管领导")
    settings.titlesView.setCurrentIndex(settings.titles.index(0))
    settings.removeTitleButton.click()
    settings.issuerEdit.setText("平安县政务服务管理办公室")
    shot(settings, "settings-titles.png")
    assert settings.has_unsaved_changes()
    assert settings.save(), settings.errorLabel.text()

    stored = load_settings().signature_titles
    assert stored["summary"] == ("审核人", "中心负责人", "分管领导")
    assert stored["window"] == tuple(window_titles)
    assert issuer() == "平安县政务服务管理办公室"
    settings.refresh()  # read back from the database
    settings.choose_titles_document("window")
    assert settings.titles.stringList() == window_titles
    settings.choose_titles_document("summary")
    assert settings.titles.stringList() == ["审核人", "中心负责人", "分管领导"]
    assert settings.issuerEdit.text() == "平安县政务服务管理办公室"
    assert not settings.has_unsaved_changes()


# --- the chart: closed months are results, open months drafts ---------------------------------


def test_the_chart_marks_open_months_as_drafts(window, qtbot):
    from kaoping_desktop.services import settings as settings_service

    settings_service.set_value("first-month", "2026-09")
    services.close_month("2026-09")
    tab = results(window)
    tab.select_window("W01")
    total = tab.result.windows[0].total
    assert total < 100
    assert [tuple(p) for p in tab.chart.points] == [(9, 100, False), (10, total, True)]
    assert tab.chart.has_drafts() and "草稿" in tab.chart.title
    window.resize(1200, 780)
    tab.detailTabs.setCurrentWidget(tab.chartPage)
    shot(tab.chart, "chart-draft.png")

    assert tab.close_month(confirm=False)
    qtbot.waitUntil(lambda: tab.is_current(PARTS), timeout=20000)
    assert [tuple(p) for p in tab.chart.points] == [(9, 100, False), (10, total, False)]
    assert not tab.chart.has_drafts() and "草稿" not in tab.chart.title

    # Reopened, the month is a draft again (the cached year is not trusted across the change).
    assert tab.reopen_month("补录")
    qtbot.waitUntil(lambda: tab.is_current(PARTS), timeout=20000)
    assert [p.draft for p in tab.chart.points] == [False, True]


# --- 生成通报（Word） ------------------------------------------------------------------------


def test_the_notice_button_writes_the_word_draft(window, qtbot, tmp_path):
    import docx
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    tab = results(window)
    assert tab.noticeButton.isEnabled()
    target = tmp_path / "通报" / tab.notice_file_name()
    target.parent.mkdir()
    assert target.name == "关于2026年10月窗口月度考评情况的通报.docx"

    def answer(dialog):  # the save dialog offers the default name; the clerk picks the folder
        assert isinstance(dialog, QFileDialog)
        assert dialog.selectedFiles()[0].endswith(target.name)
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(target))
        dialog.accept()

    errors = when_dialog_opens(answer)
    written = tab.export_notice()
    check(errors)
    assert written == target and target.is_file()
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs]
    assert "关于2026年10月窗口月度考评情况的通报" in paragraphs
    assert "已生成通报" in tab.warningLabel.text()


# --- 打印本月全部评分表 ---------------------------------------------------------------------


def add_second_window() -> None:
    from kaoping_desktop.domain.roster import CHIEF, Assignment, Person, Window
    from kaoping_desktop.store import repository

    repository.upsert_window(Window("W02", "社保窗口", "县人社局"))
    repository.upsert_person(Person("2001", "赵六"))
    repository.replace_assignments("2001", [Assignment("2001", "W02", CHIEF)])
    add_incidents([Incident(date(2026, 10, 9), "W02", "3.1", 1, "E07")])


def test_print_all_saves_one_pdf_with_every_window(window, qtbot, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    add_second_window()
    tab = results(window)
    assert tab.printAllButton.isEnabled()
    tab.printAllButton.click()
    dialog = tab.print_all_dialog
    assert dialog.isVisible() and dialog.printButton.isDefault()
    assert dialog.summaryCheck.isChecked() and dialog.staffCheck.isChecked()
    assert "2 个窗口" in dialog.introLabel.text()
    shot(dialog, "print-all.png")
    dialog.staffCheck.setChecked(False)
    target = tmp_path / "全部.pdf"

    def answer(save):
        assert isinstance(save, QFileDialog)
        assert save.selectedFiles()[0].endswith(f"{MONTH}_全部评分表.pdf")
        save.findChild(QLineEdit, "fileNameEdit").setText(str(target))  # typed as a whole path
        save.accept()

    errors = when_dialog_opens(answer)
    dialog.pdfButton.click()  # the save runs once the dialog has closed
    qtbot.waitUntil(lambda: target.is_file() or bool(errors), timeout=30000)
    check(errors)
    text = pdf_text(target)
    assert "评分表（W01 2026年10月）" in text and "评分表（W02 2026年10月）" in text
    assert "窗口月度考评汇总表" in text and "人员月度考评得分表" not in text  # the staff sheet left out
    # Each sheet carries its own code, and every one of them verifies.
    codes = set(printed_codes(target))
    assert len(codes) == 3
    assert all(custody.verify(code).unchanged for code in codes)


def test_printing_the_month_paints_every_page_of_the_merged_document(window, qtbot, tmp_path):
    from kaoping_desktop.gui.printing import new_printer
    from PySide6.QtPrintSupport import QPrinter

    add_second_window()
    tab = results(window)
    book = tab.save_month_book(tmp_path / "book.pdf")
    assert book is not None
    printer = new_printer()
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = tab.print_month_book(printer=printer)
    assert pages == pdf_pages(book) >= 4
    assert pdf_pages(tmp_path / "printed.pdf") == pages
    assert f"共 {pages} 页" in tab.warningLabel.text()


def test_printing_reports_each_page_and_stops_when_cancelled(window, tmp_path):
    from kaoping_desktop.gui.printing import PrintCancelled, new_printer, paint_pdf
    from PySide6.QtPrintSupport import QPrinter

    tab = results(window)
    book = tab.save_month_book(tmp_path / "book.pdf")
    total = pdf_pages(book)
    printer = new_printer()
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    seen = []
    with pytest.raises(PrintCancelled):
        paint_pdf(printer, book, 100, lambda done, n: seen.append((done, n)), lambda: len(seen) >= 1)
    assert seen == [(1, total)]
