"""What an incident being typed will deduct, shown live in the entry form."""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable

from .numbers import display
from .pricing import price
from .records import record
from .standards import STAFF, StandardSet


@record
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
    used: Iterable[tuple[str, str, int]],
) -> DeductionPreview | None:
    """None while the clause or variant is not chosen yet.

    used: (clause, variant, summed count) already recorded this month against the
    same window (window clause) or the same person (staff clause), without the
    incident being edited.
    """
    typed = price(standards, month, clause_code, variant, count) if count > 0 else None
    if typed is None:
        return None
    std, _ = standards.find_clause(clause_code, month)
    category = std.category(typed.category_code)
    spent = Fraction(0)
    for other_clause, other_variant, other_count in used:
        other = price(standards, month, other_clause, other_variant, other_count)
        if other is not None and other.kind == typed.kind and other.category_code == typed.category_code:
            spent += other.points
    before = max(Fraction(0), category.points - spent)
    return DeductionPreview(
        kind=typed.kind,
        category_code=category.code,
        category_name=category.name,
        window_points=typed.window_points,
        chief_points=typed.chief_points,
        person_points=typed.person_points,
        remaining_before=before,
        remaining_after=max(Fraction(0), before - typed.points),
    )
