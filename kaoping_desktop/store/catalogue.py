"""The rule catalogue in the database: seeding the defaults, loading, new versions."""

from __future__ import annotations

import json

from ..domain import standards as dom
from ..domain.standards import STANDARD_KINDS
from ..paths import resources_dir
from .models import (
    Category,
    Clause,
    ClauseEvidence,
    ClauseVariant,
    EvidenceType,
    Standard,
    StandardVersion,
    database,
)
from .reads import has_standards, load_standard_set  # noqa: F401 (re-exported: plain SQL, see reads.py)


def default_standards() -> tuple[list[dom.EvidenceType], list[dict]]:
    folder = resources_dir() / "standards"
    evidence = dom.evidence_from_dict(json.loads((folder / "evidence.json").read_text(encoding="utf-8")))
    data = [json.loads((folder / f"{kind}.json").read_text(encoding="utf-8")) for kind in STANDARD_KINDS]
    return evidence, data


def seed_defaults() -> bool:
    """Load the shipped standards into an empty database. Returns True if it did."""
    if has_standards():
        return False
    evidence, data = default_standards()
    with database.atomic():
        for e in evidence:
            EvidenceType.get_or_create(code=e.code, defaults={"name": e.name})
        for item in data:
            std = dom.standard_from_dict(item, version=1, effective_month="2000-01")
            save_version(std, note="默认标准")
    return True


def save_version(std: dom.Standard, note: str = "") -> StandardVersion:
    """Write one standard version (categories, clauses, variants, evidence) as rows."""
    standard, _ = Standard.get_or_create(kind=std.kind, defaults={"name": std.name})
    evidence_ids = {e.code: e.id for e in EvidenceType.select()}
    with database.atomic():
        version = StandardVersion.create(
            standard=standard,
            version=std.version,
            effective_month=std.effective_month,
            name=std.name,
            note=note,
        )
        categories = {}
        for order, cat in enumerate(std.categories):
            categories[cat.code] = Category.create(
                version=version,
                code=cat.code,
                name=cat.name,
                points=cat.points,
                computed=cat.computed,
                sort_order=order,
            )
        for order, cl in enumerate(std.clauses):
            clause = Clause.create(
                version=version,
                category=categories[cl.category_code],
                code=cl.code,
                text=cl.text,
                unit=cl.unit,
                points=cl.points,
                consequence=cl.consequence,
                note=cl.note,
                sort_order=order,
            )
            for vorder, v in enumerate(cl.variants):
                ClauseVariant.create(
                    clause=clause,
                    name=v.name,
                    window_points=v.window_points,
                    chief_points=v.chief_points,
                    person_points=v.person_points,
                    sort_order=vorder,
                )
            for code in cl.evidence_codes:
                if code not in evidence_ids:
                    raise ValueError(f"条款 {cl.code} 引用了不存在的评定依据 {code}")
                ClauseEvidence.create(clause=clause, evidence_type=evidence_ids[code])
    return version


def load_evidence() -> list[dom.EvidenceType]:
    return [dom.EvidenceType(e.code, e.name) for e in EvidenceType.select().order_by(EvidenceType.code)]


def version_row(kind: str, month: str) -> StandardVersion | None:
    """The stored version in force for a month (same choice as StandardSet.for_month)."""
    query = (
        StandardVersion.select()
        .join(Standard)
        .where(Standard.kind == kind, StandardVersion.effective_month <= month)
        .order_by(StandardVersion.effective_month.desc(), StandardVersion.version.desc())
    )
    return query.first() or (
        StandardVersion.select()
        .join(Standard)
        .where(Standard.kind == kind)
        .order_by(StandardVersion.effective_month, StandardVersion.version)
        .first()
    )


def next_version_number(kind: str) -> int:
    latest = (
        StandardVersion.select().join(Standard).where(Standard.kind == kind).order_by(StandardVersion.version.desc()).first()
    )
    return (latest.version + 1) if latest else 1
