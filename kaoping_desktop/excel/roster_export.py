"""The roster as a 人员名册.xlsx that imports back unchanged (formats.md).

Same layout and style as the blank template (templates.py): sheets 窗口 and 人员
with the import's own headers, text-formatted id columns, drop-down lists.
One 人员 row per assignment; dates are real dates; a person's phone is repeated
on each of their rows (the import takes the first one). Text that Excel would
run as a formula is kept as text with the quote-prefix style, like in every other
workbook the program writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..domain.cells import put_text
from ..domain.roster import ROLES, Assignment, Person, Window
from ..domain.roster_import import (
    PEOPLE_OPTIONAL,
    PEOPLE_REQUIRED,
    PEOPLE_SHEET,
    WINDOW_OPTIONAL,
    WINDOW_REQUIRED,
    WINDOW_SHEET,
)
from .templates import ROWS, _header, _options, _validate

WINDOW_HEADER = WINDOW_REQUIRED + WINDOW_OPTIONAL
PEOPLE_HEADER = PEOPLE_REQUIRED + PEOPLE_OPTIONAL
WINDOW_TEXT = {"窗口编号", "窗口名称", "进驻部门"}
PEOPLE_TEXT = {"工号", "姓名", "窗口编号", "身份", "联系电话"}
DATE_FORMAT = "yyyy-mm-dd"


@dataclass
class RosterExport:
    """What was written: counts, and the people left out because they have no assignment."""

    path: Path | None = None
    windows: int = 0
    people: int = 0
    rows: int = 0
    without_assignment: list[Person] = field(default_factory=list)


def _put(ws, row: int, column: int, value) -> None:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif value is None or value == "":
        cell.value = None
    else:
        put_text(cell, str(value))
        cell.number_format = "@"


def _fill(ws, header: list[str], rows: list[dict], text_columns: set[str]) -> None:
    for r, values in enumerate(rows, start=2):
        for c, name in enumerate(header, start=1):
            _put(ws, r, c, values.get(name))
            if values.get(name) in (None, "") and name in text_columns:
                ws.cell(row=r, column=c).number_format = "@"  # typed later, still text


def _sort_key(a: Assignment):
    return (a.person_id, a.start or date.min, a.window_code, ROLES.index(a.role) if a.role in ROLES else len(ROLES))


def roster_workbook(windows: list[Window], people: list[Person], assignments: list[Assignment]) -> tuple[Workbook, RosterExport]:
    summary = RosterExport(windows=len(windows))
    wb = Workbook()
    ws = wb.active
    ws.title = WINDOW_SHEET
    _header(ws, WINDOW_HEADER, {"窗口编号"}, {"窗口名称": 24, "进驻部门": 24, "启用日期": 12, "撤出日期": 12})
    window_rows = [
        {"窗口编号": w.code, "窗口名称": w.name, "进驻部门": w.department, "启用日期": w.start, "撤出日期": w.end}
        for w in windows
    ]
    _fill(ws, WINDOW_HEADER, window_rows, WINDOW_TEXT)

    sheet = wb.create_sheet(PEOPLE_SHEET)
    _header(sheet, PEOPLE_HEADER, {"工号", "窗口编号", "联系电话"}, {"身份": 16, "在岗起始": 12, "在岗截止": 12})
    by_id = {p.id: p for p in people}
    mine: dict[str, list[Assignment]] = {}
    for a in sorted(assignments, key=_sort_key):
        mine.setdefault(a.person_id, []).append(a)
    people_rows = []
    for p in people:
        for a in mine.get(p.id, []):
            people_rows.append(
                {
                    "工号": p.id,
                    "姓名": p.name,
                    "窗口编号": a.window_code,
                    "身份": a.role,
                    "在岗起始": a.start,
                    "在岗截止": a.end,
                    "联系电话": p.phone,
                }
            )
        if p.id not in mine:
            summary.without_assignment.append(p)
    orphans = sorted(set(mine) - set(by_id))  # cannot happen with a sound database; never silently lost
    if orphans:
        raise ValueError(f"岗位所属人员不存在：{'、'.join(orphans)}")
    _fill(sheet, PEOPLE_HEADER, people_rows, PEOPLE_TEXT)
    summary.people = len(people) - len(summary.without_assignment)
    summary.rows = len(people_rows)

    refs = _options(wb, {"身份": list(ROLES), "窗口编号": [w.code for w in windows]})
    _validate(sheet, PEOPLE_HEADER, "身份", refs["身份"], "首席代表 / 窗口工作人员 / 后台人员")
    _validate(sheet, PEOPLE_HEADER, "窗口编号", refs["窗口编号"], "已有窗口编号；新窗口请先填「窗口」表", strict=False)
    last = len(people_rows) + 1
    if last > ROWS + 1:  # the template prepares 1000 rows; a big center has more
        for dv in sheet.data_validations.dataValidation:
            for cells in list(dv.sqref.ranges):
                letter = get_column_letter(cells.min_col)
                dv.add(f"{letter}{ROWS + 2}:{letter}{last}")
    return wb, summary


def write_roster_workbook(
    path: str | Path, windows: list[Window], people: list[Person], assignments: list[Assignment]
) -> RosterExport:
    """Save the workbook to `path` as it is (the caller makes the write atomic)."""
    wb, summary = roster_workbook(windows, people, assignments)
    wb.save(str(path))
    summary.path = Path(path)
    return summary


__all__ = ["RosterExport", "roster_workbook", "write_roster_workbook"]
