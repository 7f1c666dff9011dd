"""Blank roster and ledger workbooks handed out by the program (formats.md).

Id columns are formatted as text so Excel keeps `007` and `5.10`; drop-down lists
come from a hidden sheet 选项 so that long lists are not limited by Excel's
255-character inline list.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain.ledger_import import SHEET as LEDGER_SHEET
from ..domain.roster import ROLES
from ..domain.roster_import import PEOPLE_SHEET, WINDOW_SHEET
from ..domain.cells import put_text

ROSTER_FILE = "人员名册.xlsx"
LEDGER_FILE = "扣分台账.xlsx"
OPTIONS_SHEET = "选项"
ROWS = 1000  # rows prepared with text format and validation

WINDOW_HEADER = ["窗口编号", "窗口名称", "进驻部门", "启用日期", "撤出日期"]
PEOPLE_HEADER = ["工号", "姓名", "窗口编号", "身份", "在岗起始", "在岗截止", "联系电话"]
LEDGER_HEADER = ["日期", "窗口编号", "工号", "条款", "情形", "次数", "评定依据", "依据说明", "备注"]

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(ws, names: list[str], text_columns: set[str], widths: dict[str, float]) -> None:
    ws.append(names)
    for index, name in enumerate(names, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, Alignment(horizontal="center")
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = widths.get(name, 14)
        if name in text_columns:
            for row in range(2, ROWS + 2):
                ws.cell(row=row, column=index).number_format = "@"
    ws.freeze_panes = "A2"


def _options(wb: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """Write each list into a column of the hidden options sheet; return name -> range formula."""
    ws = wb.create_sheet(OPTIONS_SHEET)
    refs = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            cell = ws.cell(row=row, column=index)
            put_text(cell, value)
            cell.number_format = "@"
        last = max(2, len(values) + 1)
        refs[name] = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${last}"
    ws.sheet_state = "hidden"
    return refs


def _validate(ws, header: list[str], column: str, formula: str, prompt: str, strict: bool = True) -> None:
    letter = get_column_letter(header.index(column) + 1)
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    dv.error, dv.errorTitle = f"请从下拉列表中选择{column}", "输入有误"
    dv.prompt, dv.promptTitle = prompt, column
    dv.showErrorMessage = strict
    dv.errorStyle = "stop" if strict else "warning"
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{ROWS + 1}")


def write_roster_template(path: Path, window_codes: list[str]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = WINDOW_SHEET
    _header(ws, WINDOW_HEADER, {"窗口编号"}, {"窗口名称": 24, "进驻部门": 24})
    people = wb.create_sheet(PEOPLE_SHEET)
    _header(people, PEOPLE_HEADER, {"工号", "窗口编号", "联系电话"}, {"身份": 16})
    refs = _options(wb, {"身份": list(ROLES), "窗口编号": window_codes})
    _validate(people, PEOPLE_HEADER, "身份", refs["身份"], "首席代表 / 窗口工作人员 / 后台人员")
    # New windows may be added on the 窗口 sheet, so the window list only warns.
    _validate(people, PEOPLE_HEADER, "窗口编号", refs["窗口编号"], "已有窗口编号；新窗口请先填「窗口」表", strict=False)
    wb.save(path)
    return path


def write_ledger_template(
    path: Path, window_codes: list[str], clause_codes: list[str], variants: list[str], evidence_names: list[str]
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = LEDGER_SHEET
    _header(
        ws,
        LEDGER_HEADER,
        {"窗口编号", "工号", "条款", "情形", "评定依据", "依据说明", "备注"},
        {"日期": 12, "评定依据": 24, "依据说明": 24, "备注": 20},
    )
    refs = _options(
        wb, {"窗口编号": window_codes, "条款": clause_codes, "情形": variants, "评定依据": evidence_names}
    )
    _validate(ws, LEDGER_HEADER, "窗口编号", refs["窗口编号"], "窗口编号")
    _validate(ws, LEDGER_HEADER, "条款", refs["条款"], "条款编号，如 4.4、5.10、P1.1")
    _validate(ws, LEDGER_HEADER, "情形", refs["情形"], "仅有情形之分的条款填写")
    _validate(ws, LEDGER_HEADER, "评定依据", refs["评定依据"], "选择评定依据；“其他”须填写依据说明")
    count = DataValidation(type="whole", operator="between", formula1="1", formula2="99", allow_blank=True)
    count.error, count.errorTitle, count.showErrorMessage = "次数须为 1–99 的整数", "输入有误", True
    ws.add_data_validation(count)
    letter = get_column_letter(LEDGER_HEADER.index("次数") + 1)
    count.add(f"{letter}2:{letter}{ROWS + 1}")
    letter = get_column_letter(LEDGER_HEADER.index("日期") + 1)
    for row in range(2, ROWS + 2):
        ws.cell(row=row, column=LEDGER_HEADER.index("日期") + 1).number_format = "yyyy-mm-dd"
    ws.column_dimensions[letter].width = 12
    wb.save(path)
    return path
