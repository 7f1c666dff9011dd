"""What the printed sheets and workbooks show, as plain rows (pure: no Qt, no database).

Everything stays exact (Fraction) here; the writers round half up to two
decimals only when they put a number on paper or into a cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Iterable, Mapping

from ..domain.calendar import month_bounds
from ..domain.evidence_chain import YEAR, document_code, year_hash
from ..domain.incident_rows import IncidentRow, shorten
from ..domain.incident_rows import incident_rows as priced_rows
from ..domain.incidents import Incident
from ..domain.roster import CHIEF, Person
from ..domain.annual import YearResult
from ..domain.settings import DEFAULT_SIGNATURE_TITLES
from ..domain.scoring import MonthResult, PersonResult, WindowResult
from ..domain.standards import STAFF, WINDOW, Category, EvidenceType, Standard, StandardSet, clause_sort_key

DRAFT_MARK = "草稿（未锁定）"
CLOSED_MARK = "已锁定"
RED_FLAG = "红旗窗口"
DISQUALIFIED = "取消评优"
KIND_LABELS = {WINDOW: "窗口", STAFF: "人员"}
ZERO = Fraction(0)


def month_label(month: str) -> str:
    """2026-10 -> 2026年10月"""
    return f"{int(month[:4])}年{int(month[5:7])}月"


def window_marks(w: WindowResult) -> list[str]:
    marks = []
    if w.red_flag:
        marks.append(RED_FLAG)
    marks.extend(w.marks)  # 取消评优 and any other consequence, from the registry
    return marks


def incident_rows(
    month: str,
    incidents: Iterable[Incident],
    standards: StandardSet,
    evidence: Iterable[EvidenceType] | Mapping[str, str],
    person_names: Mapping[str, str],
    window_names: Mapping[str, str],
    labels: Mapping | None = None,
) -> list[IncidentRow]:
    """The month's non-voided incidents, by date, window, clause. `labels`: a closed month's
    clause texts and evidence names as they were when it was closed."""
    first, last = month_bounds(month)
    evidence_names = dict(evidence) if isinstance(evidence, Mapping) else {e.code: e.name for e in evidence}
    evidence_names.update((labels or {}).get("evidence", {}))
    rows = priced_rows(
        (i for i in incidents if not i.voided and first <= i.date <= last),
        standards,
        evidence_names,
        window_names,
        person_names,
        clause_texts=(labels or {}).get("clauses", {}),
    )
    rows.sort(key=lambda r: (r.date, r.window_code, clause_sort_key(r.clause_code), r.person_id or "", r.id or 0))
    return rows


@dataclass(frozen=True)
class CategoryLine:
    """One line of a window's category table."""

    code: str
    label: str
    full: Fraction
    deducted: Fraction
    score: Fraction
    subtotal: bool = False  # 基础分 subtotal and 合计 lines
    capped: bool = False  # deductions exceeded the category points (扣完为止)


def category_lines(w: WindowResult, window_std: Standard, incidents: Iterable[IncidentRow] = ()) -> list[CategoryLine]:
    """Category 1 split into chief and staff components, categories 2–6, and the total."""
    raw: dict[str, Fraction] = {}
    for r in incidents:
        if r.kind == WINDOW and r.window_code == w.code:
            raw[r.category_code] = raw.get(r.category_code, ZERO) + r.window_points
    lines: list[CategoryLine] = []
    full_total = ZERO
    for cat in window_std.categories:
        full_total += cat.points
        if cat.computed:
            parts = [c for c in window_std.clauses if c.category_code == cat.code]
            halves = [c.points if c.points else cat.points / 2 for c in parts[:2]]
            while len(halves) < 2:
                halves.append(cat.points / 2)
            labels = [parts[i].text if i < len(parts) else ("首席代表基础分", "窗口工作人员基础分")[i] for i in range(2)]
            codes = [parts[i].code if i < len(parts) else f"{cat.code}.{i + 1}" for i in range(2)]
            for code, label, full, score in zip(codes, labels, halves, (w.chief_component, w.staff_component)):
                lines.append(CategoryLine(code, label, full, full - score, score))
            score = w.categories.get(cat.code, ZERO)
            lines.append(CategoryLine(cat.code, f"{cat.name}小计", cat.points, cat.points - score, score, subtotal=True))
        else:
            score = w.categories.get(cat.code, ZERO)
            lines.append(
                CategoryLine(
                    cat.code, cat.name, cat.points, cat.points - score, score, capped=raw.get(cat.code, ZERO) > cat.points
                )
            )
    lines.append(CategoryLine("", "合计", full_total, full_total - w.total, w.total, subtotal=True))
    return lines


