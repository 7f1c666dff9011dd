"""Limits at the door (formats.md, "Limits"): what an import or the entry form refuses,
and what the sheets must survive anyway.

Real workbooks (written with openpyxl, some then edited at the XML level so that
they stay small while declaring a huge sheet), a real SQLite file, PDFs read back
with poppler, the real entry form and roster dialogs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kaoping_desktop import services
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.roster import Window
from kaoping_desktop.domain.validation import (
    MAX_COLUMNS,
    MAX_ROWS,
    ImportRejected,
    RowError,
    error_lines,
    problems_text,
    text_problem,
)
from kaoping_desktop.services import exports as export_service
from kaoping_desktop.services import incidents as incident_service
from kaoping_desktop.services import roster_view
from kaoping_desktop.services.errors import InputError
from kaoping_desktop.store import repository
from kaoping_desktop.store.database import close_database

from store_builders import add_incidents, worked_example_db
from workbooks import WORKED_LEDGER, WORKED_ROSTER_PEOPLE, WORKED_ROSTER_WINDOWS, write_ledger, write_roster

SHEET_XML = "xl/worksheets/sheet1.xml"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
OK_ROW = ["2026-10-09", "W01", None, "2.2", None, 1, "E03", None, None]  # 2.2 needs no person


@pytest.fixture
def roster_db(db, tmp_path):
    services.import_roster(write_roster(tmp_path / "roster.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE))
    return db


def row(**changes) -> list:
    """OK_ROW with some columns changed, by header name."""
    header = ["日期", "窗口编号", "工号", "条款", "情形", "次数", "评定依据", "依据说明", "备注"]
    out = list(OK_ROW)
    for name, value in changes.items():
        out[header.index(name)] = value
    return out


def edit_sheet(path: Path, change, member: str = SHEET_XML) -> Path:
    """Rewrite one part of an xlsx in place (the file stays a valid, small zip)."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename == member:
                new = change(data.decode("utf-8"))
                assert new != data.decode("utf-8"), "the edit changed nothing"
                data = new.encode("utf-8")
            target.writestr(info, data)
    return path


def set_dimension(xml: str, ref: str | None) -> str:
    """The sheet's <dimension ref>, replaced (None: removed)."""
    return re.sub(r"<dimension ref=\"[^\"]*\"\s*/>", "" if ref is None else f'<dimension ref="{ref}"/>', xml)


def add_cell(xml: str, ref: str, text: str = "x") -> str:
    """One more text cell, in a row of its own after the last one or at the end of an existing row."""
    number = int(re.search(r"\d+$", ref).group())
    cell = f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    existing = re.search(rf'<row r="{number}"[^>]*>.*?</row>', xml)
    if existing:
        return xml[: existing.end() - len("</row>")] + cell + xml[existing.end() - len("</row>") :]
    return xml.replace("</sheetData>", f'<row r="{number}">{cell}</row></sheetData>')


def stored():
    return repository.load_incidents(date(1900, 1, 1), date(2200, 12, 31))


def refusal(path: Path, importer=services.import_incidents) -> list[RowError]:
    with pytest.raises(ImportRejected) as caught:
        importer(path)
    return caught.value.errors


# --- the rule itself: one place ---------------------------------------------------------------


@pytest.mark.parametrize(
    "column, text, refused",
    [
        ("依据说明", "文" * 200, False),
        ("依据说明", "文" * 201, True),
        ("备注", "x" * 201, True),
        ("备注", "第一行\n第二行", False),  # Alt+Enter in an Excel cell: free text may run over lines
        ("备注", "第一行\r\n第二行", True),
        ("姓名", "名" * 50, False),
        ("姓名", "名" * 51, True),
        ("窗口名称", "窗" * 51, True),
        ("进驻部门", "部" * 51, True),
        ("联系电话", "1" * 51, True),
        ("姓名", "张\n三", True),  # a name is one line
        ("姓名", "张\t三", True),
        ("姓名", "张\x00三", True),
        ("姓名", "张\x85三", True),  # C1
        ("工号", "1002" + RLO, True),
        ("窗口编号", "\u2066W01\u2069", True),
        ("依据说明", "\u202a督办\u202c", True),
        ("姓名", "张\u200d三", False),  # zero-width joiner: neither control nor override
    ],
)
def test_text_limits(column, text, refused):
    message = text_problem(column, text)
    assert (message is not None) == refused, message
    if refused:
        assert RLO not in message and "\u2066" not in message and "\u202a" not in message  # never echoed


