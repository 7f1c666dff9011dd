"""An incident: one deduction recorded against a clause of a standard."""

from __future__ import annotations

from datetime import date

from .calendar import month_of
from .records import record


@record
class Incident:
    date: date
    window_code: str
    clause_code: str
    count: int
    evidence_code: str
    variant: str = ""
    person_id: str | None = None
    reference: str = ""
    note: str = ""
    voided: bool = False
    id: int | None = None

    @property
    def month(self) -> str:
        return month_of(self.date)

    def identity(self) -> tuple:
        """What makes two incidents "the same row" for re-import (not the database id)."""
        return (
            self.date,
            self.window_code,
            self.person_id or "",
            self.clause_code,
            self.variant,
            self.count,
            self.evidence_code,
            self.reference,
            self.note,
        )
