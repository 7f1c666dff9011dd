"""The two scoring standards as data: categories, clauses, variants, evidence types.

A standard is immutable once built; editing the catalogue means building a new
version that takes effect from a chosen month (see `StandardSet.for_month`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping  # (not typing: a reading command never loads it)
from fractions import Fraction

from .records import field, record

WINDOW = "window"
STAFF = "staff"
STANDARD_KINDS = (WINDOW, STAFF)
STANDARD_LABELS = {WINDOW: "窗口", STAFF: "人员"}

DISQUALIFY_YEAR = "disqualify_year"

OTHER_EVIDENCE = "E99"


@record
class EvidenceType:
    code: str
    name: str


@record
class Variant:
    """One way a clause can be breached. `name` is "" for a clause without variants."""

    name: str
    window_points: Fraction = Fraction(0)
    chief_points: Fraction = Fraction(0)
    person_points: Fraction = Fraction(0)


@record
class Clause:
    code: str
    category_code: str
    text: str
    unit: str = ""
    variants: tuple[Variant, ...] = ()
    evidence_codes: tuple[str, ...] = ()
    consequence: str | None = None
    note: str = ""
    points: Fraction = Fraction(0)  # only for category-1 base clauses

    @property
    def has_variants(self) -> bool:
        return any(v.name for v in self.variants)

    @property
    def is_computed(self) -> bool:
        """Base clauses (category 1) are computed, never entered as incidents."""
        return not self.variants

    def variant(self, name: str) -> Variant | None:
        for v in self.variants:
            if v.name == name:
                return v
        return None


@record
class Category:
    code: str
    name: str
    points: Fraction
    computed: bool = False


@record
class Standard:
    kind: str
    name: str
    categories: tuple[Category, ...]
    clauses: tuple[Clause, ...]
    version: int = 1
    effective_month: str = "2000-01"
    _by_code: Mapping[str, Clause] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {c.code: c for c in self.clauses})

    def clause(self, code: str) -> Clause | None:
        return self._by_code.get(code)

    def category(self, code: str) -> Category:
        for c in self.categories:
            if c.code == code:
                return c
        raise KeyError(code)

    def incident_clauses(self) -> list[Clause]:
        return [c for c in self.clauses if not c.is_computed]

    def scored_categories(self) -> list[Category]:
        """Categories that incidents deduct from (2–6 for windows, all for staff)."""
        return [c for c in self.categories if not c.computed]


@record
class StandardSet:
    """All versions of both standards; picks the version in force for a month."""

    versions: tuple[Standard, ...]
    # (kind, month) -> the version in force: an import asks for every row
    _in_force: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def for_month(self, kind: str, month: str) -> Standard:
        found = self._in_force.get((kind, month))
        if found is None:
            found = self._in_force[(kind, month)] = self._for_month(kind, month)
        return found

    def _for_month(self, kind: str, month: str) -> Standard:
        candidates = [s for s in self.versions if s.kind == kind and s.effective_month <= month]
        if not candidates:
            candidates = [s for s in self.versions if s.kind == kind]
            if not candidates:
                raise LookupError(f"没有{STANDARD_LABELS.get(kind, kind)}评分标准")
            return min(candidates, key=lambda s: (s.effective_month, s.version))
        return max(candidates, key=lambda s: (s.effective_month, s.version))

    def find_clause(self, code: str, month: str) -> tuple[Standard, Clause] | None:
        for kind in STANDARD_KINDS:
            std = self.for_month(kind, month)
            clause = std.clause(code)
            if clause is not None:
                return std, clause
        return None


def points(text: str | int | float | Fraction) -> Fraction:
    """Parse a deduction or category points value; must be a non-negative multiple of 0.5."""
    value = Fraction(str(text))
    if value < 0 or (value * 2).denominator != 1:
        raise ValueError(f"分值必须是 0.5 的非负整数倍：{text}")
    return value


def standard_from_dict(data: Mapping, version: int = 1, effective_month: str = "2000-01") -> Standard:
    """Build a standard from the JSON shape used in resources/standards/*.json."""
    kind = data["kind"]
    if kind not in STANDARD_KINDS:
        raise ValueError(f"未知的标准类型：{kind}")
    categories: list[Category] = []
    clauses: list[Clause] = []
    for cat in data["categories"]:
        computed = bool(cat.get("computed", False))
        categories.append(Category(str(cat["id"]), cat["name"], points(cat["points"]), computed))
        for cl in cat["clauses"]:
            variants = tuple(
                Variant(
                    name=v.get("name", ""),
                    window_points=points(v.get("window", 0)),
                    chief_points=points(v.get("chief", 0)),
                    person_points=points(v.get("person", 0)),
                )
                for v in cl.get("variants", ())
            )
            clauses.append(
                Clause(
                    code=str(cl["id"]),
                    category_code=str(cat["id"]),
                    text=cl["text"],
                    unit=cl.get("unit", ""),
                    variants=variants,
                    evidence_codes=tuple(cl.get("evidence", ())),
                    consequence=cl.get("consequence"),
                    note=cl.get("note", ""),
                    points=points(cl["points"]) if "points" in cl else Fraction(0),
                )
            )
    return Standard(kind, data["name"], tuple(categories), tuple(clauses), version, effective_month)


def evidence_from_dict(data: Mapping) -> list[EvidenceType]:
    return [EvidenceType(code, name) for code, name in data["evidence_types"]]


def clause_sort_key(code: str) -> tuple:
    """Natural order of clause ids: 5.2 before 5.10, P1.x after the window clauses."""
    prefix = "".join(ch for ch in code if ch.isalpha())
    numbers = tuple(int(p) for p in "".join(ch if ch.isdigit() or ch == "." else "" for ch in code).split(".") if p)
    return (prefix, numbers)


def all_evidence_codes(standards: Iterable[Standard]) -> set[str]:
    return {e for s in standards for c in s.clauses for e in c.evidence_codes}


def check_standard(std: Standard, evidence_codes: set[str]) -> list[str]:
    """Problems that would make a standard unusable, in Chinese; empty when it is fine."""
    problems: list[str] = []
    cat_codes = [c.code for c in std.categories]
    if len(set(cat_codes)) != len(cat_codes):
        problems.append("类别编号重复")
    seen: set[str] = set()
    for cl in std.clauses:
        if not cl.code.strip():
            problems.append("条款编号不能为空")
        if cl.code in seen:
            problems.append(f"条款编号 {cl.code} 重复")
        seen.add(cl.code)
        if cl.category_code not in cat_codes:
            problems.append(f"条款 {cl.code} 的类别 {cl.category_code} 不存在")
        if not cl.text.strip():
            problems.append(f"条款 {cl.code} 的内容不能为空")
        names = [v.name for v in cl.variants]
        if len(set(names)) != len(names):
            problems.append(f"条款 {cl.code} 的情形重复")
        if len(names) > 1 and "" in names:
            problems.append(f"条款 {cl.code} 有多个情形时每个情形都要有名称")
        for v in cl.variants:
            for value in (v.window_points, v.chief_points, v.person_points):
                if value < 0 or (value * 2).denominator != 1:
                    problems.append(f"条款 {cl.code} 的分值必须是 0.5 的非负整数倍")
                    break
        for code in cl.evidence_codes:
            if code not in evidence_codes:
                problems.append(f"条款 {cl.code} 的评定依据 {code} 不存在")
    return problems