def test_a_refused_file_lists_200_errors_then_counts_the_rest():
    errors = [RowError("扣分记录", n, "次数", "次数必须是正整数") for n in range(2, 100_002)]
    lines = ImportRejected(errors).lines()
    assert len(lines) == 201
    assert lines[0] == "表「扣分记录」第 2 行【次数】：次数必须是正整数"
    assert lines[199].startswith("表「扣分记录」第 201 行")
    assert "另有 99800 处错误未列出" in lines[200]
    assert error_lines(errors[:200]) == [str(e) for e in errors[:200]]  # 200 or fewer: all, no count line


# --- the ledger import ------------------------------------------------------------------------


def test_ledger_rows_past_the_limits_are_refused_with_row_and_column(roster_db, tmp_path):
    path = write_ledger(
        tmp_path / "ledger.xlsx",
        [
            row(依据说明="督" * 201),
            row(备注="备" * 201),
            row(次数=1000),
            row(日期="1999-12-31"),
            row(日期="2100-01-01"),
            row(条款="P1.1", 工号="1002" + RLO, 评定依据="考勤记录"),
            row(窗口编号="W" + RLO + "01"),
            row(备注="响铃\x9b"),  # C1 (CSI); C0 cannot even be written to a cell
            row(条款="4.4", 情形="红\t牌", 评定依据="E11"),
            row(依据说明="\u2067督办单\u2069"),
            row(),  # a good row: still nothing is written
        ],
    )
    errors = refusal(path)
    assert [(e.row, e.column) for e in errors] == [
        (2, "依据说明"),
        (3, "备注"),
        (4, "次数"),
        (5, "日期"),
        (6, "日期"),
        (7, "工号"),
        (8, "窗口编号"),
        (9, "备注"),
        (10, "情形"),
        (11, "依据说明"),
    ]
    assert errors[0].message == text_problem("依据说明", "督" * 201)  # the entry form's own message
    assert "最多 200 个字" in errors[0].message and "201" in errors[0].message
    assert "最多 999 次" in errors[2].message
    assert "2000-01-01 至 2099-12-31" in errors[3].message
    assert "U+202E" in errors[5].message
    assert not any(ch in str(e) for e in errors for ch in (RLO, "\u2067", "\x9b", "\t"))
    assert stored() == []


def test_ledger_rows_at_the_limits_go_in(roster_db, tmp_path):
    path = write_ledger(
        tmp_path / "ledger.xlsx",
        [
            row(依据说明="督" * 200, 备注="第一行\n" + "备" * 196),
            row(次数=999),
            row(日期="2000-01-01"),
            row(日期="2099-12-31"),
        ],
    )
    assert services.import_incidents(path).added == 4
    notes = {(i.reference, i.note, i.count, i.date) for i in stored()}
    assert ("督" * 200, "第一行\n" + "备" * 196, 1, date(2026, 10, 9)) in notes
    assert {i.count for i in stored()} == {1, 999}


def test_the_entry_service_refuses_with_the_import_message(roster_db):
    data = incident_service.IncidentInput(date(2026, 10, 9), "W01", "2.2", 1, "E03", reference="督" * 201)
    with pytest.raises(InputError) as caught:
        incident_service.add_incident(data)
    assert str(caught.value) == problems_text([("依据说明", text_problem("依据说明", "督" * 201))])
    data = incident_service.IncidentInput(date(2026, 10, 9), "W01", "2.2", 1, "E03", note="甲" + RLO + "乙")
    with pytest.raises(InputError, match="U\\+202E"):
        incident_service.add_incident(data)
    assert stored() == []