@dataclass(frozen=True)
class MonthReport:
    """Everything the month's sheets and workbook print."""

    result: MonthResult
    window_standard: Standard
    staff_standard: Standard
    incidents: tuple[IncidentRow, ...]
    center_name: str
    signatures: Mapping[str, tuple[str, ...]]  # document (evidence_chain kind) -> signature titles
    generated_at: datetime
    content_hash: str  # the month's hash: each document's code derives from it
    person_names: Mapping[str, str] = field(default_factory=dict)

    def titles_for(self, document: str) -> tuple[str, ...]:
        """The signature titles printed on one document (settings, per document)."""
        return tuple(self.signatures.get(document, ()))

    @property
    def month(self) -> str:
        return self.result.month

    def code_for(self, document: str, window_code: str = "") -> str:
        """The verification code printed on a document of this month (formats.md: each
        document has its own)."""
        return document_code(self.content_hash, document, self.month, window_code)

    @property
    def closed(self) -> bool:
        return self.result.closed

    @property
    def status_text(self) -> str:
        return CLOSED_MARK if self.closed else DRAFT_MARK

    def staff_categories(self) -> list[Category]:
        return self.staff_standard.scored_categories()

    def window_categories(self) -> list[Category]:
        return list(self.window_standard.categories)

    def people_of(self, window_code: str) -> list[PersonResult]:
        return [p for p in self.result.people if p.window_code == window_code]

    def chief_names(self, w: WindowResult) -> list[str]:
        names = {p.person_id: p.name for p in self.result.people}
        names = {**self.person_names, **names}
        ids = list(w.chief_ids) or [p.person_id for p in self.people_of(w.code) if p.role == CHIEF]
        return [names.get(pid, pid) for pid in ids]

    def incidents_of(self, window_code: str) -> list[IncidentRow]:
        """The window's incidents plus staff-standard incidents of its people."""
        people = {p.person_id for p in self.people_of(window_code)}
        return [
            r
            for r in self.incidents
            if r.window_code == window_code or (r.kind == STAFF and r.person_id in people)
        ]

    def category_lines(self, w: WindowResult) -> list[CategoryLine]:
        return category_lines(w, self.window_standard, self.incidents)


def build_month_report(
    result: MonthResult,
    incidents: Iterable[Incident],
    standards: StandardSet,
    evidence: Iterable[EvidenceType] | Mapping[str, str],
    people: Iterable[Person] = (),
    center_name: str = "",
    signature_titles: Mapping[str, Iterable[str]] | None = None,
    generated_at: datetime | None = None,
    content_hash: str = "",
    labels: Mapping | None = None,
) -> MonthReport:
    """`signature_titles`: document -> titles (default: settings' defaults);
    `content_hash`: the month's hash (services.months.month_content_hash), from which each
    document's code derives; `labels`: a closed month's clause texts and evidence names."""
    incidents = list(incidents)
    person_names = {p.id: p.name for p in people}
    person_names.update({p.person_id: p.name for p in result.people})
    window_names = {w.code: w.name for w in result.windows}
    return MonthReport(
        result=result,
        window_standard=standards.for_month(WINDOW, result.month),
        staff_standard=standards.for_month(STAFF, result.month),
        incidents=tuple(incident_rows(result.month, incidents, standards, evidence, person_names, window_names, labels)),
        center_name=center_name,
        signatures={
            doc: tuple(titles)
            for doc, titles in (DEFAULT_SIGNATURE_TITLES if signature_titles is None else signature_titles).items()
        },
        generated_at=generated_at or datetime.now().replace(microsecond=0),
        content_hash=content_hash,
        person_names=person_names,
    )


