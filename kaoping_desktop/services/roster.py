"""Editing the roster by hand: windows, people, assignments (the 人员名册 tab)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from ..domain.records import replace
from ..domain.roster import (
    ROLES,
    Assignment,
    Person,
    Window,
    closed_months_changed,
    overlapping_chiefs,
)
from ..excel.roster_export import RosterExport, write_roster_workbook
from ..excel.templates import ROSTER_FILE
from ..store import repository
from ..domain.validation import person_problems, problems_text, window_problems
from .errors import InputError, MonthClosedError

NO_ASSIGNMENT = "请至少填写一个岗位（窗口、身份、在岗起始）"


def _check_dates(start: date | None, end: date | None, what: str) -> None:
    if start and end and start > end:
        raise InputError(f"{what}的开始日期 {start} 晚于结束日期 {end}")


def _apply(windows: list[Window], assignments: list[Assignment]) -> None:
    """Refuse a roster that breaks a rule or changes a closed month; nothing is written then."""
    old_windows, _, old_assignments = repository.load_roster()
    clashes = overlapping_chiefs(assignments)
    if clashes:
        a, b = clashes[0]
        raise InputError(f"窗口 {a.window_code} 同一时间只能有一名首席代表：{a.person_id} 与 {b.person_id} 的在岗时间重叠")
    changed = closed_months_changed(old_windows, old_assignments, windows, assignments, repository.closed_months())
    if changed:
        raise MonthClosedError(changed[0])


def _refuse_problems(problems: list[tuple[str, str]]) -> None:
    """The roster import's limits, for a window or person saved one at a time."""
    if problems:
        raise InputError(problems_text(problems))


def save_window(window: Window, is_new: bool) -> None:
    code = window.code.strip()
    if not code:
        raise InputError("窗口编号不能为空")
    if not window.name.strip() or not window.department.strip():
        raise InputError("窗口名称和进驻部门不能为空")
    _refuse_problems(window_problems(code, window.name, window.department))
    _check_dates(window.start, window.end, "窗口")
    window = replace(window, code=code, name=window.name.strip(), department=window.department.strip())
    windows, _, assignments = repository.load_roster()
    exists = any(w.code == code for w in windows)
    if is_new and exists:
        raise InputError(f"窗口编号 {code} 已存在")
    if not is_new and not exists:
        raise InputError(f"窗口编号 {code} 不存在")
    after = [w for w in windows if w.code != code] + [window]
    with repository.transaction():
        _apply(after, assignments)
        repository.upsert_window(window)


def retire_window(code: str, last_day: date) -> None:
    windows, _, _ = repository.load_roster()
    current = next((w for w in windows if w.code == code), None)
    if current is None:
        raise InputError(f"窗口编号 {code} 不存在")
    save_window(replace(current, end=last_day), is_new=False)


def save_person(person: Person, assignments: list[Assignment], is_new: bool) -> None:
    pid = person.id.strip()
    if not pid:
        raise InputError("工号不能为空")
    if not person.name.strip():
        raise InputError("姓名不能为空")
    _refuse_problems(person_problems(pid, person.name, person.phone or ""))
    if not assignments:
        # A person without one is scored nowhere and would vanish from every month.
        raise InputError(NO_ASSIGNMENT)
    windows, people, all_assignments = repository.load_roster()
    codes = {w.code for w in windows}
    exists = any(p.id == pid for p in people)
    if is_new and exists:
        raise InputError(f"工号 {pid} 已存在")
    for a in assignments:
        if a.window_code not in codes:
            raise InputError(f"窗口编号 {a.window_code} 不存在")
        if a.role not in ROLES:
            raise InputError(f"身份必须是 {'、'.join(ROLES)} 之一")
        _check_dates(a.start, a.end, "在岗时间")
    person = replace(person, id=pid, name=person.name.strip(), phone=person.phone.strip())
    mine = [replace(a, person_id=pid) for a in assignments]
    after = [a for a in all_assignments if a.person_id != pid] + mine
    with repository.transaction():
        _apply(windows, after)
        repository.upsert_person(person)
        repository.replace_assignments(pid, mine)


def move_person(person_id: str, to_window: str, role: str, first_day: date) -> None:
    """End the person's open assignments the day before and start a new one."""
    windows, people, all_assignments = repository.load_roster()
    person = next((p for p in people if p.id == person_id), None)
    if person is None:
        raise InputError(f"工号 {person_id} 不存在")
    mine = []
    for a in all_assignments:
        if a.person_id != person_id:
            continue
        if a.end is None or a.end >= first_day:
            if a.start and a.start >= first_day:
                raise InputError(f"{person.name} 在 {a.window_code} 的岗位从 {a.start} 开始，调岗日期必须晚于它")
            a = replace(a, end=first_day - timedelta(days=1))
        mine.append(a)
    mine.append(Assignment(person_id, to_window, role, first_day, None))
    save_person(person, mine, is_new=False)


def export_roster(path: str | Path, progress: Callable[[int, int], None] | None = None) -> RosterExport:
    """Write the whole roster (retired windows and past assignments too) as a 人员名册.xlsx.

    A folder as `path` gets 人员名册.xlsx inside. The file is written under a
    temporary name and moved into place, so it is never left half-written.
    """
    from .exports import write_atomically  # the one place that writes files atomically

    target = Path(path)
    if target.is_dir():
        target = target / ROSTER_FILE
    if progress:
        progress(0, 2)
    windows, people, assignments = repository.load_roster()
    if progress:
        progress(1, 2)
    summary = RosterExport()

    def write(tmp: Path) -> None:
        nonlocal summary
        summary = write_roster_workbook(tmp, windows, people, assignments)

    try:
        write_atomically(target, write)
    except PermissionError as exc:
        raise InputError(f"无法写入 {target}：文件可能正在 Excel/WPS 中打开，请关闭后重试（{exc.strerror}）") from exc
    except OSError as exc:  # no such folder, a file in the way, disk full …
        raise InputError(f"无法写入 {target}：{exc.strerror or exc}") from exc
    summary.path = target
    if progress:
        progress(2, 2)
    return summary
