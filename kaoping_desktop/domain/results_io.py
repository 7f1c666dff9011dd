"""Month results as the JSON of formats.md, and as an exact snapshot for closed months."""

from __future__ import annotations

from fractions import Fraction

from .numbers import from_text, json_number, to_text
from .scoring import MonthResult, PersonResult, WindowResult
from .standards import DISQUALIFY_YEAR

SNAPSHOT_FORMAT = 1


def results_json(result: MonthResult) -> dict:
    """The `results --json` object: rounded to two decimals, windows by rank, people by window then id."""
    return {
        "month": result.month,
        "closed": result.closed,
        "evaluated": result.evaluated,
        "windows": [
            {
                "code": w.code,
                "name": w.name,
                "department": w.department,
                "chief_component": json_number(w.chief_component),
                "staff_component": json_number(w.staff_component),
                "categories": {k: json_number(v) for k, v in w.categories.items()},
                "total": json_number(w.total),
                "rank": w.rank,
                "disqualified": w.disqualified,
                "warnings": list(w.warnings),
                "grade": w.grade,
                "red_flag": w.red_flag,
            }
            for w in result.windows
        ],
        "people": [
            {
                "id": p.person_id,
                "name": p.name,
                "window": p.window_code,
                "role": p.role,
                "score": json_number(p.score),
            }
            for p in result.people
        ],
    }


def _other_consequences(w: WindowResult) -> dict:
    """Consequences beyond 取消评优 (which "disqualified" already carries). Left out when there
    are none, so a snapshot, and the verification code hashed over it, reads exactly as
    before the consequence registry existed."""
    others = sorted(w.consequences - {DISQUALIFY_YEAR})
    return {"consequences": others} if others else {}


def to_snapshot(result: MonthResult) -> dict:
    """Lossless form stored when a month is closed (Fractions as text)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "month": result.month,
        "windows": [
            {
                "code": w.code,
                "name": w.name,
                "department": w.department,
                "chief_component": to_text(w.chief_component),
                "staff_component": to_text(w.staff_component),
                "categories": {k: to_text(v) for k, v in w.categories.items()},
                "total": to_text(w.total),
                "rank": w.rank,
                "disqualified": w.disqualified,
                "warnings": list(w.warnings),
                "grade": w.grade,
                "red_flag": w.red_flag,
                "chief_ids": list(w.chief_ids),
                "staff_ids": list(w.staff_ids),
                **_other_consequences(w),
            }
            for w in result.windows
        ],
        "people": [
            {
                "id": p.person_id,
                "name": p.name,
                "window": p.window_code,
                "role": p.role,
                "score": to_text(p.score),
                "deductions": {k: to_text(v) for k, v in p.deductions.items()},
                "chief_share": to_text(p.chief_share),
            }
            for p in result.people
        ],
    }


def closing_snapshot(result: MonthResult, labels: dict, scoring: dict) -> dict:
    """What closing a month stores and hashes: the exact results, the clause texts and
    evidence names as printed (incident_rows.printed_labels), and the settings used."""
    return {**to_snapshot(result), "labels": labels, "settings": scoring}


def from_snapshot(data: dict, closed: bool = True) -> MonthResult:
    windows = tuple(
        WindowResult(
            code=w["code"],
            name=w["name"],
            department=w["department"],
            chief_component=from_text(w["chief_component"]),
            staff_component=from_text(w["staff_component"]),
            categories={k: from_text(v) for k, v in w["categories"].items()},
            total=from_text(w["total"]),
            rank=int(w["rank"]),
            disqualified=bool(w["disqualified"]),
            warnings=tuple(w["warnings"]),
            grade=w.get("grade", ""),
            red_flag=bool(w.get("red_flag", False)),
            chief_ids=tuple(w.get("chief_ids", ())),
            staff_ids=tuple(w.get("staff_ids", ())),
            consequences=frozenset(w.get("consequences", ())) | ({DISQUALIFY_YEAR} if w["disqualified"] else set()),
        )
        for w in data["windows"]
    )
    people = tuple(
        PersonResult(
            person_id=p["id"],
            name=p["name"],
            window_code=p["window"],
            role=p["role"],
            score=from_text(p["score"]),
            deductions={k: from_text(v) for k, v in p.get("deductions", {}).items()},
            chief_share=from_text(p.get("chief_share", "0")),
        )
        for p in data["people"]
    )
    return MonthResult(data["month"], windows, people, closed=closed)


__all__ = ["results_json", "to_snapshot", "closing_snapshot", "from_snapshot", "year_json", "Fraction"]


def year_json(result) -> dict:
    """The `results --year --json` object (formats.md), rounded to two decimals."""
    return {
        "year": result.year,
        "months": list(result.months),
        "windows": [
            {
                "code": w.code,
                "name": w.name,
                "department": w.department,
                "months": w.months,
                "mean": json_number(w.mean),
                "red_flag_months": len(w.red_flag_months),
                "disqualified": w.disqualified,
                "eligible": w.eligible,
                "rank": w.rank,
                "award": w.award,
            }
            for w in result.windows
        ],
        "people": [{"id": p.id, "name": p.name, "months": p.months, "mean": json_number(p.mean)} for p in result.people],
    }
