"""What an imported ledger is compared with, at a center's scale.

A ten-year center holds hundreds of thousands of incidents; an import reads only
the file's date range, in one query into tuples (repository.insert_incidents then
writes its new rows with one executemany).
"""

from __future__ import annotations

from datetime import date

from .models import database

# Incident.identity()'s fields, in its order; voided incidents are included (formats.md:
# a row identical to any stored incident is already present).
_IDENTITIES_SQL = (
    "SELECT i.date, w.code, COALESCE(p.staff_no, ''), i.clause_code, i.variant, i.count, e.code, i.reference, i.note "
    "FROM incident i JOIN service_window w ON w.id = i.window_id "
    "LEFT JOIN person p ON p.id = i.person_id JOIN evidence_type e ON e.id = i.evidence_type_id "
    "WHERE i.date BETWEEN ? AND ?"
)


def stored_identities(first: date, last: date) -> list[tuple]:
    """Incident.identity() of every stored incident (voided ones too) dated first..last."""
    days: dict[str, date] = {}  # a range has few distinct days: parse each once
    out = []
    for row in database.execute_sql(_IDENTITIES_SQL, (first.isoformat(), last.isoformat())):
        day = days.get(row[0])
        if day is None:
            day = days[row[0]] = date.fromisoformat(row[0])
        out.append((day, *row[1:]))
    return out
