"""A short code printed on every page, so a paper sheet can be matched to the data.

The code is the start of a SHA-256 over a canonical JSON of the month's exact
results (domain.results_io.to_snapshot) and the identities of the month's
non-voided incidents. The same results and incidents always give the same code,
on paper, in the workbook and in the window's results tab.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Iterable, Iterator

from ..domain.incidents import Incident
from ..domain.results_io import to_snapshot
from ..domain.scoring import MonthResult

CODE_HEX_DIGITS = 10


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _payload_parts(result: MonthResult, incidents: Iterable[Incident]) -> Iterator[str]:
    """The canonical JSON {"incidents": [...], "results": {...}} (sorted keys, no whitespace),
    written piece by piece: one json.dumps of 10,000 rows holds the GIL for ~100 ms and
    freezes the window while the results tab computes the code in a worker."""
    identities = sorted(
        [_plain(v) for v in inc.identity()]
        for inc in incidents
        if not inc.voided and inc.month == result.month
    )
    yield '{"incidents":['
    for i, row in enumerate(identities):
        yield ("," if i else "") + _dumps(row)
    yield '],"results":'
    yield _dumps(to_snapshot(result))
    yield "}"


def canonical_payload(result: MonthResult, incidents: Iterable[Incident]) -> bytes:
    """The bytes that are hashed: sorted keys, no whitespace, UTF-8."""
    return "".join(_payload_parts(result, incidents)).encode("utf-8")


def verification_code(result: MonthResult, incidents: Iterable[Incident]) -> str:
    """e.g. "3F2A-9C1B-07": first 10 hex digits of the SHA-256, upper case, grouped 4-4-2.

    `incidents` may hold other months or voided rows; only the month's
    non-voided incidents count.
    """
    digest = hashlib.sha256()
    for part in _payload_parts(result, incidents):
        digest.update(part.encode("utf-8"))
    return _group(digest.hexdigest().upper()[:CODE_HEX_DIGITS])


def _group(hexdigits: str) -> str:
    return f"{hexdigits[:4]}-{hexdigits[4:8]}-{hexdigits[8:]}"


def combined_code(parts: Iterable[str]) -> str:
    """A code over several month codes (the annual summary), same shape."""
    text = "\n".join(parts).encode("utf-8")
    return _group(hashlib.sha256(text).hexdigest().upper()[:CODE_HEX_DIGITS])


__all__ = ["verification_code", "canonical_payload", "combined_code"]
