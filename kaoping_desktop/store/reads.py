"""What scoring a month reads: settings, roster, standards, the month's rows, in plain SQL.

No peewee here: `results --month` reads through a plain sqlite3 connection
(connection.py) and scores without loading the model layer. The window and the
writing commands call the same functions (repository.py and catalogue.py re-export
them) over peewee's connection. Parameters are always bound.
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from collections import namedtuple

from ..domain import roster as dom
from ..domain import standards as std_dom
from ..domain.calendar import month_bounds
from ..domain.numbers import from_text
from ..domain.scoring import LedgerLine
from ..domain.settings import (
    DEFAULT_ANNUAL_AWARDS,
    DEFAULT_GRADES,
    DEFAULT_PREVIOUS_MONTH_UNTIL_DAY,
    DEFAULT_RED_FLAG_COUNT,
    DEFAULT_SIGNATURE_TITLES,
    Grade,
    ScoringSettings,
)
from .connection import current_path, execute

_DAYS: dict[str, date] = {}


def _day(value) -> date | None:
    """ISO text from SQLite as a date (a month has few distinct days: parse each once)."""
    found = _DAYS.get(value)
    if found is None:
        if not isinstance(value, str):  # None, or a date already
            return value
        found = _DAYS[value] = date.fromisoformat(value)
    return found


# --- settings ----------------------------------------------------------------

DEFAULT_SETTINGS = {
    "center_name": "XX县政务服务中心",
    "grades": [[g.name, str(g.minimum)] for g in DEFAULT_GRADES],
    "red_flag_count": DEFAULT_RED_FLAG_COUNT,
    "annual_awards": DEFAULT_ANNUAL_AWARDS,
    "signature_titles": {doc: list(titles) for doc, titles in DEFAULT_SIGNATURE_TITLES.items()},
    "issuer": "",  # 落款单位 of the 通报; "" = the center's name
    "first_month": None,  # 开始考评月份; None = every month is evaluated (scoring.md)
    "operator": "",  # 操作员 written into the audit log; "" = the OS login
    "previous_month_until_day": DEFAULT_PREVIOUS_MONTH_UNTIL_DAY,
}


def get_setting(key: str):
    row = execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    if row is None:
        return DEFAULT_SETTINGS.get(key)
    return json.loads(row[0])


def scoring_settings() -> ScoringSettings:
    stored = dict(
        execute(
            "SELECT key, value FROM setting WHERE key IN (?, ?, ?, ?)",
            ("grades", "red_flag_count", "annual_awards", "first_month"),
        ).fetchall()
    )

    def value(key: str):
        return json.loads(stored[key]) if key in stored else DEFAULT_SETTINGS[key]

    return ScoringSettings(
        grades=tuple(Grade(name, Fraction(minimum)) for name, minimum in value("grades")),
        red_flag_count=int(value("red_flag_count")),
        annual_awards=int(value("annual_awards")),
        first_month=value("first_month") or None,
    )


# --- roster ------------------------------------------------------------------


def load_roster() -> tuple[list[dom.Window], list[dom.Person], list[dom.Assignment]]:
    # Tuples, not model instances: 800 people and their assignments are read on every scoring.
    windows = [
        dom.Window(code, name, department, _day(start), _day(end))
        for code, name, department, start, end in execute(
            "SELECT code, name, department, start_date, end_date FROM service_window ORDER BY code"
        )
    ]
    people = [
        dom.Person(staff_no, name, phone)
        for staff_no, name, phone in execute("SELECT staff_no, name, phone FROM person ORDER BY staff_no")
    ]
    assignments = [
        dom.Assignment(staff_no, code, role, _day(start), _day(end))
        for staff_no, code, role, start, end in execute(
            "SELECT p.staff_no, w.code, a.role, a.start_date, a.end_date FROM assignment a"
            " JOIN person p ON p.id = a.person_id JOIN service_window w ON w.id = a.window_id ORDER BY a.id"
        )
    ]
    return windows, people, assignments


# --- a month's incidents -----------------------------------------------------

# A month's non-voided rows summed in two queries, one per standard: window-standard
# incidents per window, day, clause and variant (the day finds the chief; the person named
# is information only), staff-standard ones per window, person, clause and variant (the day
# is left out). Two plain GROUP BYs cost two thirds of one grouping by CASE expressions.
_WINDOW_LINES_SQL = (
    "SELECT w.code, s.date, s.clause_code, s.variant, s.n FROM ("
    " SELECT window_id, date, clause_code, variant, SUM(count) AS n FROM incident"
    " WHERE date BETWEEN ? AND ? AND voided = 0 AND standard_kind = 'window'"
    " GROUP BY window_id, date, clause_code, variant) s JOIN service_window w ON w.id = s.window_id"
)
_STAFF_LINES_SQL = (
    "SELECT w.code, p.staff_no, s.clause_code, s.variant, s.n FROM ("
    " SELECT window_id, person_id, clause_code, variant, SUM(count) AS n FROM incident"
    " WHERE date BETWEEN ? AND ? AND voided = 0 AND standard_kind = 'staff'"
    " GROUP BY window_id, person_id, clause_code, variant) s JOIN service_window w ON w.id = s.window_id"
    " LEFT JOIN person p ON p.id = s.person_id"
)


def month_ledger_lines(month: str) -> list[LedgerLine]:
    """The month's non-voided incidents summed in SQL (see _WINDOW_LINES_SQL): fewer groups,
    same scores, and one read of the month's rows per standard."""
    bounds = tuple(day.isoformat() for day in month_bounds(month))
    lines = [
        LedgerLine(window, None, _day(day), clause, variant, count)
        for window, day, clause, variant, count in execute(_WINDOW_LINES_SQL, bounds)
    ]
    lines += [
        LedgerLine(window, person, None, clause, variant, count)
        for window, person, clause, variant, count in execute(_STAFF_LINES_SQL, bounds)
    ]
    return lines


