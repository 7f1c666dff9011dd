"""Tamper evidence: the audit log's hash chain, closed months' snapshot hashes and the
verification codes printed on every page.

Raw SQL can always rewrite a SQLite file. What matters is that the program notices:
- each audit row carries the hash of its predecessor and of its own content, so an
  edited, inserted or deleted row breaks the chain from there on;
- closing a month hashes what was signed (the exact results, the clause texts and
  evidence names as printed, and the month's incidents) and writes that hash into the
  chain, so a forged result or incident no longer matches it;
- a document's verification code is derived from that hash, the document and the
  window, so `verify CODE` can say whether a printed sheet still matches the data.

Plain Python: hashlib and json only.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

from .records import record

# Verification codes: 12 characters from an alphabet without 0/O, 1/I/L (read off paper and
# typed by hand), grouped 4-4-4. 31**12 ≈ 2**59: among the ~100,000 documents a center prints
# in ten years the chance that two share a code is about 1 in 100 million.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
LEGACY_CODE_HEX_DIGITS = 10  # codes printed before version 0.2 (hex); found through the register

# Documents that carry a code (formats.md: each document has its own).
WINDOW_SHEET = "window"
SUMMARY = "summary"
STAFF_SHEET = "staff"
WORKBOOK = "workbook"
YEAR = "year"
DOCUMENT_LABELS = {
    WINDOW_SHEET: "窗口评分表",
    SUMMARY: "月度汇总表",
    STAFF_SHEET: "人员得分表",
    WORKBOOK: "月度评分工作簿（Excel）",
    YEAR: "年度汇总",
}
MONTH_DOCUMENTS = (SUMMARY, STAFF_SHEET, WORKBOOK)  # plus one WINDOW_SHEET per window


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_plain)


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not hashable as JSON: {type(value).__name__}")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the audit chain ------------------------------------------------------------------

AUDIT_FIELDS = ("id", "at", "actor", "action", "entity", "entity_id", "detail")


@record
class AuditRecord:
    """An audit row as stored (texts exactly as in the file)."""

    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: str
    prev_hash: str = ""
    hash: str = ""

    def content(self) -> list:
        return [getattr(self, name) for name in AUDIT_FIELDS]


def row_hash(content: Sequence, prev_hash: str) -> str:
    """The hash a row must carry: over its content and its predecessor's hash."""
    return _sha256(_dumps([prev_hash, list(content)]))


def unchained_digest(rows: Iterable[AuditRecord]) -> str:
    """What the first chained row's prev_hash seals: every row written before the chain
    existed (schema version 1), in order; "" when there were none."""
    digest = hashlib.sha256()
    any_row = False
    for row in rows:
        any_row = True
        digest.update(_dumps(row.content()).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest() if any_row else ""


@record
class ChainBreak:
    row_id: int
    reason: str  # Chinese, for `check`


def verify_chain(rows: Iterable[AuditRecord]) -> list[ChainBreak]:
    """Every place where the stored log differs from an unbroken chain (rows in id order)."""
    breaks: list[ChainBreak] = []
    unchained: list[AuditRecord] = []
    previous: AuditRecord | None = None
    expected_prev: str | None = None
    for row in rows:
        if not row.hash and not row.prev_hash:
            if previous is not None:  # an unchained row after the chain began: inserted by hand
                breaks.append(ChainBreak(row.id, "没有校验值（不是本程序写入的记录）"))
                continue
            unchained.append(row)
            continue
        if expected_prev is None:
            expected_prev = unchained_digest(unchained)
        if previous is not None and row.id <= previous.id:
            breaks.append(ChainBreak(row.id, "记录顺序被改动"))
        if row.prev_hash != expected_prev:
            what = "之前的记录被改动或删除" if previous is None else f"与上一条记录（第 {previous.id} 条）接不上：其间的记录被删除、插入或改动"
            breaks.append(ChainBreak(row.id, what))
        if row.hash != row_hash(row.content(), row.prev_hash):
            breaks.append(ChainBreak(row.id, "内容被改动"))
        previous = row
        expected_prev = row.hash
    return breaks


# --- a month's snapshot ---------------------------------------------------------------


def _identity_line(identity: Sequence) -> str:
    # Unit separators between fields: texts hold no control characters (validation refuses them).
    return "\x1f".join(map(str, identity))


def incidents_hash(identities: Iterable[Sequence]) -> str:
    """Over the month's non-voided incidents (their identities, order-free; a date and its
    ISO text hash alike)."""
    digest = hashlib.sha256()
    for line in sorted(map(_identity_line, identities)):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def results_hash(snapshot: dict) -> str:
    """Over the stored snapshot: exact results, labels as printed, the settings used."""
    return _sha256(_dumps(snapshot))


def snapshot_hash(results: str, incidents: str) -> str:
    """The month's hash: what was signed, results and incidents together."""
    return _sha256(f"{results}|{incidents}")


@record
class MonthHash:
    results: str
    incidents: str

    @property
    def combined(self) -> str:
        return snapshot_hash(self.results, self.incidents)


def month_hash(snapshot: dict, identities: Iterable[Sequence]) -> MonthHash:
    """A month's hashes from its snapshot (closing_snapshot, or the stored one) and the
    identities of its non-voided incidents (`Incident.identity()`)."""
    return MonthHash(results_hash(snapshot), incidents_hash(identities))


# --- codes ----------------------------------------------------------------------------


def _group(text: str) -> str:
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def document_code(content_hash: str, document: str, period: str, window_code: str = "") -> str:
    """e.g. "7KQ3-M9XH-2PRT": a document's code, from the hash of the data it prints."""
    number = int(_sha256(_dumps([content_hash, document, period, window_code])), 16)
    chars = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return _group("".join(chars))


def year_hash(month_hashes: Iterable[tuple[str, str]]) -> str:
    """The annual summary's data: the hashes of the months it uses, in order."""
    return _sha256(_dumps(sorted(month_hashes)))


def normalise_code(text: str) -> str | None:
    """A code as typed ("7kq3m9xh2prt", "7KQ3 M9XH 2PRT", full-width) → canonical, or None."""
    typed = "".join(ch for ch in unicodedata.normalize("NFKC", str(text)).upper() if ch not in "-–—_ \t")
    if len(typed) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in typed):
        return _group(typed)
    if len(typed) == LEGACY_CODE_HEX_DIGITS and all(ch in "0123456789ABCDEF" for ch in typed):
        return f"{typed[:4]}-{typed[4:8]}-{typed[8:]}"
    return None


@record
class DocumentKey:
    document: str
    period: str  # YYYY-MM, or YYYY for the year
    window_code: str = ""

    def label(self) -> str:
        return DOCUMENT_LABELS.get(self.document, self.document)


def month_document_keys(month: str, window_codes: Iterable[str]) -> list[DocumentKey]:
    keys = [DocumentKey(doc, month) for doc in MONTH_DOCUMENTS]
    keys += [DocumentKey(WINDOW_SHEET, month, code) for code in window_codes]
    return keys


__all__ = [
    "AuditRecord",
    "ChainBreak",
    "DOCUMENT_LABELS",
    "DocumentKey",
    "STAFF_SHEET",
    "SUMMARY",
    "WINDOW_SHEET",
    "WORKBOOK",
    "YEAR",
    "document_code",
    "incidents_hash",
    "month_document_keys",
    "MonthHash",
    "month_hash",
    "normalise_code",
    "results_hash",
    "row_hash",
    "snapshot_hash",
    "unchained_digest",
    "verify_chain",
    "year_hash",
]
