"""What an incident being typed will deduct, shown live in the entry form."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from .incidents import Incident
from .numbers import display
from .standards import STAFF, StandardSet


@dataclass(frozen=True)
class DeductionPreview:
    kind: str  # "window" or "staff"
    category_code: str
    category_name: str
    window_points: Fraction
    chief_points: Fraction
    person_points: Fraction
    remaining_before: Fraction  # left in the category this month before this incident
    remaining_after: Fraction

    def text(self) -> str:
        if self.kind == STAFF:
            head = f"人员扣 {_pts(self.person_points)} 分"
        else:
            head = f"窗口扣 {_pts(self.window_points)} 分，首席代表扣 {_pts(self.chief_points)} 分"
        return (
            f"{head}；本月「{self.category_name}」剩余 {_pts(self.remaining_before)} 分"
            f"，录入后剩余 {_pts(self.remaining_after)} 分"
        )


def _pts(value: Fraction) -> str:
    text = display(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def preview_deduction(
    standards: StandardSet,
    month: str,
    clause_code: str,
    variant: str,
    count: int,
    window_code: str,
    person_id: str | None,
    month_incidents: Iterable[Incident],
    exclude_id: int | None = None,
) -> DeductionPreview | None:
    """None while the clause or variant is not chosen yet."""
    found = standards.find_clause(clause_code, month)
    if not found or count <= 0:
        return None
    std, clause = found
    chosen = clause.variant(variant)
    if chosen is None:
        return None
    category = std.category(clause.category_code)
    used = Fraction(0)
    for inc in month_incidents:
        if inc.voided or inc.id is not None and inc.id == exclude_id:
            continue
        other = std.clause(inc.clause_code)
        if other is None or other.category_code != clause.category_code:
            continue
        v = other.variant(inc.variant)
        if v is None:
            continue
        if std.kind == STAFF:
            if inc.person_id == person_id:
                used += inc.count * v.person_points
        elif inc.window_code == window_code:
            used += inc.count * v.window_points
    before = max(Fraction(0), category.points - used)
    per = chosen.person_points if std.kind == STAFF else chosen.window_points
    after = max(Fraction(0), before - count * per)
    return DeductionPreview(
        kind=std.kind,
        category_code=category.code,
        category_name=category.name,
        window_points=count * chosen.window_points,
        chief_points=count * chosen.chief_points,
        person_points=count * chosen.person_points,
        remaining_before=before,
        remaining_after=after,
    )