def consequence_hits(month: str, clause_codes: set[str]) -> list[tuple[str, date, str]]:
    """(window, date, clause) of non-voided incidents from January through `month` whose clause
    may carry a consequence: what 取消评优 needs, without reading the whole year."""
    codes = sorted(clause_codes)
    if not codes:
        return []
    rows = execute(
        "SELECT w.code, i.date, i.clause_code FROM incident i JOIN service_window w ON w.id = i.window_id"
        " WHERE i.clause_code IN (SELECT value FROM json_each(?)) AND i.date >= ? AND i.date <= ?"
        " AND i.voided = 0",
        (json.dumps(codes), f"{month[:4]}-01-01", month_bounds(month)[1].isoformat()),
    )
    return [(window, _day(day), clause) for window, day, clause in rows]


# --- months ------------------------------------------------------------------


# A row of scoring_month as the custody checks read it: (month: str, closed: bool,
# results_json: str | None, snapshot_hash: str).
StoredMonth = namedtuple("StoredMonth", "month closed results_json snapshot_hash")


_STORED_MONTH_SQL = "SELECT month, closed, results_json, snapshot_hash FROM scoring_month"


def _stored(row: tuple) -> StoredMonth:
    month, closed, results_json, snapshot_hash = row
    return StoredMonth(month, bool(closed), results_json, snapshot_hash or "")


def stored_month(month: str) -> StoredMonth | None:
    row = execute(_STORED_MONTH_SQL + " WHERE month = ?", (month,)).fetchone()
    return _stored(row) if row else None


def stored_months() -> list[StoredMonth]:
    return [_stored(row) for row in execute(_STORED_MONTH_SQL + " ORDER BY month")]


def unsealed_months() -> list[str]:
    """Closed months without a hash (closed before schema version 2)."""
    # No ORDER BY: SQLite then answers from the partial index (migration 0004) instead of
    # walking the month index and reading every row's stored results on the way.
    cursor = execute(
        "SELECT month FROM scoring_month WHERE closed = 1 AND snapshot_hash = '' AND results_json IS NOT NULL"
    )
    return sorted(m for (m,) in cursor)


# --- the standards -----------------------------------------------------------


def has_standards() -> bool:
    return execute("SELECT EXISTS (SELECT 1 FROM standard)").fetchone()[0] == 1


_standard_cache: tuple[tuple, std_dom.StandardSet] | None = None


def load_standard_set() -> std_dom.StandardSet:
    """Every version of both standards, as domain objects.

    Versions are never changed once written (an edit is a new version), so the set
    is kept until the file or its versions change: the entry form and scoring ask
    for it on every save and every keystroke's preview.
    """
    global _standard_cache
    key = (
        current_path(),
        *execute(
            "SELECT (SELECT count(*) FROM standard_version), (SELECT max(id) FROM standard_version),"
            " (SELECT count(*) FROM clause_evidence), (SELECT max(id) FROM clause_evidence)"
        ).fetchone(),
    )
    if _standard_cache is not None and _standard_cache[0] == key:
        return _standard_cache[1]
    standards = _load_standard_set()
    _standard_cache = (key, standards)
    return standards


def _load_standard_set() -> std_dom.StandardSet:
    """Every version of both standards, as domain objects, in five queries."""
    categories: dict[int, list[std_dom.Category]] = {}
    category_codes: dict[int, str] = {}
    for id_, version_id, code, name, points, computed in execute(
        "SELECT id, version_id, code, name, points, computed FROM category ORDER BY sort_order, id"
    ):
        categories.setdefault(version_id, []).append(std_dom.Category(code, name, from_text(points), bool(computed)))
        category_codes[id_] = code
    variants: dict[int, list[std_dom.Variant]] = {}
    for clause_id, name, window_points, chief_points, person_points in execute(
        "SELECT clause_id, name, window_points, chief_points, person_points FROM clause_variant"
        " ORDER BY sort_order, id"
    ):
        variants.setdefault(clause_id, []).append(
            std_dom.Variant(name, from_text(window_points), from_text(chief_points), from_text(person_points))
        )
    evidence: dict[int, list[str]] = {}
    for clause_id, code in execute(
        "SELECT ce.clause_id, e.code FROM clause_evidence ce JOIN evidence_type e ON e.id = ce.evidence_type_id"
        " ORDER BY ce.id"
    ):
        evidence.setdefault(clause_id, []).append(code)
    clauses: dict[int, list[std_dom.Clause]] = {}
    for id_, version_id, category_id, code, text, unit, points, consequence, note in execute(
        "SELECT id, version_id, category_id, code, text, unit, points, consequence, note FROM clause"
        " ORDER BY sort_order, id"
    ):
        clauses.setdefault(version_id, []).append(
            std_dom.Clause(
                code=code,
                category_code=category_codes[category_id],
                text=text,
                unit=unit,
                variants=tuple(variants.get(id_, ())),
                evidence_codes=tuple(evidence.get(id_, ())),
                consequence=consequence,
                note=note,
                points=from_text(points),
            )
        )
    built = [
        std_dom.Standard(
            kind=kind,
            name=name,
            categories=tuple(categories.get(id_, ())),
            clauses=tuple(clauses.get(id_, ())),
            version=version,
            effective_month=effective_month,
        )
        for id_, kind, name, version, effective_month in execute(
            "SELECT v.id, s.kind, v.name, v.version, v.effective_month FROM standard_version v"
            " JOIN standard s ON s.id = v.standard_id ORDER BY v.id"
        )
    ]
    return std_dom.StandardSet(tuple(built))
