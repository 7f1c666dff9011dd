"""Turning the rows of an incident ledger (扣分台账) into incidents, or into errors.

All or nothing: the caller writes the incidents only when `errors` is empty.
Rows identical to stored incidents are counted, not added (see README,
"Re-import"), closed months included (formats.md: cumulative ledgers); only a
row that would add something to a closed month is an error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Mapping

from .calendar import month_of
from .incidents import Incident
from .standards import EvidenceType, StandardSet
from .validation import (
    IncidentChecks,
    RosterView,
    RowError,
    cell_char_problems,
    clause_code_from_cell,
    evidence_code_from_text,
    normalise_id,
    normalise_text,
    parse_count,
    parse_date,
)

SHEET = "扣分记录"
REQUIRED = ["日期", "窗口编号", "条款", "次数", "评定依据"]
OPTIONAL = ["工号", "情形", "依据说明", "备注"]


@dataclass
class LedgerPlan:
    new: list[Incident] = field(default_factory=list)
    months: list[str] = field(default_factory=list)  # the months of `new`, sorted
    already_present: int = 0
    already_present_closed: int = 0  # of which in a closed month
    errors: list[RowError] = field(default_factory=list)


def _variant_name(text: str, clause_code: str, month: str, standards: StandardSet) -> str:
    """Match the typed variant to the clause's own spelling (全角/半角 brackets alike)."""
    found = standards.find_clause(clause_code, month)
    if found:
        for v in found[1].variants:
            if v.name and normalise_text(v.name) == normalise_text(text):
                return v.name
    return text


def plan_ledger(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    standards: StandardSet,
    roster: RosterView,
    evidence: list[EvidenceType],
    closed_months: set[str],
    stored_identities: Callable[[date, date], Iterable[tuple]],
) -> LedgerPlan:
    """rows: (spreadsheet row number, {header: cell value}).

    stored_identities: a function giving Incident.identity() of every stored
    incident (voided ones too) between two dates, called with the file's first and
    last dates: a stored row outside them cannot equal a row of the file, so only
    that range is read and the cost follows the file, not the years stored.
    """
    plan = LedgerPlan()
    known_codes = {c.code for s in standards.versions for c in s.clauses}
    check = IncidentChecks(standards, roster, evidence)
    parsed: list[tuple[int, Incident, str]] = []  # (row number, incident, its month)
    evidence_codes: dict[str, str | None] = {}
    variant_names: dict[tuple[str, str, str], str] = {}
    month_of_day: dict[date, str] = {}  # a ledger's rows share a few dozen days
    for number, cells in rows:
        # Hidden characters first: the other messages would repeat them. (Lengths are
        # checked on the incident's normalised texts, by check_incident, as in the entry form.)
        row_errors = [RowError(SHEET, number, column, problem) for column, problem in cell_char_problems(cells)]
        refused = {e.column for e in row_errors}

        def bad(column: str, message: str) -> None:
            row_errors.append(RowError(SHEET, number, column, message))

        def read(column, parse, *args):
            if column in refused:
                return None
            try:
                return parse(cells.get(column), *args)
            except ValueError as exc:
                bad(column, str(exc))
                return None

        day = read("日期", parse_date)
        count = read("次数", parse_count)
        clause = read("条款", clause_code_from_cell, known_codes)
        evidence_text = normalise_text(cells.get("评定依据"))
        if evidence_text not in evidence_codes:  # a ledger names a few evidence types many times
            evidence_codes[evidence_text] = evidence_code_from_text(evidence_text, evidence)
        evidence_code = evidence_codes[evidence_text] if "评定依据" not in refused else ""
        if evidence_code is None:
            bad("评定依据", f"没有评定依据“{evidence_text}”，请填写名称（如 办件抽查）或编号（如 E07）")
        if day is None:
            plan.errors.extend(row_errors)
            continue
        month = month_of_day.get(day) or month_of_day.setdefault(day, month_of(day))
        variant_key = (normalise_text(cells.get("情形")), clause or "", month)
        if variant_key not in variant_names:  # and a few variants of its clauses
            variant_names[variant_key] = _variant_name(*variant_key, standards)
        incident = Incident(
            date=day,
            window_code=normalise_id(cells.get("窗口编号")),
            clause_code=clause or "",
            count=count or 1,
            evidence_code=evidence_code or "",
            variant=variant_names[variant_key],
            person_id=normalise_id(cells.get("工号")) or None,
            reference=normalise_text(cells.get("依据说明")),
            note=normalise_text(cells.get("备注")),
        )
        already_wrong = {e.column for e in row_errors}  # one message per cell is enough
        for column, message in check(incident):
            if column not in already_wrong and not (column in ("情形", "评定依据", "依据说明") and "条款" in already_wrong):
                bad(column, message)
        if row_errors:
            plan.errors.extend(row_errors)
        else:
            parsed.append((number, incident, month))
    if plan.errors or not parsed:
        return plan
    # Identical rows are compared as a multiset, voided incidents included, so a
    # ledger imported again after appending rows adds only the new ones.
    days = [incident.date for _, incident, _ in parsed]
    remaining = Counter(stored_identities(min(days), max(days)))
    new_months: set[str] = set()
    for number, incident, month in parsed:
        key = incident.identity()
        if remaining.get(key):
            remaining[key] -= 1
            plan.already_present += 1
            if month in closed_months:
                plan.already_present_closed += 1
        elif month in closed_months:
            plan.errors.append(
                RowError(
                    SHEET,
                    number,
                    "日期",
                    f"{month} 已锁定，这一行与已有的扣分记录不同，不能补录；"
                    "如确需补录或修改，请先重新开放该月（须填写理由）",
                )
            )
        else:
            plan.new.append(incident)
            new_months.add(month)
    if plan.errors:
        plan.new.clear()
    else:
        plan.months = sorted(new_months)
    return plan