# --- the roster import -------------------------------------------------------------------------


def test_roster_names_and_phone_past_the_limits_are_refused(db, tmp_path):
    windows = [
        ["W01", "窗" * 51, "县自然资源局", None, None],
        ["W02", "税务窗口", "县" + RLO + "税务局", None, None],
        ["W0" + RLO + "3", "医保窗口", "县医保局", None, None],
        ["W04", "窗" * 50, "部" * 50, None, None],  # at the limit: fine
    ]
    people = [
        ["1001", "名" * 51, "W04", "首席代表", None, None, ""],
        ["1002", "李\t四", "W04", "窗口工作人员", None, None, ""],
        ["1003", "王五", "W04", "窗口工作人员", None, None, "1" * 51],
        ["10\u202d04", "赵六", "W04", "窗口工作人员", None, None, ""],
        ["1005", "名" * 50, "W04", "窗口工作人员", None, None, "1" * 50],  # fine
    ]
    errors = refusal(write_roster(tmp_path / "roster.xlsx", windows, people), services.import_roster)
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("窗口", 2, "窗口名称"),
        ("窗口", 3, "进驻部门"),
        ("窗口", 4, "窗口编号"),
        ("人员", 2, "姓名"),
        ("人员", 3, "姓名"),
        ("人员", 4, "联系电话"),
        ("人员", 5, "工号"),
    ]
    assert "窗口名称最多 50 个字" in errors[0].message
    assert not any(ch in str(e) for e in errors for ch in (RLO, "\u202d", "\t"))
    assert roster_view.roster()[0] == []


# --- workbooks that declare, or hold, more than the limits -------------------------------------


def test_a_sheet_declaring_a_million_rows_is_refused_before_it_is_loaded(roster_db, tmp_path):
    path = edit_sheet(write_ledger(tmp_path / "huge.xlsx", WORKED_LEDGER), lambda x: set_dimension(x, "A1:XFD1048576"))
    assert path.stat().st_size < 20_000
    started = time.perf_counter()
    (error,) = refusal(path)
    assert time.perf_counter() - started < 5  # it took minutes and gigabytes when it was read
    assert error.sheet == "扣分记录"
    assert "A1:XFD1048576" in error.message and "1048576 行" in error.message and "16384 列" in error.message
    assert f"{MAX_ROWS} 行" in error.message and f"{MAX_COLUMNS} 列" in error.message
    assert stored() == []


def test_any_sheet_of_the_workbook_counts(roster_db, tmp_path):
    path = write_ledger(tmp_path / "two.xlsx", WORKED_LEDGER)
    book = openpyxl.load_workbook(path)
    book.create_sheet("说明")["A1"] = "填表说明"
    book.save(path)
    edit_sheet(path, lambda x: set_dimension(x, "A1:CW3"), "xl/worksheets/sheet2.xml")  # CW = column 101
    (error,) = refusal(path)
    assert error.sheet == "说明" and "A1:CW3" in error.message


@pytest.mark.parametrize(
    "change, where",
    [
        # No <dimension> at all, one cell far below: found by scanning the row tags.
        (lambda x: add_cell(set_dimension(x, None), "A300000"), (0, "200000 行")),
        # The declaration says A1:I7 but a row holds a cell in column XFD.
        (lambda x: add_cell(x, "XFD3"), (3, "16384 列")),
        # No declaration and the wide cell.
        (lambda x: add_cell(set_dimension(x, None), "CW4"), (4, "101 列")),
        # The declaration lies about the rows.
        (lambda x: add_cell(x, "B250000"), (0, "200000 行")),
    ],
)
def test_a_missing_or_lying_declaration_is_caught_while_reading(roster_db, tmp_path, change, where):
    path = edit_sheet(write_ledger(tmp_path / "lies.xlsx", WORKED_LEDGER), change)
    started = time.perf_counter()
    (error,) = refusal(path)
    assert time.perf_counter() - started < 10
    assert (error.sheet, error.row) == ("扣分记录", where[0]) and where[1] in error.message
    assert stored() == []


