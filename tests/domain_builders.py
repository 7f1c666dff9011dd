"""Plain domain values for tests that need no database: the shipped standards and a tiny roster."""

from __future__ import annotations

import json
from datetime import date

from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.roster import BACK_OFFICE, CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.domain.standards import (
    STANDARD_KINDS,
    EvidenceType,
    StandardSet,
    evidence_from_dict,
    standard_from_dict,
)
from kaoping_desktop.paths import resources_dir

MONTH = "2026-10"
DAY = date(2026, 10, 8)

CHIEF_ID = "1001"
STAFF_IDS = ("1002", "1003")
BACK_ID = "1004"


def default_standard_set() -> StandardSet:
    """Both shipped standards, version 1, read straight from resources/standards."""
    folder = resources_dir() / "standards"
    return StandardSet(
        tuple(
            standard_from_dict(json.loads((folder / f"{kind}.json").read_text(encoding="utf-8")))
            for kind in STANDARD_KINDS
        )
    )


def default_evidence() -> list[EvidenceType]:
    folder = resources_dir() / "standards"
    return evidence_from_dict(json.loads((folder / "evidence.json").read_text(encoding="utf-8")))


def tiny_roster(with_back_office: bool = False) -> tuple[list[Window], list[Person], list[Assignment]]:
    """One window W01, chief 1001, window staff 1002 and 1003 (and back office 1004), all open-ended."""
    windows = [Window("W01", "不动产登记窗口", "县自然资源局")]
    people = [Person(CHIEF_ID, "张三"), Person(STAFF_IDS[0], "李四"), Person(STAFF_IDS[1], "王五")]
    assignments = [
        Assignment(CHIEF_ID, "W01", CHIEF),
        Assignment(STAFF_IDS[0], "W01", WINDOW_STAFF),
        Assignment(STAFF_IDS[1], "W01", WINDOW_STAFF),
    ]
    if with_back_office:
        people.append(Person(BACK_ID, "赵六"))
        assignments.append(Assignment(BACK_ID, "W01", BACK_OFFICE))
    return windows, people, assignments


def incident(clause: str, evidence: str, variant: str = "", count: int = 1, person: str | None = None,
             day: date = DAY, window: str = "W01") -> Incident:
    return Incident(day, window, clause, count, evidence, variant, person)
