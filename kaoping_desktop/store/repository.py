"""Reading and writing roster, incidents, months, settings and the audit log.

Functions here speak domain objects in and out; SQL is built only by peewee
with bound parameters.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from typing import Callable

from peewee import JOIN, IntegrityError, OperationalError, fn
from peewee import __exception_wrapper__ as peewee_errors  # what peewee's own execute_sql uses

from ..domain import incidents as dom_inc
from ..domain import roster as dom
from ..domain.calendar import month_bounds
from .audit_chain import actor, audit  # noqa: F401 (re-exported: the chained log, plain SQL)
from .connection import is_busy
from .database import file_replaced
from .errors import DatabaseBusy, DatabaseReplaced, MonthClosedError
from .models import (
    Assignment,
    EvidenceType,
    Incident,
    Person,
    ScoringMonth,
    ServiceWindow,
    Setting,
    database,
    now,
)

# What scoring reads is plain SQL in reads.py (a reading command loads no peewee); the
# rest of the program reaches it here as before.
from .reads import (  # noqa: F401 (re-exported)
    DEFAULT_SETTINGS,
    _day,
    consequence_hits,
    get_setting,
    load_roster,
    month_ledger_lines,
    scoring_settings,
)


# What the schema's closed-month triggers raise (RAISE(ABORT, 'month_closed')).
_CLOSED_TRIGGER = "month_closed"


@contextmanager
def transaction(month: str | Callable[[], str] = ""):
    """One all-or-nothing write. The only place where a closed-month trigger firing in
    SQLite is turned into MonthClosedError (`month`: the month the write is about, or a
    function that tells it when the trigger fires)."""
    if file_replaced():  # never write into a file another program has replaced
        raise DatabaseReplaced()
    try:
        # IMMEDIATE: take the write lock at the start, so a second program waits its turn
        # (busy_timeout) instead of failing at once with "database is locked" mid-way.
        with database.atomic("IMMEDIATE"):
            yield
    except IntegrityError as exc:
        if _CLOSED_TRIGGER in str(exc):
            raise MonthClosedError(month() if callable(month) else month) from exc
        raise
    except OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusy() from exc
        raise


# --- roster ------------------------------------------------------------------


def window_to_domain(w: ServiceWindow) -> dom.Window:
    return dom.Window(w.code, w.name, w.department, w.start_date, w.end_date)


def upsert_window(w: dom.Window) -> tuple[ServiceWindow, bool]:
    row = ServiceWindow.get_or_none(ServiceWindow.code == w.code)
    if row is None:
        row = ServiceWindow.create(code=w.code, name=w.name, department=w.department, start_date=w.start, end_date=w.end)
        audit("新增窗口", "window", w.code, {"name": w.name, "department": w.department})
        return row, True
    changed = (row.name, row.department, row.start_date, row.end_date) != (w.name, w.department, w.start, w.end)
    if changed:
        before = window_to_domain(row)
        row.name, row.department, row.start_date, row.end_date = w.name, w.department, w.start, w.end
        row.updated_at = now()
        row.save()
        audit("修改窗口", "window", w.code, {"before": before.__dict__, "after": w.__dict__})
    return row, False


def upsert_person(p: dom.Person) -> tuple[Person, bool]:
    row = Person.get_or_none(Person.staff_no == p.id)
    if row is None:
        row = Person.create(staff_no=p.id, name=p.name, phone=p.phone)
        audit("新增人员", "person", p.id, {"name": p.name})
        return row, True
    if (row.name, row.phone) != (p.name, p.phone):
        audit("修改人员", "person", p.id, {"before": [row.name, row.phone], "after": [p.name, p.phone]})
        row.name, row.phone, row.updated_at = p.name, p.phone, now()
        row.save()
    return row, False


def replace_assignments(person_id: str, assignments: list[dom.Assignment]) -> None:
    person = Person.get(Person.staff_no == person_id)
    old = sorted(
        (a.window.code, a.role, str(a.start_date), str(a.end_date))
        for a in Assignment.select(Assignment, ServiceWindow).join(ServiceWindow).where(Assignment.person == person)
    )
    new = sorted((a.window_code, a.role, str(a.start), str(a.end)) for a in assignments)
    if old == new:
        return
    Assignment.delete().where(Assignment.person == person).execute()
    windows = {w.code: w for w in ServiceWindow.select()}
    for a in assignments:
        Assignment.create(person=person, window=windows[a.window_code], role=a.role, start_date=a.start, end_date=a.end)
    audit("修改岗位", "person", person_id, {"before": old, "after": new})


# --- incidents ---------------------------------------------------------------


def _incident_query():
    return (
        Incident.select(Incident, ServiceWindow, Person, EvidenceType)
        .join(ServiceWindow)
        .switch(Incident)
        .join(Person, JOIN.LEFT_OUTER)
        .switch(Incident)
        .join(EvidenceType)
    )


def incident_to_domain(row: Incident) -> dom_inc.Incident:
    return dom_inc.Incident(
        date=row.date,
        window_code=row.window.code,
        clause_code=row.clause_code,
        count=row.count,
        evidence_code=row.evidence_type.code,
        variant=row.variant,
        person_id=row.person.staff_no if row.person_id else None,
        reference=row.reference,
        note=row.note,
        voided=bool(row.voided),
        id=row.id,
    )


def load_incidents(first: date | None = None, last: date | None = None, include_voided: bool = True):
    # Plain tuples, not model instances: a busy month has 10,000 rows and this runs on every refresh.
    query = (
        Incident.select(
            Incident.id,
            Incident.date,
            ServiceWindow.code,
            Incident.clause_code,
            Incident.count,
            EvidenceType.code,
            Incident.variant,
            Person.staff_no,
            Incident.reference,
            Incident.note,
            Incident.voided,
        )
        .join(ServiceWindow)
        .switch(Incident)
        .join(Person, JOIN.LEFT_OUTER)
        .switch(Incident)
        .join(EvidenceType)
    )
    if first is not None:
        query = query.where(Incident.date >= first)
    if last is not None:
        query = query.where(Incident.date <= last)
    if not include_voided:
        query = query.where(Incident.voided == False)  # noqa: E712 (peewee expression)
    return [
        dom_inc.Incident(
            date=_day(day),
            window_code=window,
            clause_code=clause,
            count=count,
            evidence_code=evidence,
            variant=variant,
            person_id=person,
            reference=reference,
            note=note,
            voided=bool(voided),
            id=id_,
        )
        for id_, day, window, clause, count, evidence, variant, person, reference, note, voided in database.execute(
            query.order_by(Incident.date, Incident.id)
        )
    ]


# Incident.identity()'s fields, in its order, dates as ISO text; voided rows when asked.
_IDENTITIES_SQL = (
    "SELECT i.date, w.code, coalesce(p.staff_no, ''), i.clause_code, i.variant, i.count, e.code,"
    " i.reference, i.note FROM incident i JOIN service_window w ON w.id = i.window_id"
    " LEFT JOIN person p ON p.id = i.person_id JOIN evidence_type e ON e.id = i.evidence_type_id"
    " WHERE i.date >= ? AND i.date <= ? AND (? OR i.voided = 0)"
)


def _identity_rows(first: date, last: date, include_voided: bool) -> list[tuple]:
    return database.execute_sql(_IDENTITIES_SQL, (first.isoformat(), last.isoformat(), include_voided)).fetchall()


def month_identities(month: str) -> list[tuple]:
    """The month's non-voided incidents as `Incident.identity()` tuples (dates as ISO text),
    straight from SQL: what a closed month's hash covers."""
    return _identity_rows(*month_bounds(month), include_voided=False)