def test_rows_below_a_declaration_that_is_too_small_are_read(roster_db, tmp_path):
    path = edit_sheet(write_ledger(tmp_path / "short.xlsx", WORKED_LEDGER), lambda x: set_dimension(x, "A1:I2"))
    assert services.import_incidents(path).added == len(WORKED_LEDGER)  # not just the first row


@pytest.mark.slow
def test_the_command_line_refuses_a_huge_sheet_with_exit_status_2(tmp_path):
    roster = write_roster(tmp_path / "roster.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE)
    ledger = edit_sheet(write_ledger(tmp_path / "huge.xlsx", WORKED_LEDGER), lambda x: set_dimension(x, "A1:XFD1048576"))
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    command = [sys.executable, "-m", "kaoping_desktop", "--db", str(tmp_path / "k.db")]

    def run(*args):
        return subprocess.run(command + list(args), capture_output=True, text=True, encoding="utf-8", env=env, timeout=60)

    assert run("import-roster", str(roster)).returncode == 0
    done = run("import-incidents", str(ledger))
    assert done.returncode == 2, done.stderr
    assert "扣分记录" in done.stderr and "A1:XFD1048576" in done.stderr and "200000" in done.stderr


# --- formulas -------------------------------------------------------------------------------------


def _without_addresses(xml: str, number: int) -> str:
    """Row `number` with its cells unaddressed (<c> without r=, allowed: they count along the row)."""
    found = re.search(rf'<row r="{number}"[^>]*>.*?</row>', xml)
    return xml[: found.start()] + re.sub(r' r="[A-Z]+\d+"', "", found.group()) + xml[found.end() :]


@pytest.mark.parametrize("addressed", [True, False])
def test_a_formula_without_a_saved_result_is_refused_with_row_and_column(roster_db, tmp_path, addressed):
    rows = [list(r) for r in WORKED_LEDGER]
    rows[2] = ["" if v is None else v for v in rows[2]]  # a cell for every column, blanks too
    rows[2][8] = '="见"&"附件"'  # 备注 of row 4; openpyxl saves formulas without their results
    path = write_ledger(tmp_path / "formula.xlsx", rows)
    if not addressed:
        edit_sheet(path, lambda x: _without_addresses(x, 4))
    (error,) = refusal(path)
    assert (error.sheet, error.row, error.column) == ("扣分记录", 4, "备注")
    assert "用 Excel 或 WPS 打开该文件并保存后再导入" in error.message
    assert stored() == []


def test_formulas_with_saved_results_are_read_by_their_results(roster_db, tmp_path):
    header = ["日期", "窗口编号", "工号", "条款", "情形", "次数", "评定依据", "依据说明", "备注", "合计"]
    rows = [list(r) + [None] for r in WORKED_LEDGER]
    rows[0][5] = "=1+1"  # 次数 of row 2
    rows[1][8] = '="见"&"附件"'  # 备注 of row 3
    rows[2][8] = '=""'  # 备注 of row 4: a formula whose result is empty text
    rows[3][9] = "=SUM(F2:F5)"  # a column nobody reads: its result does not matter
    path = write_ledger(tmp_path / "cached.xlsx", rows, header)

    def as_excel_saves_them(xml: str) -> str:  # Excel keeps each formula's result in <v>
        xml = re.sub(r'(<c r="F2"[^>]*>)<f>1\+1</f>(?:<v\s*/>|<v>\s*</v>)', r'\1<f>1+1</f><v>2</v>', xml)
        xml = re.sub(r'<c r="I3"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v>\s*</v>)', r'<c r="I3"\1 t="str"><f>\2</f><v>见附件</v>', xml)
        return re.sub(r'<c r="I4"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v>\s*</v>)', r'<c r="I4"\1 t="str"><f>\2</f><v></v>', xml)

    edit_sheet(path, as_excel_saves_them)
    assert services.import_incidents(path).added == len(WORKED_LEDGER)
    found = {(i.clause_code, i.count, i.note) for i in stored()}
    assert ("4.4", 2, "") in found and ("5.4", 2, "见附件") in found and ("2.2", 1, "") in found


# --- the sheets survive long text stored before the limits ---------------------------------------

GREEK = "αβγδεζηθικλμνξοπρστυφχψω"  # appears nowhere else on a sheet, so its order can be checked
LONG_REFERENCE = "".join(GREEK[(i * 7 + i // 24) % 24] for i in range(2000))
LONG_NOTE = "注" * 2000


needs_poppler = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdfinfo")) and not os.environ.get("CI"),
    reason="poppler-utils (pdftotext, pdfinfo) not installed",
)


def _exported_sheet(tmp_path) -> tuple[Path, str]:
    """Export 2026-10 (the database is still open); the W01 sheet and its text."""
    paths = export_service.export_month("2026-10", pdf_dir=tmp_path / "out", xlsx_file=tmp_path / "out" / "m.xlsx")
    sheet = tmp_path / "out" / "2026-10_W01_窗口评分表.pdf"
    assert sheet in paths and all(p.stat().st_size > 0 for p in paths)
    info = subprocess.run(["pdfinfo", str(sheet)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) >= 2
    return sheet, subprocess.run(["pdftotext", "-layout", str(sheet), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_a_2000_character_reference_wraps_across_pages_of_the_sheet(tmp_path):
    worked_example_db(tmp_path / "k.db")
    try:
        # As an old database may hold them: written past the import and the entry form.
        repository.upsert_window(Window("W01", "不动产登记窗口" * 40, "县自然资源局"))
        add_incidents([Incident(date(2026, 10, 9), "W01", "6.1", 1, "E20", reference=LONG_REFERENCE, note=LONG_NOTE)])
        sheet, text = _exported_sheet(tmp_path)
    finally:
        close_database()
    assert "".join(ch for ch in text if ch in GREEK) == LONG_REFERENCE  # all of it, in order
    details = openpyxl.load_workbook(tmp_path / "out" / "m.xlsx")["扣分明细"]
    header = [c.value for c in details[2]]  # row 1 is the printed title
    values = [dict(zip(header, r)) for r in details.iter_rows(min_row=3, values_only=True)]
    assert any(v["依据说明"] == LONG_REFERENCE and v["备注"] == LONG_NOTE for v in values)


@needs_poppler
def test_a_reference_of_eighty_lines_within_the_limits_still_prints(tmp_path):
    lines = "\n".join(GREEK[i % 24] for i in range(80))  # 159 characters: the import takes them
    worked_example_db(tmp_path / "k.db")
    try:
        path = write_ledger(tmp_path / "ledger.xlsx", [row(依据说明=lines)])
        assert services.import_incidents(path).added == 1
        _, text = _exported_sheet(tmp_path)
    finally:
        close_database()
    assert "".join(ch for ch in text if ch in GREEK) == lines.replace("\n", "")


# --- the entry form and the roster dialogs -------------------------------------------------------


@pytest.fixture
def entry(roster_db, qtbot):
    from kaoping_desktop.gui.app_state import AppState
    from kaoping_desktop.gui.entry_tab import EntryTab

    tab = EntryTab(state=AppState("2026-10"))
    qtbot.addWidget(tab)
    tab.resize(1100, 700)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def _focus(qtbot, tab, widget) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    qtbot.wait(1)
    if QApplication.activeWindow() is not tab.window():
        tab.window().activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is tab.window(), timeout=2000)
    widget.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def test_the_entry_form_refuses_a_201_character_reference(entry, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    for combo, typed in ((entry.windowCombo, "W01"), (entry.clauseCombo, "2.2")):
        _focus(qtbot, entry, combo)
        QTest.keyClicks(combo, typed)
        QTest.keyClick(combo, Qt.Key_Tab)
    _focus(qtbot, entry, entry.referenceEdit)
    QTest.keyClicks(entry.referenceEdit, "D" * 201)
    QTest.keyClick(entry.referenceEdit, Qt.Key_Return)
    message = text_problem("依据说明", "D" * 201)  # what the import says about the same cell
    assert entry.errorLabel.text() == f"未保存：【依据说明】{message}"
    assert message in entry.hintLabel.text()  # shown while typing, too
    assert entry.referenceEdit.text() == "D" * 201 and entry.referenceEdit.hasFocus()  # kept for fixing
    assert stored() == []

    QTest.keyClick(entry.referenceEdit, Qt.Key_Backspace)
    QTest.keyClick(entry.referenceEdit, Qt.Key_Return)
    assert [(i.window_code, i.clause_code, i.reference) for i in stored()] == [("W01", "2.2", "D" * 200)]
    assert entry.errorLabel.text() == ""


def test_the_roster_dialogs_refuse_what_the_roster_import_refuses(db, qtbot):
    from PySide6.QtWidgets import QDialog, QDialogButtonBox

    from kaoping_desktop.gui.roster_dialogs import PersonDialog, WindowDialog

    dialog = WindowDialog(None)
    qtbot.addWidget(dialog)
    dialog.codeEdit.setText("W01")
    dialog.nameEdit.setText("窗" * 51)
    dialog.departmentEdit.setText("县自然资源局")
    dialog.buttonBox.button(QDialogButtonBox.Ok).click()
    assert dialog.result() != QDialog.Accepted
    assert dialog.errorLabel.text() == f"【窗口名称】{text_problem('窗口名称', '窗' * 51)}"
    assert roster_view.roster()[0] == []
    dialog.nameEdit.setText("窗" * 50)
    dialog.buttonBox.button(QDialogButtonBox.Ok).click()
    assert dialog.result() == QDialog.Accepted
    assert [w.name for w in roster_view.roster()[0]] == ["窗" * 50]

    person = PersonDialog(None, windows=roster_view.roster()[0], month="2026-10")
    qtbot.addWidget(person)
    person.idEdit.setText("1001")
    person.nameEdit.setText("张" + RLO + "三")
    person.addAssignmentButton.click()
    person.buttonBox.button(QDialogButtonBox.Ok).click()
    assert person.result() != QDialog.Accepted
    assert "【姓名】" in person.errorLabel.text() and "U+202E" in person.errorLabel.text()
    assert RLO not in person.errorLabel.text()
    assert roster_view.roster()[1] == []


def test_the_command_line_lists_200_errors_then_counts_the_rest(tmp_path):
    """300 wrong rows: 200 listed with row and column, one line for the other 100."""
    from test_cli import cli
    from workbooks import WORKED_ROSTER_PEOPLE, WORKED_ROSTER_WINDOWS, write_roster

    db = tmp_path / "k.db"
    assert cli("import-roster", write_roster(tmp_path / "r.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE), db=db).returncode == 0
    rows = [["2026-10-08", "W99", None, "3.1", None, 1, "办件抽查", f"x{n}", None] for n in range(300)]
    done = cli("import-incidents", write_ledger(tmp_path / "bad.xlsx", rows), db=db)
    assert done.returncode == 2
    listed = [line for line in done.stderr.splitlines() if "【窗口编号】" in line]
    assert len(listed) == 200 and "第 201 行【窗口编号】" in listed[-1]
    assert "另有 100 处错误未列出" in done.stderr
    assert "共 300 处错误" in done.stderr
