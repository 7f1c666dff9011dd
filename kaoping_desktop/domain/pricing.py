"""A priced incident: what `count` breaches of one clause variant take off.

The one place where count × deduction is worked out; scoring, the entry
preview, the incident lists and the sheets all ask here.
"""

from __future__ import annotations

from fractions import Fraction

from .records import record
from .standards import STAFF, Clause, Standard, StandardSet, Variant

ZERO = Fraction(0)


@record
class PricedIncident:
    kind: str  # standards.WINDOW or standards.STAFF
    category_code: str
    count: int
    window_points: Fraction  # count × the variant's window deduction
    chief_points: Fraction
    person_points: Fraction

    @classmethod
    def of(cls, standard: Standard, clause: Clause, variant: Variant, count: int) -> "PricedIncident":
        return cls(
            kind=standard.kind,
            category_code=clause.category_code,
            count=count,
            window_points=count * variant.window_points,
            chief_points=count * variant.chief_points,
            person_points=count * variant.person_points,
        )

    def half_points(self) -> tuple[int, int, int]:
        """(window, chief, person) points in halves: every deduction is a multiple of 0.5,
        so sums over thousands of incidents stay whole numbers until the end."""
        return (int(self.window_points * 2), int(self.chief_points * 2), int(self.person_points * 2))

    @property
    def points(self) -> Fraction:
        """What it takes from the scored party: the window (window clause) or the person."""
        return self.window_points if self.kind != STAFF else self.person_points


def price(standards: StandardSet, month: str, clause_code: str, variant: str, count: int) -> PricedIncident | None:
    """None when the clause (in the version in force for `month`) or its variant is unknown."""
    found = standards.find_clause(clause_code, month)
    if found is None:
        return None
    standard, clause = found
    chosen = clause.variant(variant)
    if chosen is None:
        return None
    return PricedIncident.of(standard, clause, chosen, count)