def month_label_uses(month: str) -> list[tuple[str, str]]:
    """(clause code, evidence code) pairs of the month's non-voided incidents, each once:
    what the month's sheets print labels for."""
    first, last = month_bounds(month)
    return database.execute_sql(
        "SELECT DISTINCT i.clause_code, e.code FROM incident i JOIN evidence_type e ON e.id = i.evidence_type_id"
        " WHERE i.date >= ? AND i.date <= ? AND i.voided = 0",
        (first.isoformat(), last.isoformat()),
    ).fetchall()


def stored_identities(first: date, last: date) -> list[tuple]:
    """Incident.identity() of every stored incident dated first..last, voided ones too (formats.md:
    a ledger row identical to any stored incident is already present), in one query into tuples:
    an import reads only its file's date range, whatever the years stored."""
    return [(_day(row[0]), *row[1:]) for row in _identity_rows(first, last, include_voided=True)]


def incident_months(first: date, last: date) -> set[str]:
    """Months ("YYYY-MM") between two dates that have a non-voided incident."""
    month = fn.SUBSTR(Incident.date, 1, 7)
    query = (
        Incident.select(month)
        .where((Incident.date >= first) & (Incident.date <= last) & (Incident.voided == False))  # noqa: E712
        .distinct()
    )
    return {m for (m,) in query.tuples()}


