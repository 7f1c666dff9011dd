"""Turning a roster workbook's rows into windows, people and assignments, or errors.

Importing updates windows and people by id and never deletes anybody. For every
person in the file, the file's rows are that person's assignments from now on;
people only in the database keep theirs and are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .roster import ROLES, Assignment, Person, Window, closed_months_changed, overlapping_chiefs
from .validation import RowError, normalise_id, normalise_text, parse_optional_date, text_problem

WINDOW_SHEET = "窗口"
PEOPLE_SHEET = "人员"
WINDOW_REQUIRED = ["窗口编号", "窗口名称", "进驻部门"]
WINDOW_OPTIONAL = ["启用日期", "撤出日期"]
PEOPLE_REQUIRED = ["工号", "姓名", "窗口编号", "身份"]
PEOPLE_OPTIONAL = ["在岗起始", "在岗截止", "联系电话"]

Rows = Iterable[tuple[int, Mapping[str, object]]]


@dataclass
class RosterPlan:
    windows: list[Window] = field(default_factory=list)  # from the file, in file order
    people: list[Person] = field(default_factory=list)
    assignments: dict[str, list[Assignment]] = field(default_factory=dict)  # person id -> theirs
    not_in_file: list[Person] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _text_errors(cells, sheet, number, errors) -> set[str]:
    """Hidden characters and over-long names (validation.text_problem), before anything else
    about those cells; the columns refused."""
    refused = set()
    for column, value in cells.items():
        if isinstance(value, str):
            problem = text_problem(column, normalise_text(value))
            if problem:
                errors.append(RowError(sheet, number, column, problem))
                refused.add(column)
    return refused


def _dates(cells, start_col, end_col, sheet, number, errors, refused=frozenset()):
    values = []
    for column in (start_col, end_col):
        if column in refused:
            values.append(None)
            continue
        try:
            values.append(parse_optional_date(cells.get(column)))
        except ValueError as exc:
            errors.append(RowError(sheet, number, column, str(exc)))
            values.append(None)
    start, end = values
    if start and end and start > end:
        errors.append(RowError(sheet, number, end_col, f"{end_col} {end} 早于{start_col} {start}"))
    return start, end


def plan_roster(
    window_rows: Rows,
    people_rows: Rows,
    db_windows: list[Window],
    db_people: list[Person],
    db_assignments: list[Assignment],
    closed_months: set[str],
) -> RosterPlan:
    plan = RosterPlan()
    errors = plan.errors

    window_row: dict[str, int] = {}
    for number, cells in window_rows:
        code = normalise_id(cells.get("窗口编号"))
        name = normalise_text(cells.get("窗口名称"))
        department = normalise_text(cells.get("进驻部门"))
        before = len(errors)
        refused = _text_errors(cells, WINDOW_SHEET, number, errors)
        if "窗口编号" in refused:
            pass  # said above
        elif not code:
            errors.append(RowError(WINDOW_SHEET, number, "窗口编号", "窗口编号不能为空"))
        elif code in window_row:
            errors.append(RowError(WINDOW_SHEET, number, "窗口编号", f"窗口编号 {code} 与第 {window_row[code]} 行重复"))
        if not name:
            errors.append(RowError(WINDOW_SHEET, number, "窗口名称", "窗口名称不能为空"))
        if not department:
            errors.append(RowError(WINDOW_SHEET, number, "进驻部门", "进驻部门不能为空"))
        start, end = _dates(cells, "启用日期", "撤出日期", WINDOW_SHEET, number, errors, refused)
        if len(errors) == before:
            window_row[code] = number
            plan.windows.append(Window(code, name, department, start, end))

    known_windows = {w.code for w in db_windows} | {w.code for w in plan.windows}
    person_row: dict[str, int] = {}
    names: dict[str, str] = {}
    phones: dict[str, str] = {}
    assignment_row: dict[tuple, int] = {}
    for number, cells in people_rows:
        pid = normalise_id(cells.get("工号"))
        name = normalise_text(cells.get("姓名"))
        window = normalise_id(cells.get("窗口编号"))
        role = normalise_text(cells.get("身份"))
        before = len(errors)
        refused = _text_errors(cells, PEOPLE_SHEET, number, errors)
        if not pid and "工号" not in refused:
            errors.append(RowError(PEOPLE_SHEET, number, "工号", "工号不能为空"))
        if "姓名" in refused:
            pass  # said above
        elif not name:
            errors.append(RowError(PEOPLE_SHEET, number, "姓名", "姓名不能为空"))
        elif pid in names and names[pid] != name:
            errors.append(
                RowError(PEOPLE_SHEET, number, "姓名", f"工号 {pid} 在第 {person_row[pid]} 行是“{names[pid]}”，这里是“{name}”")
            )
        if "窗口编号" in refused:
            pass  # said above
        elif not window:
            errors.append(RowError(PEOPLE_SHEET, number, "窗口编号", "窗口编号不能为空"))
        elif window not in known_windows:
            errors.append(RowError(PEOPLE_SHEET, number, "窗口编号", f"窗口 {window} 既不在「窗口」表中，也不在数据库中"))
        if role not in ROLES and "身份" not in refused:
            errors.append(RowError(PEOPLE_SHEET, number, "身份", f"身份“{role}”不正确，应为 {' / '.join(ROLES)}"))
        start, end = _dates(cells, "在岗起始", "在岗截止", PEOPLE_SHEET, number, errors, refused)
        if len(errors) != before:
            continue
        phone = normalise_text(cells.get("联系电话"))
        if pid not in names:
            names[pid], person_row[pid] = name, number
            plan.assignments[pid] = []
        if phone and not phones.get(pid):
            phones[pid] = phone
        assignment = Assignment(pid, window, role, start, end)
        if assignment in plan.assignments[pid]:
            continue  # the same row twice says nothing new
        assignment_row[(pid, window, role, start, end)] = number
        plan.assignments[pid].append(assignment)
    plan.people = [Person(pid, names[pid], phones.get(pid, "")) for pid in names]
    plan.not_in_file = [p for p in db_people if p.id not in names]
    if errors:
        return plan

    # Whole-roster rules, on the roster as it would be after the import.
    after_assignments = [a for a in db_assignments if a.person_id not in names] + [
        a for items in plan.assignments.values() for a in items
    ]
    for a, b in overlapping_chiefs(after_assignments):
        culprit = b if (b.person_id, b.window_code, b.role, b.start, b.end) in assignment_row else a
        number = assignment_row.get((culprit.person_id, culprit.window_code, culprit.role, culprit.start, culprit.end), 0)
        other = a if culprit is b else b
        errors.append(
            RowError(
                PEOPLE_SHEET,
                number,
                "在岗起始",
                f"窗口 {a.window_code} 同一时间只能有一名首席代表：{culprit.person_id} 与 {other.person_id} 的在岗时间重叠",
            )
        )
    if closed_months:
        for w in plan.windows:
            old = [x for x in db_windows if x.code == w.code]
            if closed_months_changed(old, [], [w], [], closed_months):
                month = closed_months_changed(old, [], [w], [], closed_months)[0]
                errors.append(
                    RowError(WINDOW_SHEET, window_row[w.code], "启用日期", f"会改变已锁定月份 {month} 的窗口服务期；请核对日期或先重新开放该月")
                )
        for pid, mine in plan.assignments.items():
            old = [a for a in db_assignments if a.person_id == pid]
            changed = closed_months_changed([], old, [], mine, closed_months)
            if changed:
                errors.append(
                    RowError(
                        PEOPLE_SHEET,
                        person_row[pid],
                        "在岗起始",
                        f"会改变已锁定月份 {changed[0]} 的人员安排（新人员请填写晚于该月的在岗起始）；请核对或先重新开放该月",
                    )
                )
    return plan
