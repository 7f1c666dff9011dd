"""The ledger import at scale (issue 12): only the file's date range is compared, rows go in with
one executemany, and the import stays all or nothing with its ids and audit row as before."""

from __future__ import annotations

import gc
import json
import random
import sqlite3
from datetime import date

import pytest
from peewee import IntegrityError

from kaoping_desktop import services
from kaoping_desktop.domain.incidents import Incident as Inc
from kaoping_desktop.domain.ledger_import import plan_ledger
from kaoping_desktop.domain.ledger_import import OPTIONAL, REQUIRED, SHEET
from kaoping_desktop.domain.roster import WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.domain.validation import ImportRejected, IncidentChecks, RosterView, check_incident
from kaoping_desktop.excel.reader import open_workbook, read_sheet
from kaoping_desktop.services.imports import _rows
from kaoping_desktop.services.incidents import void_incident
from kaoping_desktop.store import catalogue, repository
from kaoping_desktop.store.models import AuditLog, EvidenceType, Incident, ServiceWindow, database
from domain_builders import CHIEF_ID, DAY, STAFF_IDS, default_evidence, default_standard_set, tiny_roster
from store_builders import add_incidents, kinds
from workbooks import WORKED_ROSTER_PEOPLE, WORKED_ROSTER_WINDOWS, write_ledger, write_roster


