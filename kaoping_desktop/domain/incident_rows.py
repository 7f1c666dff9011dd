"""An incident as every list and sheet shows it: names, clause text and its priced points.

One type for the entry and results tables, the score sheets and the workbook.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Iterable, Mapping

from .incidents import Incident
from .pricing import PricedIncident, ZERO
from .records import record
from .standards import OTHER_EVIDENCE, STANDARD_LABELS, STAFF, WINDOW, StandardSet

CLAUSE_TEXT_CHARS = 20  # what a sheet's clause column holds


def shorten(text: str, limit: int = CLAUSE_TEXT_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@record
class IncidentRow:
    id: int | None
    date: date
    window_code: str
    window_name: str
    person_id: str | None
    person_name: str
    kind: str  # WINDOW or STAFF
    category_code: str
    clause_code: str
    clause_text: str
    variant: str
    count: int
    evidence_code: str
    evidence_name: str
    reference: str
    note: str
    priced: PricedIncident | None  # None when the clause or variant is unknown in that month's standard
    voided: bool = False
    void_reason: str = ""

    @property
    def standard_kind(self) -> str:
        return self.kind

    @property
    def standard_label(self) -> str:
        return STANDARD_LABELS.get(self.kind, self.kind)

    @property
    def window_points(self) -> Fraction:
        """count × window deduction (window standard), else 0."""
        return self.priced.window_points if self.priced and self.kind == WINDOW else ZERO

    @property
    def chief_points(self) -> Fraction:
        return self.priced.chief_points if self.priced and self.kind == WINDOW else ZERO

    @property
    def person_points(self) -> Fraction:
        """count × person deduction (staff standard), else 0."""
        return self.priced.person_points if self.priced and self.kind == STAFF else ZERO

    @property
    def short_text(self) -> str:
        return shorten(self.clause_text)

    @property
    def evidence_text(self) -> str:
        """The 评定依据 as printed: "办件抽查 BJ-2026-001", or for 其他 "其他：<依据说明>"
        (the catalogue's name "其他（须填写说明）" is the entry form's hint, not print)."""
        if self.evidence_code == OTHER_EVIDENCE:
            name = self.evidence_name.split("（")[0] or self.evidence_name
            return f"{name}：{self.reference}" if self.reference else name
        return f"{self.evidence_name} {self.reference}".strip() if self.reference else self.evidence_name


def incident_row(
    inc: Incident,
    standards: StandardSet,
    evidence_names: Mapping[str, str],
    window_name: str = "",
    person_name: str = "",
    void_reason: str = "",
    clause_texts: Mapping[str, str] = {},
) -> IncidentRow:
    """`clause_texts`: a closed month's clause texts as printed when it was closed (they win
    over today's catalogue, where a clause may since have been reworded)."""
    month = inc.month
    found = standards.find_clause(inc.clause_code, month)
    std, clause = found if found else (None, None)
    chosen = clause.variant(inc.variant) if clause else None
    return IncidentRow(
        id=inc.id,
        date=inc.date,
        window_code=inc.window_code,
        window_name=window_name,
        person_id=inc.person_id,
        person_name=person_name,
        kind=std.kind if std else "",
        category_code=clause.category_code if clause else "",
        clause_code=inc.clause_code,
        clause_text=clause_texts.get(inc.clause_code) or (clause.text if clause else ""),
        variant=inc.variant,
        count=inc.count,
        evidence_code=inc.evidence_code,
        evidence_name=evidence_names.get(inc.evidence_code, inc.evidence_code),
        reference=inc.reference,
        note=inc.note,
        priced=PricedIncident.of(std, clause, chosen, inc.count) if chosen is not None else None,
        voided=inc.voided,
        void_reason=void_reason,
    )


def incident_rows(
    incidents: Iterable[Incident],
    standards: StandardSet,
    evidence_names: Mapping[str, str],
    window_names: Mapping[str, str],
    person_names: Mapping[str, str],
    clause_texts: Mapping[str, str] = {},
) -> list[IncidentRow]:
    return [
        incident_row(
            inc,
            standards,
            evidence_names,
            window_names.get(inc.window_code, ""),
            person_names.get(inc.person_id, inc.person_id or "") if inc.person_id else "",
            clause_texts=clause_texts,
        )
        for inc in incidents
    ]


def printed_labels(
    uses: Iterable[tuple[str, str]], month: str, standards: StandardSet, evidence_names: Mapping[str, str]
) -> dict:
    """The clause texts and evidence names a month's sheets print, kept with its snapshot
    when it is closed, so that rewording the catalogue later never changes a signed month.
    uses: (clause code, evidence code) of the month's non-voided incidents."""
    clauses: dict[str, str] = {}
    evidence: dict[str, str] = {}
    for clause_code, evidence_code in uses:
        if clause_code not in clauses:
            found = standards.find_clause(clause_code, month)
            clauses[clause_code] = found[1].text if found else ""
        evidence[evidence_code] = evidence_names.get(evidence_code, evidence_code)
    return {"clauses": dict(sorted(clauses.items())), "evidence": dict(sorted(evidence.items()))}
