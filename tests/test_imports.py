"""Roster and ledger import from real .xlsx files into a real SQLite file."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

import openpyxl
import pytest

from kaoping_desktop import services
from kaoping_desktop.domain.validation import ImportRejected, parse_date
from kaoping_desktop.store import repository
from kaoping_desktop.store.models import AuditLog, Incident
from workbooks import (
    LEDGER_HEADER,
    WORKED_LEDGER,
    WORKED_ROSTER_PEOPLE,
    WORKED_ROSTER_WINDOWS,
    write_ledger,
    write_roster,
)

MONTH = "2026-10"


@pytest.fixture
def db(tmp_path):
    services.open_app_database(tmp_path / "k.db")
    write_roster(tmp_path / "roster.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE)
    services.import_roster(tmp_path / "roster.xlsx")
    return tmp_path


def totals(month=MONTH):
    result = services.month_results(month)
    return {w.code: w.total for w in result.windows}, {(p.window_code, p.person_id): p.score for p in result.people}


def test_worked_example_through_the_workbooks(db):
    report = services.import_incidents(write_ledger(db / "ledger.xlsx", WORKED_LEDGER))
    assert (report.added, report.already_present) == (6, 0)
    result = services.month_results(MONTH)
    (w,) = result.windows
    assert w.total == Fraction("92.15")
    assert w.chief_component == Fraction("9.55") and w.staff_component == Fraction("9.6")
    assert {p.person_id: p.score for p in result.people} == {"1001": Fraction("95.5"), "1002": Fraction(92), "1003": Fraction(100)}


def test_same_ledger_twice_changes_nothing_and_appended_rows_go_in(db):
    services.import_incidents(write_ledger(db / "ledger.xlsx", WORKED_LEDGER))
    before = totals()
    again = services.import_incidents(db / "ledger.xlsx")
    assert (again.added, again.already_present) == (0, 6)
    assert totals() == before
    extra = ["2026-10-20", "W01", None, "3.1", None, 1, "办件抽查", None, None]
    report = services.import_incidents(write_ledger(db / "ledger2.xlsx", WORKED_LEDGER + [extra, extra]))
    assert (report.added, report.already_present) == (2, 6)
    assert Incident.select().count() == 8


def test_columns_in_any_order_with_extra_columns_and_spellings(db):
    order = ["备注", "评定依据", "次数", "序号", "条款", "情形", "工号", "窗口编号", "日期", "依据说明"]
    rows = []
    for row in WORKED_LEDGER:
        cells = dict(zip(LEDGER_HEADER, row))
        cells["序号"] = "x"
        rows.append([cells[h] for h in order])
    # Full-width ids and an Excel date cell are what real spreadsheets contain.
    rows[0][order.index("窗口编号")] = "Ｗ０１ "
    rows[0][order.index("日期")] = datetime(2026, 10, 8)
    services.import_incidents(write_ledger(db / "ledger.xlsx", rows, header=order))
    assert totals()[0] == {"W01": Fraction("92.15")}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-10-08", date(2026, 10, 8)),
        ("2026/10/8", date(2026, 10, 8)),
        ("2026年10月8日", date(2026, 10, 8)),
        (datetime(2026, 10, 8), date(2026, 10, 8)),
        (46303, date(2026, 10, 8)),  # an Excel serial number
    ],
)
def test_date_spellings(value, expected):
    assert parse_date(value) == expected


GOOD = ["2026-10-20", "W01", None, "3.1", None, 1, "E07", None, None]


def _row(**changes):
    cells = dict(zip(LEDGER_HEADER, GOOD))
    cells.update(changes)
    return [cells[h] for h in LEDGER_HEADER]


BAD_ROWS = [
    ("date missing", _row(日期=None), "日期", "日期不能为空"),
    ("date impossible", _row(日期="2026-02-30"), "日期", "日期不存在"),
    ("date gibberish", _row(日期="下周一"), "日期", "日期格式不正确"),
    ("unknown window", _row(窗口编号="W99"), "窗口编号", "W99"),
    ("window missing", _row(窗口编号=None), "窗口编号", "不能为空"),
    ("unknown clause", _row(条款="9.9"), "条款", "没有条款 9.9"),
    ("base clause", _row(条款="1.1"), "条款", "由系统计算"),
    ("ambiguous number 5.1", _row(条款=5.1), "条款", "无法区分"),
    ("variant missing", _row(条款="4.4", 评定依据="E11"), "情形", "须填写情形"),
    ("unknown variant", _row(条款="4.4", 情形="蓝牌", 评定依据="E11"), "情形", "没有情形"),
    ("variant on plain clause", _row(情形="红牌"), "情形", "没有情形之分"),
    ("count zero", _row(次数=0), "次数", "正整数"),
    ("count fraction", _row(次数=1.5), "次数", "正整数"),
    ("count text", _row(次数="两次"), "次数", "正整数"),
    ("unknown evidence", _row(评定依据="听说"), "评定依据", "没有评定依据"),
    ("evidence not allowed", _row(评定依据="考勤记录"), "评定依据", "不能以"),
    ("other without explanation", _row(评定依据="其他"), "依据说明", "须填写依据说明"),
    ("staff clause without person", _row(条款="P1.1", 评定依据="考勤记录"), "工号", "须填写工号"),
    ("unknown person", _row(条款="P1.1", 工号="9999", 评定依据="考勤记录"), "工号", "9999"),
    ("person of another window", _row(条款="P1.1", 工号="2001", 窗口编号="W02", 评定依据="考勤记录"), "工号", "不在窗口 W02"),
    ("window not yet in service", _row(窗口编号="W03"), "窗口编号", "不在服务期内"),
]


@pytest.mark.parametrize("name, row, column, reason", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_each_bad_row_alone_is_refused_with_row_column_and_reason(db, name, row, column, reason):
    write_roster(
        db / "more.xlsx",
        [["W02", "社保窗口", "县人社局", None, None], ["W03", "新窗口", "县医保局", "2026-11-01", None]],
        [["1001", "张三", "W01", "首席代表", None, None, None], ["2001", "赵六", "W01", "窗口工作人员", None, None, None]],
    )
    services.import_roster(db / "more.xlsx")
    services.import_incidents(write_ledger(db / "good.xlsx", WORKED_LEDGER))
    before = (totals(), Incident.select().count(), AuditLog.select().count())
    with pytest.raises(ImportRejected) as caught:
        services.import_incidents(write_ledger(db / "bad.xlsx", WORKED_LEDGER + [GOOD, row]))
    messages = [str(e) for e in caught.value.errors]
    assert any(f"第 9 行【{column}】" in m and reason in m for m in messages), messages
    assert all("第 9 行" in m for m in messages), messages  # the good rows are not blamed
    assert (totals(), Incident.select().count(), AuditLog.select().count()) == before


def test_mixed_file_reports_every_bad_row_and_writes_nothing(db):
    rows = [GOOD] + [b[1] for b in BAD_ROWS[:6]] + [GOOD]
    with pytest.raises(ImportRejected) as caught:
        services.import_incidents(write_ledger(db / "bad.xlsx", rows))
    bad_numbers = {e.row for e in caught.value.errors}
    assert bad_numbers == set(range(3, 9))
    assert Incident.select().count() == 0


def test_cumulative_ledger_across_a_closed_month(db):
    """formats.md: identical rows of a closed month are skipped and counted; only a row that
    would add something to a closed month refuses the whole file."""
    services.import_incidents(write_ledger(db / "ledger.xlsx", WORKED_LEDGER))
    services.close_month(MONTH)
    official = services.month_results(MONTH)
    # The same ledger again, with November rows appended: October is skipped, November goes in.
    november = ["2026-11-03", "W01", None, "3.1", None, 1, "办件抽查", None, None]
    report = services.import_incidents(write_ledger(db / "cumulative.xlsx", WORKED_LEDGER + [november]))
    assert (report.added, report.already_present, report.already_present_closed) == (1, 6, 6)
    assert "已锁定月份 6 条" in report.summary()
    # Imported once more: nothing new anywhere.
    again = services.import_incidents(db / "cumulative.xlsx")
    assert (again.added, again.already_present, again.already_present_closed) == (0, 7, 6)
    # A row that would change October refuses the file, November's new row included.
    late = ["2026-10-21", "W01", None, "3.1", None, 1, "办件抽查", None, None]
    november2 = ["2026-11-04", "W01", None, "3.1", None, 1, "办件抽查", None, None]
    rows = WORKED_LEDGER + [november, late, november2]
    with pytest.raises(ImportRejected) as caught:
        services.import_incidents(write_ledger(db / "late.xlsx", rows))
    (error,) = caught.value.errors
    assert (error.row, error.column) == (len(WORKED_LEDGER) + 3, "日期")
    assert "已锁定" in error.message
    assert Incident.select().count() == 7
    assert services.month_results(MONTH) == official
    # One identical row more than stored (a second copy) would add to October: refused too.
    with pytest.raises(ImportRejected):
        services.import_incidents(write_ledger(db / "twice.xlsx", WORKED_LEDGER + [WORKED_LEDGER[0]]))
    services.reopen_month(MONTH, "补录")
    assert services.import_incidents(db / "late.xlsx").added == 2


def test_not_a_workbook_missing_sheet_and_missing_header(db):
    (db / "junk.xlsx").write_text("not a workbook")
    with pytest.raises(ImportRejected, ) as caught:
        services.import_incidents(db / "junk.xlsx")
    assert "不是有效的 Excel" in str(caught.value.errors[0])
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(db / "nosheet.xlsx")
    with pytest.raises(ImportRejected) as caught:
        services.import_incidents(db / "nosheet.xlsx")
    assert "扣分记录" in str(caught.value.errors[0])
    write_ledger(db / "nohead.xlsx", [GOOD[:3]], header=["日期", "窗口编号", "工号"])
    with pytest.raises(ImportRejected) as caught:
        services.import_incidents(db / "nohead.xlsx")
    assert "条款" in str(caught.value.errors[0]) and "次数" in str(caught.value.errors[0])


# --- roster ------------------------------------------------------------------------


def test_roster_reimport_updates_by_id_and_reports_people_not_in_file(db):
    report = services.import_roster(
        write_roster(
            db / "r2.xlsx",
            [["W01", "不动产登记综合窗口", "县自然资源局", None, None]],
            [["1001", "张三", "W01", "首席代表", None, None, "13900000000"]],
        )
    )
    assert (report.windows_added, report.windows_updated) == (0, 1)
    assert (report.people_added, report.people_updated) == (0, 1)
    assert any("李四（1002）" in m and "王五（1003）" in m for m in report.messages)
    windows, people, _ = repository.load_roster()
    assert windows[0].name == "不动产登记综合窗口"
    assert {p.id for p in people} == {"1001", "1002", "1003"}  # nobody deleted
    same = services.import_roster(db / "r2.xlsx")
    assert (same.windows_updated, same.people_updated, same.people_added) == (0, 0, 0)


ROSTER_BAD = [
    ("duplicate window", [["W01", "a", "b", None, None], ["W01", "c", "d", None, None]], [], "窗口", 3, "窗口编号", "重复"),
    ("window dates reversed", [["W05", "a", "b", "2026-10-02", "2026-10-01"]], [], "窗口", 2, "撤出日期", "早于"),
    ("name missing", [["W05", None, "b", None, None]], [], "窗口", 2, "窗口名称", "不能为空"),
    ("unknown window", [], [["2001", "赵六", "W77", "窗口工作人员", None, None, None]], "人员", 2, "窗口编号", "W77"),
    ("bad role", [], [["2001", "赵六", "W01", "科长", None, None, None]], "人员", 2, "身份", "身份“科长”不正确"),
    (
        "two names for one id",
        [],
        [["2001", "赵六", "W01", "窗口工作人员", None, "2026-09-30", None], ["2001", "赵七", "W01", "后台人员", "2026-10-01", None, None]],
        "人员",
        3,
        "姓名",
        "赵六",
    ),
    ("second chief at once", [], [["2001", "赵六", "W01", "首席代表", "2026-10-01", None, None]], "人员", 2, "在岗起始", "只能有一名首席代表"),
    ("assignment dates reversed", [], [["2001", "赵六", "W01", "后台人员", "2026/10/9", "2026年10月1日", None]], "人员", 2, "在岗截止", "早于"),
]


@pytest.mark.parametrize("name, windows, people, sheet, row, column, reason", ROSTER_BAD, ids=[b[0] for b in ROSTER_BAD])
def test_bad_roster_rows_are_refused_whole(db, name, windows, people, sheet, row, column, reason):
    before = repository.load_roster()
    good_person = ["3001", "孙八", "W01", "窗口工作人员", None, None, None]
    with pytest.raises(ImportRejected) as caught:
        services.import_roster(write_roster(db / "bad.xlsx", windows, [good_person] + people if people else [good_person]))
    messages = [str(e) for e in caught.value.errors]
    people_offset = 1 if sheet == "人员" else 0
    assert any(f"表「{sheet}」第 {row + people_offset} 行【{column}】" in m and reason in m for m in messages), messages
    assert repository.load_roster() == before


def test_roster_change_inside_a_closed_month_is_refused(db):
    services.close_month(MONTH)
    with pytest.raises(ImportRejected, ) as caught:
        services.import_roster(
            write_roster(db / "late.xlsx", [], [["2001", "赵六", "W01", "窗口工作人员", None, None, None]])
        )
    assert "已锁定月份 2026-10" in str(caught.value.errors[0])
    # Starting after the closed month is fine.
    services.import_roster(write_roster(db / "ok.xlsx", [], [["2001", "赵六", "W01", "窗口工作人员", "2026-11-01", None, None]]))
    assert services.month_results("2026-11").people[-1].person_id == "2001"


# --- templates ---------------------------------------------------------------------


def test_templates_have_headers_text_ids_and_dropdowns(db):
    roster_path, ledger_path = services.write_templates(db / "tpl")
    wb = openpyxl.load_workbook(ledger_path)
    ws = wb["扣分记录"]
    assert [c.value for c in ws[1]] == LEDGER_HEADER
    assert ws["D2"].number_format == "@" and ws["B2"].number_format == "@"
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    lists = {options.cell(1, c).value: [options.cell(r, c).value for r in range(2, options.max_row + 1)] for c in range(1, 5)}
    assert "5.10" in lists["条款"] and "P1.1" in lists["条款"] and "1.1" not in lists["条款"]
    assert {"黄牌", "红牌", "缺席"} <= set(lists["情形"])
    assert "W01" in lists["窗口编号"] and "办件抽查" in lists["评定依据"] and "其他" in lists["评定依据"]
    formulas = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any(sq.startswith("D2") and "选项" in f for sq, f in formulas.items())
    rwb = openpyxl.load_workbook(roster_path)
    assert [c.value for c in rwb["人员"][1]] == ["工号", "姓名", "窗口编号", "身份", "在岗起始", "在岗截止", "联系电话"]
    assert rwb["人员"]["A2"].number_format == "@"


def test_filled_template_imports(db):
    _, ledger_path = services.write_templates(db / "tpl")
    wb = openpyxl.load_workbook(ledger_path)
    ws = wb["扣分记录"]
    for index, row in enumerate(WORKED_LEDGER, start=2):
        for col, value in enumerate(row, start=1):
            ws.cell(index, col, value)
    wb.save(ledger_path)
    assert services.import_incidents(ledger_path).added == 6
    assert totals()[0] == {"W01": Fraction("92.15")}


def test_template_header_is_what_the_importer_reads():
    from kaoping_desktop.domain import ledger_import
    from kaoping_desktop.excel import templates

    assert set(templates.LEDGER_HEADER) == set(ledger_import.REQUIRED + ledger_import.OPTIONAL)