_INSERT_INCIDENT_SQL = (
    "INSERT INTO incident (date, window_id, person_id, standard_kind, clause_code, variant, count, "
    "evidence_type_id, reference, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def insert_incidents(incidents: list[dom_inc.Incident], standard_kinds: dict[str, str]) -> list[int]:
    """Insert new incidents with one executemany (parameters bound); their ids in order.

    The closed-month trigger still guards every row. Ids: the table's INTEGER PRIMARY KEY
    (no AUTOINCREMENT) gives max(id)+1 to each new row and the write lock is held, so the
    ids follow the largest one read first (sqlite3's executemany returns no RETURNING rows).
    """
    if not incidents:
        return []
    windows = dict(database.execute(ServiceWindow.select(ServiceWindow.code, ServiceWindow.id)))
    people = dict(database.execute(Person.select(Person.staff_no, Person.id)))
    evidence = dict(database.execute(EvidenceType.select(EvidenceType.code, EvidenceType.id)))
    one_a_day = {inc.date: inc for inc in incidents}.values()  # a ledger's rows share a few dozen days
    months = sorted({inc.month for inc in one_a_day})
    for month in months:
        ensure_month_open(month)
    stamp = Incident.created_at.db_value(now())
    params = [
        (
            inc.date.isoformat(),
            windows[inc.window_code],
            people[inc.person_id] if inc.person_id else None,
            standard_kinds[inc.clause_code],
            inc.clause_code,
            inc.variant,
            inc.count,
            evidence[inc.evidence_code],
            inc.reference,
            inc.note,
            stamp,
            stamp,
        )
        for inc in incidents
    ]

    def closed_month() -> str:  # which month the trigger refused, told after the fact
        return next((m for m in months if is_closed(m)), months[0])

    with transaction(closed_month):
        (last_id,) = database.execute_sql("SELECT COALESCE(MAX(id), 0) FROM incident").fetchone()
        with peewee_errors:  # sqlite3's errors as peewee's, as transaction() expects
            database.cursor().executemany(_INSERT_INCIDENT_SQL, params)
    return list(range(last_id + 1, last_id + 1 + len(incidents)))


def get_incident(incident_id: int) -> tuple[dom_inc.Incident, str] | None:
    """The stored incident (voided ones too) and its void reason, or None."""
    row = _incident_query().where(Incident.id == incident_id).first()
    return (incident_to_domain(row), row.void_reason) if row is not None else None


def update_incident(incident_id: int, inc: dom_inc.Incident, standard_kind: str) -> None:
    """Overwrite an incident's fields (call inside `transaction`)."""
    Incident.update(
        date=inc.date,
        window=ServiceWindow.get(ServiceWindow.code == inc.window_code),
        person=Person.get(Person.staff_no == inc.person_id) if inc.person_id else None,
        standard_kind=standard_kind,
        clause_code=inc.clause_code,
        variant=inc.variant,
        count=inc.count,
        evidence_type=EvidenceType.get(EvidenceType.code == inc.evidence_code),
        reference=inc.reference,
        note=inc.note,
        updated_at=now(),
    ).where(Incident.id == incident_id).execute()


def void_incident(incident_id: int, reason: str) -> None:
    """Mark an incident void; nothing is ever deleted (call inside `transaction`)."""
    Incident.update(voided=True, void_reason=reason, updated_at=now()).where(Incident.id == incident_id).execute()


# The incident tables' columns; codes and names are looked up in Python afterwards (a center
# has a few hundred of them, a month 10,000 rows: three joins cost more than the lookups).
_INCIDENT_LIST_SQL = (
    "SELECT id, date, window_id, person_id, standard_kind, clause_code, variant, count, evidence_type_id,"
    " reference, note, voided, void_reason FROM incident"
)


def incident_list(
    first: date | None = None, last: date | None = None, include_voided: bool = True, ids: list[int] | None = None
) -> list[tuple]:
    """Rows for the incident tables, oldest first, as tuples:
    (id, date, window code, window name, person id, person name, standard kind, clause,
    variant, count, evidence code, reference, note, voided, void reason)."""
    if ids is not None:
        where, params = " WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(list(ids))]
    else:
        where = " WHERE date >= ? AND date <= ? AND (? OR voided = 0)"
        params = [(first or date.min).isoformat(), (last or date.max).isoformat(), include_voided]
    rows = database.execute_sql(_INCIDENT_LIST_SQL + where + " ORDER BY date, id", params).fetchall()
    windows = {id_: (code, name) for id_, code, name in database.execute_sql("SELECT id, code, name FROM service_window")}
    people = {id_: (no, name) for id_, no, name in database.execute_sql("SELECT id, staff_no, name FROM person")}
    people[None] = (None, None)
    evidence = dict(database.execute_sql("SELECT id, code FROM evidence_type"))
    return [
        (id_, _day(day), *windows[wid], *people[pid], kind, clause, variant, count, evidence[eid], ref, note,
         bool(voided), reason)
        for id_, day, wid, pid, kind, clause, variant, count, eid, ref, note, voided, reason in rows
    ]


def usage_counts(
    first: date,
    last: date,
    window_code: str | None = None,
    person_id: str | None = None,
    exclude_id: int | None = None,
) -> list[tuple[str, str, int]]:
    """(clause, variant, summed count) of non-voided incidents of one window or one person in
    [first, last]: what the live preview needs to know what is left in a category."""
    query = (
        Incident.select(Incident.clause_code, Incident.variant, fn.SUM(Incident.count))
        .join(ServiceWindow)
        .switch(Incident)
        .join(Person, JOIN.LEFT_OUTER)
        .where((Incident.date >= first) & (Incident.date <= last) & (Incident.voided == False))  # noqa: E712
        .group_by(Incident.clause_code, Incident.variant)
    )
    if window_code is not None:
        query = query.where(ServiceWindow.code == window_code)
    if person_id is not None:
        query = query.where(Person.staff_no == person_id)
    if exclude_id is not None:
        query = query.where(Incident.id != exclude_id)
    return [(clause, variant, int(count)) for clause, variant, count in query.tuples()]


def count_identical(inc: dom_inc.Incident, exclude_id: int | None = None) -> int:
    """Stored, non-voided incidents with the same date, window, person, clause, variant,
    evidence and reference (what the entry form asks about before a second is saved)."""
    query = (
        Incident.select(Incident.id)
        .join(ServiceWindow)
        .switch(Incident)
        .join(Person, JOIN.LEFT_OUTER)
        .switch(Incident)
        .join(EvidenceType)
        .where(
            (Incident.date == inc.date)
            & (ServiceWindow.code == inc.window_code)
            & (Incident.clause_code == inc.clause_code)
            & (Incident.variant == inc.variant)
            & (EvidenceType.code == inc.evidence_code)
            & (Incident.reference == inc.reference)
            & (Incident.voided == False)  # noqa: E712 (peewee expression)
        )
    )
    if inc.person_id:
        query = query.where(Person.staff_no == inc.person_id)
    else:
        query = query.where(Incident.person.is_null())
    if exclude_id is not None:
        query = query.where(Incident.id != exclude_id)
    return query.count()


# --- months ------------------------------------------------------------------


def month_row(month: str) -> ScoringMonth | None:
    return ScoringMonth.get_or_none(ScoringMonth.month == month)


def is_closed(month: str) -> bool:
    row = month_row(month)
    return bool(row and row.closed)


def closed_months() -> set[str]:
    return {m.month for m in ScoringMonth.select(ScoringMonth.month).where(ScoringMonth.closed == True)}  # noqa: E712


def ensure_month_open(month: str) -> None:
    if is_closed(month):
        raise MonthClosedError(month)


def store_closed_month(month: str, snapshot: dict, window_version, staff_version, snapshot_hash: str = "") -> None:
    """Mark the month closed with its official results and their hash (call inside `transaction`)."""
    row = month_row(month) or ScoringMonth.create(month=month)
    row.closed = True
    row.closed_by = actor()
    row.closed_at = now()
    row.results_json = json.dumps(snapshot, ensure_ascii=False)
    row.window_version = window_version
    row.staff_version = staff_version
    row.snapshot_hash = snapshot_hash
    row.save()


def reopen_closed_month(month: str, reason: str) -> str | None:
    """Open a closed month again; returns the official results it had (call inside `transaction`)."""
    row = month_row(month)
    previous = row.results_json
    row.closed = False
    row.reopened_at = now()
    row.reopen_reason = reason
    row.snapshot_hash = ""
    row.save()
    return previous


# --- settings ----------------------------------------------------------------

# Window state (geometry, last tab, month…): remembered per database, never audited.
UNAUDITED_SETTINGS = {"ui_state"}


def set_setting(key: str, value) -> None:
    old = get_setting(key)
    if old == value:
        return
    with transaction():
        Setting.replace(key=key, value=json.dumps(value, ensure_ascii=False)).execute()
        if key not in UNAUDITED_SETTINGS:
            audit("修改设置", "setting", key, {"before": old, "after": value})
