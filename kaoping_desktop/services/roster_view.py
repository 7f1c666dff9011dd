"""Reading the roster and catalogue for the window (the GUI never touches the store)."""

from __future__ import annotations

from ..domain.roster import Assignment, Person, Window
from ..domain.standards import EvidenceType
from ..store import catalogue, repository


def roster() -> tuple[list[Window], list[Person], list[Assignment]]:
    """All windows, people and assignments, windows and people ordered by id."""
    return repository.load_roster()


def evidence_types() -> list[EvidenceType]:
    """Every evidence type (评定依据), ordered by code."""
    return catalogue.load_evidence()
