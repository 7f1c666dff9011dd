"""Build small real databases through the store, for tests."""

from __future__ import annotations

from datetime import date

from kaoping_desktop import services
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.store import catalogue, repository


def kinds() -> dict[str, str]:
    """clause code -> standard kind, from the stored catalogue."""
    out = {}
    for std in catalogue.load_standard_set().versions:
        for clause in std.clauses:
            out[clause.code] = std.kind
    return out


def add_incidents(incidents: list[Incident]) -> list[int]:
    return repository.insert_incidents(incidents, kinds())


def worked_example_db(path) -> None:
    """scoring.md's worked example, month 2026-10, in a real SQLite file."""
    services.open_app_database(path)
    repository.upsert_window(Window("W01", "不动产登记窗口", "县自然资源局"))
    for pid, name in (("1001", "张三"), ("1002", "李四"), ("1003", "王五")):
        repository.upsert_person(Person(pid, name))
    repository.replace_assignments("1001", [Assignment("1001", "W01", CHIEF)])
    repository.replace_assignments("1002", [Assignment("1002", "W01", WINDOW_STAFF)])
    repository.replace_assignments("1003", [Assignment("1003", "W01", WINDOW_STAFF)])
    d = date(2026, 10, 8)
    add_incidents(
        [
            Incident(d, "W01", "4.4", 1, "E11", "红牌"),
            Incident(d, "W01", "5.4", 2, "E17", "迟到（早退）"),
            Incident(d, "W01", "2.2", 1, "E03"),
            Incident(d, "W01", "P1.1", 3, "E26", person_id="1002"),
            Incident(d, "W01", "P2.3", 1, "E05", person_id="1002"),
            Incident(d, "W01", "P2.1", 1, "E04", person_id="1001"),
        ]
    )