# --- the year ------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualRow:
    """A window's year (domain.annual.AnnualWindow) with its open months as drafts."""

    code: str
    name: str
    department: str
    totals: dict[str, Fraction]  # closed month -> exact total, months the window was scored
    drafts: dict[str, Fraction]  # open month -> live total: printed as 草稿, never counted
    mean: Fraction  # over the closed months only
    months: int
    red_flag_months: tuple[str, ...]
    disqualified: bool
    eligible: bool
    rank: int | None
    award: bool  # 年度先进窗口

    @property
    def red_flag_count(self) -> int:
        return len(self.red_flag_months)


@dataclass(frozen=True)
class AnnualPersonRow:
    id: str
    name: str
    window_code: str  # the window of the person's latest closed month
    scores: dict[str, Fraction]
    mean: Fraction
    months: int


@dataclass(frozen=True)
class YearReport:
    year: int
    months: tuple[str, ...]  # every month shown: closed ones and open ones with results
    closed_months: tuple[str, ...]
    draft_months: tuple[str, ...]
    rows: tuple[AnnualRow, ...]  # eligible by rank then code, then ineligible by code (year JSON order)
    people: tuple[AnnualPersonRow, ...]  # by id
    awards: int
    center_name: str
    signature_titles: tuple[str, ...]
    generated_at: datetime
    content_hash: str  # over the hashes of its closed months (what `verify` recomputes)

    @property
    def closed(self) -> bool:
        """Official: nothing on it is a draft."""
        return bool(self.closed_months) and not self.draft_months

    @property
    def code(self) -> str:
        return document_code(self.content_hash, YEAR, str(self.year))

    @property
    def status_text(self) -> str:
        return CLOSED_MARK if self.closed else DRAFT_MARK


def build_year_report(
    year_result: YearResult,
    drafts: Mapping[str, MonthResult] = {},
    month_hashes: Mapping[str, str] = {},
    awards: int = 0,
    center_name: str = "",
    signature_titles: Iterable[str] = (),
    generated_at: datetime | None = None,
) -> YearReport:
    """`year_result`: domain.annual.score_year over the closed months; `drafts`: the open
    months' live results, shown beside them and marked; `month_hashes`: the closed months'
    hashes, from which the annual summary's code derives."""
    closed = tuple(year_result.months)
    prefix = f"{year_result.year:04d}-"
    draft_months = tuple(sorted(m for m, r in drafts.items() if m.startswith(prefix) and m not in closed and r.windows))
    live = {m: {w.code: w.total for w in drafts[m].windows} for m in draft_months}
    rows = tuple(
        AnnualRow(
            code=w.code,
            name=w.name,
            department=w.department,
            totals=dict(w.totals),
            drafts={m: live[m][w.code] for m in draft_months if w.code in live[m]},
            mean=w.mean,
            months=w.months,
            red_flag_months=w.red_flag_months,
            disqualified=w.disqualified,
            eligible=w.eligible,
            rank=w.rank,
            award=w.award,
        )
        for w in year_result.windows
    )
    people = tuple(
        AnnualPersonRow(p.id, p.name, p.window_code, dict(p.scores), p.mean, p.months) for p in year_result.people
    )
    return YearReport(
        year=year_result.year,
        months=tuple(sorted(closed + draft_months)),
        closed_months=closed,
        draft_months=draft_months,
        rows=rows,
        people=people,
        awards=awards,
        center_name=center_name,
        signature_titles=tuple(signature_titles),
        generated_at=generated_at or datetime.now().replace(microsecond=0),
        content_hash=year_hash([(m, month_hashes.get(m, "")) for m in closed]),
    )


__all__ = [
    "AnnualPersonRow",
    "AnnualRow",
    "CategoryLine",
    "DRAFT_MARK",
    "IncidentRow",
    "MonthReport",
    "YearReport",
    "build_month_report",
    "build_year_report",
    "category_lines",
    "incident_rows",
    "month_label",
    "shorten",
    "window_marks",
]
