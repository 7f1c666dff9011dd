"""Entering, editing and voiding incidents by hand (the 扣分录入 tab).

Every change is checked against the roster and the standard in force on the
incident's date, refused in a closed month, and written with an audit row.
Nothing is ever deleted: a wrong incident is voided with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from peewee import JOIN, IntegrityError

from ..domain.calendar import month_bounds, parse_month
from ..domain.entry import DeductionPreview, preview_deduction
from ..domain.incidents import Incident
from ..domain.standards import OTHER_EVIDENCE, STANDARD_LABELS, StandardSet
from ..domain.validation import RosterView, check_incident
from ..store import catalogue, repository
from ..store.models import Incident as IncidentRecord
from ..store.models import EvidenceType, Person, ServiceWindow, database, now
from .errors import InputError, MonthClosedError


@dataclass(frozen=True)
class IncidentInput:
    """What the entry form holds."""

    date: date
    window_code: str
    clause_code: str
    count: int
    evidence_code: str
    variant: str = ""
    person_id: str | None = None
    reference: str = ""
    note: str = ""

    def to_incident(self, id: int | None = None) -> Incident:
        return Incident(
            date=self.date,
            window_code=self.window_code.strip(),
            clause_code=self.clause_code.strip(),
            count=int(self.count),
            evidence_code=self.evidence_code.strip(),
            variant=(self.variant or "").strip(),
            person_id=(self.person_id or "").strip() or None,
            reference=(self.reference or "").strip(),
            note=(self.note or "").strip(),
            id=id,
        )


@dataclass(frozen=True)
class IncidentRow:
    """An incident as a table shows it, with names and the points it deducts."""

    id: int
    date: date
    window_code: str
    window_name: str
    person_id: str
    person_name: str
    standard_kind: str
    clause_code: str
    clause_text: str
    variant: str
    count: int
    evidence_code: str
    evidence_name: str
    reference: str
    note: str
    voided: bool
    void_reason: str
    window_points: Fraction
    chief_points: Fraction
    person_points: Fraction

    @property
    def standard_label(self) -> str:
        return STANDARD_LABELS.get(self.standard_kind, self.standard_kind)


def _standard_kinds(standards: StandardSet, inc: Incident) -> dict[str, str]:
    std, _ = standards.find_clause(inc.clause_code, inc.month)
    return {inc.clause_code: std.kind}


def _validate(inc: Incident) -> StandardSet:
    standards = catalogue.load_standard_set()
    windows, people, assignments = repository.load_roster()
    problems = check_incident(inc, standards, RosterView.build(windows, people, assignments), catalogue.load_evidence())
    if problems:
        raise InputError("；".join(f"【{col}】{msg}" for col, msg in problems))
    return standards


def _closed_guard(exc: IntegrityError, month: str):
    if "month_closed" in str(exc):
        raise MonthClosedError(month) from exc
    raise exc


def add_incident(data: IncidentInput) -> int:
    inc = data.to_incident()
    repository.ensure_month_open(inc.month)
    standards = _validate(inc)
    with database.atomic():
        (new_id,) = repository.insert_incidents([inc], _standard_kinds(standards, inc))
        repository.audit("录入扣分", "incident", new_id, _describe(inc))
    return new_id


def update_incident(incident_id: int, data: IncidentInput) -> None:
    record = IncidentRecord.get_or_none(IncidentRecord.id == incident_id)
    if record is None:
        raise InputError(f"扣分记录 {incident_id} 不存在")
    if record.voided:
        raise InputError("已作废的记录不能修改")
    before = repository.incident_to_domain(record)
    inc = data.to_incident(id=incident_id)
    repository.ensure_month_open(before.month)
    repository.ensure_month_open(inc.month)
    standards = _validate(inc)
    kinds = _standard_kinds(standards, inc)
    windows = {w.code: w for w in ServiceWindow.select()}
    people = {p.staff_no: p for p in Person.select()}
    evidence = {e.code: e for e in EvidenceType.select()}
    try:
        with database.atomic():
            record.date = inc.date
            record.window = windows[inc.window_code]
            record.person = people[inc.person_id] if inc.person_id else None
            record.standard_kind = kinds[inc.clause_code]
            record.clause_code = inc.clause_code
            record.variant = inc.variant
            record.count = inc.count
            record.evidence_type = evidence[inc.evidence_code]
            record.reference = inc.reference
            record.note = inc.note
            record.updated_at = now()
            record.save()
            repository.audit("修改扣分", "incident", incident_id, {"before": _describe(before), "after": _describe(inc)})
    except IntegrityError as exc:
        _closed_guard(exc, inc.month)


def void_incident(incident_id: int, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise InputError("作废扣分记录必须填写理由")
    record = IncidentRecord.get_or_none(IncidentRecord.id == incident_id)
    if record is None:
        raise InputError(f"扣分记录 {incident_id} 不存在")
    if record.voided:
        raise InputError("该记录已经作废")
    inc = repository.incident_to_domain(record)
    repository.ensure_month_open(inc.month)
    try:
        with database.atomic():
            record.voided = True
            record.void_reason = reason
            record.updated_at = now()
            record.save()
            repository.audit("作废扣分", "incident", incident_id, {"reason": reason, "incident": _describe(inc)})
    except IntegrityError as exc:
        _closed_guard(exc, inc.month)


def _describe(inc: Incident) -> dict:
    return {
        "date": inc.date.isoformat(),
        "window": inc.window_code,
        "person": inc.person_id or "",
        "clause": inc.clause_code,
        "variant": inc.variant,
        "count": inc.count,
        "evidence": inc.evidence_code,
        "reference": inc.reference,
        "note": inc.note,
    }


def identical_count(data: IncidentInput, exclude_id: int | None = None) -> int:
    """How many stored incidents are identical to the one being typed (date, window, person,
    clause, variant, evidence, reference); the form asks before saving another."""
    return repository.count_identical(data.to_incident(), exclude_id)


def preview(data: IncidentInput, exclude_id: int | None = None) -> DeductionPreview | None:
    """What the incident being typed would deduct, and what is left in its category."""
    try:
        inc = data.to_incident()
    except (TypeError, ValueError):
        return None
    if not inc.clause_code or inc.count <= 0:
        return None
    first, last = month_bounds(inc.month)
    return preview_deduction(
        catalogue.load_standard_set(),
        inc.month,
        inc.clause_code,
        inc.variant,
        inc.count,
        inc.window_code,
        inc.person_id,
        repository.load_incidents(first, last, include_voided=False),
        exclude_id=exclude_id,
    )


def month_incidents(month: str, include_voided: bool = True) -> list[IncidentRow]:
    """The month's incidents for the table under the form, oldest first."""
    month = parse_month(month)
    first, last = month_bounds(month)
    standards = catalogue.load_standard_set()
    evidence = {e.code: e.name for e in catalogue.load_evidence()}
    query = (
        IncidentRecord.select(
            IncidentRecord.id,
            IncidentRecord.date,
            ServiceWindow.code,
            ServiceWindow.name,
            Person.staff_no,
            Person.name,
            IncidentRecord.standard_kind,
            IncidentRecord.clause_code,
            IncidentRecord.variant,
            IncidentRecord.count,
            EvidenceType.code,
            IncidentRecord.reference,
            IncidentRecord.note,
            IncidentRecord.voided,
            IncidentRecord.void_reason,
        )
        .join(ServiceWindow)
        .switch(IncidentRecord)
        .join(Person, JOIN.LEFT_OUTER)
        .switch(IncidentRecord)
        .join(EvidenceType)
        .where((IncidentRecord.date >= first) & (IncidentRecord.date <= last))
        .order_by(IncidentRecord.date, IncidentRecord.id)
    )
    if not include_voided:
        query = query.where(IncidentRecord.voided == False)  # noqa: E712 (peewee expression)
    rows = []
    zero = Fraction(0)
    # Tuples, not model instances: a busy month has 10,000 rows and the table reloads often.
    for (id_, day, wcode, wname, pid, pname, kind, ccode, vname, count, ecode, ref, note, voided, reason) in query.tuples():
        found = standards.find_clause(ccode, month)
        clause = found[1] if found else None
        variant = clause.variant(vname) if clause else None
        rows.append(
            IncidentRow(
                id=id_,
                date=date.fromisoformat(day) if isinstance(day, str) else day,
                window_code=wcode,
                window_name=wname,
                person_id=pid or "",
                person_name=pname or "",
                standard_kind=kind,
                clause_code=ccode,
                clause_text=clause.text if clause else "",
                variant=vname,
                count=count,
                evidence_code=ecode,
                evidence_name=evidence.get(ecode, ""),
                reference=ref,
                note=note,
                voided=bool(voided),
                void_reason=reason,
                window_points=count * variant.window_points if variant else zero,
                chief_points=count * variant.chief_points if variant else zero,
                person_points=count * variant.person_points if variant else zero,
            )
        )
    return rows


__all__ = [
    "IncidentInput",
    "IncidentRow",
    "OTHER_EVIDENCE",
    "add_incident",
    "identical_count",
    "month_incidents",
    "preview",
    "update_incident",
    "void_incident",
]
