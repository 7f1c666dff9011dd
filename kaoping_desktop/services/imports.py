"""Importing the clerk's workbooks, and handing out blank templates.

An import reads and checks the whole file first; only a file without a single
wrong row is written, in one transaction with its audit row. A refused file
raises ImportRejected listing every wrong row and leaves the database as it was.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..domain.ledger_import import OPTIONAL as LEDGER_OPTIONAL
from ..domain.ledger_import import REQUIRED as LEDGER_REQUIRED
from ..domain.ledger_import import SHEET as LEDGER_SHEET
from ..domain.ledger_import import plan_ledger
from ..domain.roster_import import (
    PEOPLE_OPTIONAL,
    PEOPLE_REQUIRED,
    PEOPLE_SHEET,
    WINDOW_OPTIONAL,
    WINDOW_REQUIRED,
    WINDOW_SHEET,
    plan_roster,
)
from ..domain.standards import OTHER_EVIDENCE, clause_sort_key
from ..domain.validation import ImportRejected, RosterView, RowError
from ..excel.reader import open_workbook, read_sheet
from ..excel.templates import LEDGER_FILE, ROSTER_FILE, write_ledger_template, write_roster_template
from ..store import catalogue, repository

Progress = Callable[[int, int], None]


@dataclass
class RosterReport:
    windows_added: int = 0
    windows_updated: int = 0
    people_added: int = 0
    people_updated: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass
class LedgerReport:
    added: int = 0
    already_present: int = 0
    already_present_closed: int = 0  # of the already present, rows of closed months
    months: list[str] = field(default_factory=list)

    def summary(self) -> str:
        closed = f"（其中属于已锁定月份 {self.already_present_closed} 条）" if self.already_present_closed else ""
        return f"新增 {self.added} 条，已存在跳过 {self.already_present} 条{closed}"


def _rows(sheet_rows):
    return [(r.number, r.cells) for r in sheet_rows]


@contextmanager
def _collector_paused():
    """A ledger is read into some 100,000 small objects that form no cycles (an import leaves
    a few hundred objects of cyclic garbage): the collector's passes over them while they pile
    up cost about a tenth of an import and free nothing. It runs again as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_roster(path: str | Path, progress: Progress | None = None) -> RosterReport:
    path = Path(path)
    workbook = open_workbook(path)
    try:
        errors: list[RowError] = []
        sheets = {}
        for sheet, required, optional in (
            (WINDOW_SHEET, WINDOW_REQUIRED, WINDOW_OPTIONAL),
            (PEOPLE_SHEET, PEOPLE_REQUIRED, PEOPLE_OPTIONAL),
        ):
            try:
                sheets[sheet] = _rows(read_sheet(workbook, sheet, required, optional))
            except ImportRejected as exc:
                errors.extend(exc.errors)
        if errors:
            raise ImportRejected(errors)
    finally:
        workbook.close()
    if progress:
        progress(1, 3)

    report = RosterReport()
    with repository.transaction():
        db_windows, db_people, db_assignments = repository.load_roster()
        plan = plan_roster(
            sheets[WINDOW_SHEET], sheets[PEOPLE_SHEET], db_windows, db_people, db_assignments, repository.closed_months()
        )
        if plan.errors:
            raise ImportRejected(plan.errors)
        if progress:
            progress(2, 3)
        before_windows = {w.code: w for w in db_windows}
        for w in plan.windows:
            _, added = repository.upsert_window(w)
            if added:
                report.windows_added += 1
            elif before_windows[w.code] != w:
                report.windows_updated += 1
        before_people = {p.id: p for p in db_people}
        before_assignments: dict[str, set] = {}
        for a in db_assignments:
            before_assignments.setdefault(a.person_id, set()).add(a)
        for person in plan.people:
            _, added = repository.upsert_person(person)
            mine = plan.assignments[person.id]
            repository.replace_assignments(person.id, mine)
            if added:
                report.people_added += 1
            elif before_people[person.id] != person or before_assignments.get(person.id, set()) != set(mine):
                report.people_updated += 1
        repository.audit(
            "导入人员名册",
            "file",
            path.name,
            {
                "windows_added": report.windows_added,
                "windows_updated": report.windows_updated,
                "people_added": report.people_added,
                "people_updated": report.people_updated,
            },
        )
    if plan.not_in_file:
        listed = "、".join(f"{p.name}（{p.id}）" for p in plan.not_in_file[:50])
        more = f" 等 {len(plan.not_in_file)} 人" if len(plan.not_in_file) > 50 else f"，共 {len(plan.not_in_file)} 人"
        report.messages.append(f"以下人员在数据库中但不在文件中（未作改动）：{listed}{more}")
    if progress:
        progress(3, 3)
    return report


def import_incidents(path: str | Path, progress: Progress | None = None) -> LedgerReport:
    with _collector_paused():
        return _import_incidents(Path(path), progress)


def _import_incidents(path: Path, progress: Progress | None) -> LedgerReport:
    workbook = open_workbook(path)
    try:
        rows = _rows(read_sheet(workbook, LEDGER_SHEET, LEDGER_REQUIRED, LEDGER_OPTIONAL))
    finally:
        workbook.close()
    if progress:
        progress(1, 3)
    with repository.transaction():
        standards = catalogue.load_standard_set()
        windows, people, assignments = repository.load_roster()
        plan = plan_ledger(
            rows,
            standards,
            RosterView.build(windows, people, assignments),
            catalogue.load_evidence(),
            repository.closed_months(),
            repository.stored_identities,  # only the file's date range is read
        )
        if plan.errors:
            raise ImportRejected(plan.errors)
        if progress:
            progress(2, 3)
        kinds = {}  # clause -> its standard's kind, as in force on the clause's last row
        for inc in reversed(plan.new):
            if inc.clause_code not in kinds:
                kinds[inc.clause_code] = standards.find_clause(inc.clause_code, inc.month)[0].kind
        repository.insert_incidents(plan.new, kinds)  # one executemany, in this transaction
        months = plan.months
        repository.audit(
            "导入扣分台账",
            "file",
            path.name,
            {
                "added": len(plan.new),
                "already_present": plan.already_present,
                "already_present_closed": plan.already_present_closed,
                "months": months,
            },
        )
    if progress:
        progress(3, 3)
    return LedgerReport(
        added=len(plan.new),
        already_present=plan.already_present,
        already_present_closed=plan.already_present_closed,
        months=months,
    )


def write_templates(dest: str | Path) -> list[Path]:
    """Blank 人员名册.xlsx and 扣分台账.xlsx, with today's windows, clauses and evidence as drop-downs."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    windows, _, _ = repository.load_roster()
    window_codes = [w.code for w in windows]
    standards = catalogue.load_standard_set()
    clause_codes: set[str] = set()
    variants: list[str] = []
    for std in standards.versions:
        for clause in std.incident_clauses():
            clause_codes.add(clause.code)
            for v in clause.variants:
                if v.name and v.name not in variants:
                    variants.append(v.name)
    evidence = [e.name if e.code != OTHER_EVIDENCE else "其他" for e in catalogue.load_evidence()]
    roster = write_roster_template(dest / ROSTER_FILE, window_codes)
    ledger = write_ledger_template(
        dest / LEDGER_FILE, window_codes, sorted(clause_codes, key=clause_sort_key), variants, evidence
    )
    return [roster, ledger]