@pytest.fixture
def db(tmp_path):
    services.open_app_database(tmp_path / "k.db")
    write_roster(tmp_path / "roster.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE)
    services.import_roster(tmp_path / "roster.xlsx")
    return tmp_path


def row(day: str, reference: str = "", count: int = 1) -> list:
    return [day, "W01", None, "3.1", None, count, "办件抽查", reference or None, None]


def stored(day: date, reference: str = "", count: int = 1) -> Inc:
    return Inc(day, "W01", "3.1", count, "E07", reference=reference)


def test_only_the_file_date_range_is_read_and_a_duplicate_inside_it_is_caught(db):
    _, _, voided, _ = add_incidents(
        [
            stored(date(2026, 10, 7), "A"),
            stored(date(2026, 10, 9), "B"),
            stored(date(2026, 10, 10), "C"),
            stored(date(2026, 10, 13), "D"),
        ]
    )
    void_incident(voided, "录错")
    got = repository.stored_identities(date(2026, 10, 8), date(2026, 10, 12))
    # Voided incidents count as stored (formats.md), rows outside the range are not read.
    assert sorted(got) == sorted(
        [stored(date(2026, 10, 9), "B").identity(), stored(date(2026, 10, 10), "C").identity()]
    )

    # plan_ledger asks for exactly the file's first and last dates.
    asked = []

    def identities(first, last):
        asked.append((first, last))
        return repository.stored_identities(first, last)

    path = write_ledger(db / "l.xlsx", [row("2026-10-09", "B"), row("2026-10-08", "X"), row("2026-10-12", "Y")])
    workbook = open_workbook(path)
    try:
        rows = _rows(read_sheet(workbook, SHEET, REQUIRED, OPTIONAL))
    finally:
        workbook.close()
    windows, people, assignments = repository.load_roster()
    plan = plan_ledger(
        rows,
        catalogue.load_standard_set(),
        RosterView.build(windows, people, assignments),
        catalogue.load_evidence(),
        repository.closed_months(),
        identities,
    )
    assert asked == [(date(2026, 10, 8), date(2026, 10, 12))]
    assert (len(plan.new), plan.already_present) == (2, 1)

    # Through the service: the duplicate of B and of the voided C are skipped; a row equal
    # to A or D in all but its date is new.
    report = services.import_incidents(
        write_ledger(db / "m.xlsx", [row("2026-10-09", "B"), row("2026-10-10", "C"), row("2026-10-11", "A"), row("2026-10-11", "D")])
    )
    assert (report.added, report.already_present) == (2, 2)
    assert Incident.select().count() == 6


def test_within_file_duplicates_are_a_multiset(db):
    add_incidents([stored(date(2026, 10, 9), "B")])
    report = services.import_incidents(write_ledger(db / "l.xlsx", [row("2026-10-09", "B")] * 3))
    assert (report.added, report.already_present) == (2, 1)
    assert services.import_incidents(db / "l.xlsx").added == 0


def test_a_file_spanning_two_months(db):
    add_incidents([stored(date(2026, 9, 30), "S"), stored(date(2026, 11, 2), "N")])
    rows = [row("2026-10-30", "O"), row("2026-11-02", "N"), row("2026-11-03", "M"), row("2026-09-30", "S", count=2)]
    report = services.import_incidents(write_ledger(db / "l.xlsx", rows))
    assert (report.added, report.already_present, report.months) == (3, 1, ["2026-09", "2026-10", "2026-11"])
    again = services.import_incidents(db / "l.xlsx")
    assert (again.added, again.already_present, again.months) == (0, 4, [])
    assert Incident.select().count() == 5


def test_ids_in_file_order_and_the_audit_row_as_before(db):
    (first_id,) = add_incidents([stored(date(2026, 10, 1), "earlier")])
    rows = [row("2026-10-09", "B"), row("2026-10-05", "A"), row("2026-10-20", "C", count=3)]
    audit_before = AuditLog.select().count()
    services.import_incidents(write_ledger(db / "ledger.xlsx", rows))
    got = [(i.id, i.reference, i.count, i.date) for i in Incident.select().where(Incident.id > first_id).order_by(Incident.id)]
    assert got == [
        (first_id + 1, "B", 1, date(2026, 10, 9)),
        (first_id + 2, "A", 1, date(2026, 10, 5)),
        (first_id + 3, "C", 3, date(2026, 10, 20)),
    ]
    stamps = {(i.created_at, i.updated_at) for i in Incident.select().where(Incident.id > first_id)}
    assert len(stamps) == 1 and next(iter(stamps))[0] is not None
    assert AuditLog.select().count() == audit_before + 1
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (entry.action, entry.entity, entry.entity_id) == ("导入扣分台账", "file", "ledger.xlsx")
    assert json.loads(entry.detail) == {"added": 3, "already_present": 0, "already_present_closed": 0, "months": ["2026-10"]}
    # The store's own answer: the ids it wrote, in order.
    with repository.transaction():
        ids = repository.insert_incidents([stored(date(2026, 10, 21), "D"), stored(date(2026, 10, 22), "E")], kinds())
    assert [i.reference for i in Incident.select().where(Incident.id.in_(ids)).order_by(Incident.id)] == ["D", "E"]
    assert ids == [first_id + 4, first_id + 5]


def _count_everything():
    return Incident.select().count(), AuditLog.select().count()


def test_a_constraint_error_on_the_last_row_writes_nothing(db):
    before = _count_everything()
    good = [stored(date(2026, 10, d), f"ok {d}") for d in range(1, 20)]
    with pytest.raises(IntegrityError):
        with repository.transaction():
            repository.insert_incidents(good + [stored(date(2026, 10, 21), count=0)], kinds())
            repository.audit("导入扣分台账", "file", "x.xlsx", {"added": 20})
    assert _count_everything() == before


def test_a_row_in_a_closed_month_writes_nothing(db):
    services.import_incidents(write_ledger(db / "oct.xlsx", [row("2026-10-09", "B")]))
    services.close_month("2026-10")
    before = _count_everything()
    # The store refuses a closed month whatever the caller checked...
    with pytest.raises(repository.MonthClosedError) as caught:
        with repository.transaction():
            repository.insert_incidents([stored(date(2026, 11, 2), "N"), stored(date(2026, 10, 20), "late")], kinds())
    assert caught.value.month == "2026-10"
    assert _count_everything() == before
    # ...and the closed-month trigger guards every row of an executemany itself.
    window_id = ServiceWindow.get(ServiceWindow.code == "W01").id
    evidence_id = EvidenceType.get(EvidenceType.code == "E07").id
    rows = [
        (day, window_id, None, "window", "3.1", "", 1, evidence_id, "", "", "t", "t")
        for day in ("2026-11-02", "2026-10-20")
    ]
    with pytest.raises(sqlite3.IntegrityError):
        with repository.transaction():
            database.cursor().executemany(repository._INSERT_INCIDENT_SQL, rows)
    assert _count_everything() == before
    # Through the service: a different October row refuses the whole file, November's row included.
    with pytest.raises(ImportRejected):
        services.import_incidents(write_ledger(db / "late.xlsx", [row("2026-11-02", "N"), row("2026-10-20", "late")]))
    assert _count_everything() == before


def test_one_checker_over_many_rows_says_what_checking_each_row_alone_says():
    # The import checks its rows with one IncidentChecks, which remembers each part of the
    # check per day, window, clause and person: every part must still see every field that
    # decides it (the 依据说明 of an 其他 row, the day of a person's assignment …).
    standards, evidence = default_standard_set(), default_evidence()
    windows, people, assignments = tiny_roster()
    windows.append(Window("W02", "新窗口", "县人社局", start=date(2026, 10, 10)))
    people.append(Person("1005", "钱七"))
    assignments.append(Assignment("1005", "W02", WINDOW_STAFF, start=date(2026, 10, 12)))
    roster = RosterView.build(windows, people, assignments)
    choices = dict(  # the first of each list is the likeliest, so that some rows pass
        day=[DAY] * 4 + [date(2026, 10, 11), date(2026, 10, 13), date(1999, 12, 31)],
        window=["W01"] * 6 + ["W02", "W99", "", "W\t1"],
        person=[None] * 3 + [CHIEF_ID, STAFF_IDS[0], "1005", "9999"],
        clause=["3.1"] * 3 + ["4.4", "P1.1", "1.1", "9.9", ""],
        variant=[""] * 4 + ["黄牌", "红牌", "错"],
        evidence=["E07"] * 3 + ["E26", "E99", "E00", ""],
        reference=["", "  ", "督办单 2026-118", "x" * 201, "a\u202eb"],
        count=[1] * 4 + [0, 1000],
    )
    rng = random.Random(12)
    incidents = [
        Inc(c["day"], c["window"], c["clause"], c["count"], c["evidence"], c["variant"], c["person"], c["reference"])
        for c in ({k: rng.choice(v) for k, v in choices.items()} for _ in range(4000))
    ]
    check = IncidentChecks(standards, roster, evidence)
    together = [check(inc) for inc in incidents]
    assert together == [check_incident(inc, standards, roster, evidence) for inc in incidents]
    assert 30 < sum(1 for problems in together if not problems) < 3000  # some pass, most do not


def test_the_collector_runs_again_after_an_import_whatever_its_outcome(db):
    assert gc.isenabled()
    services.import_incidents(write_ledger(db / "l.xlsx", [row("2026-10-09", "B")]))
    assert gc.isenabled()
    with pytest.raises(ImportRejected):
        services.import_incidents(write_ledger(db / "bad.xlsx", [row("2026-10-32", "B")]))
    assert gc.isenabled()
    gc.disable()  # a caller that keeps it off finds it off
    try:
        services.import_incidents(db / "l.xlsx")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_tables_rows_carry_each_stored_field_in_its_place(db):
    """The incident tables' rows are built positionally from one plain query and lookups of
    codes and names (services.incidents._rows): every field lands where its name says."""
    from kaoping_desktop.services import incidents as incident_service

    ids = add_incidents(
        [
            Inc(date(2026, 10, 9), "W01", "3.1", 2, "E07", person_id="1002", reference="督办单 7", note="当场整改"),
            Inc(date(2026, 10, 8), "W01", "4.4", 1, "E26", variant="红牌"),
        ]
    )
    void_incident(ids[0], "录错")
    rows = incident_service.month_incidents("2026-10")
    assert [r.date for r in rows] == [date(2026, 10, 8), date(2026, 10, 9)]  # oldest first
    late, early = rows[1], rows[0]
    assert (late.id, late.window_code, late.window_name, late.person_id, late.person_name) == (
        ids[0], "W01", "不动产登记窗口", "1002", "李四")
    assert (late.kind, late.category_code, late.clause_code, late.variant, late.count) == ("window", "3", "3.1", "", 2)
    assert (late.evidence_code, late.evidence_name, late.reference, late.note) == ("E07", "办件抽查", "督办单 7", "当场整改")
    assert (late.voided, late.void_reason) == (True, "录错") and late.priced is not None and late.clause_text
    assert (early.person_id, early.person_name, early.variant, early.voided, early.void_reason) == (None, "", "红牌", False, "")
    assert incident_service.month_incidents("2026-10", include_voided=False) == [early]
    assert incident_service.incident_row(ids[0]) == late
