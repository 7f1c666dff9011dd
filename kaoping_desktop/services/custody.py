"""Custody of the database file: backups (manual and automatic), restore, and the
tamper check and code verification of formats.md (`check`, `verify CODE`).

The store reads and writes; the domain hashes (domain.evidence_chain); here the two
are put together, and every backup, restore and export is written into the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import backup
from ..domain.calendar import parse_month
from ..domain.evidence_chain import (
    YEAR,
    DocumentKey,
    document_code,
    month_document_keys,
    month_hash,
    normalise_code,
    verify_chain,
    year_hash,
)
from ..domain.results_io import from_snapshot, to_snapshot
from ..store import database as store_database
from ..store import evidence, repository
from . import audit_log
from .audit_log import BACKUP_ACTION
from .backups import backup_database  # noqa: F401 (re-exported: the window's 备份 calls it here)
from .errors import InputError
from .months import (
    CLOSE_ACTION,
    REOPEN_ACTION,
    SEAL_ACTION,
    compute_month,
    month_content_hash,
    seal_detail,
)

RESTORE_ACTION = "从备份恢复"
EXPORT_ACTION = "导出评分表"


# --- backups ----------------------------------------------------------------------------


def last_manual_backup() -> dict | None:
    """When and where the last backup to a chosen folder was made ({"at", "folder"}), or
    None: the audit log is the one record of it."""
    return audit_log.last_backup()


def daily_backup() -> Path | None:
    """The day's automatic backup, once a day (the window at start, write commands).
    Under the write lock: two programs starting together make one, not two half ones."""
    path = store_database.current_path()
    if not backup.daily_backup_due(path):
        return None
    with repository.transaction():
        return backup.daily_backup(path)


def restore_database(backup_file: str | Path, db_path: str | Path) -> Path | None:
    """Replace the (closed) database file at `db_path` by a checked backup, then open the
    restored file and log the restore in it. Returns the safety copy of the replaced file."""
    backup_file, db_path = Path(backup_file), Path(db_path)
    kept = backup.restore(backup_file, db_path)
    from . import open_app_database

    open_app_database(db_path)
    repository.audit(
        RESTORE_ACTION, "file", backup_file.name, {"from": str(backup_file), "kept": str(kept) if kept else ""}
    )
    return kept


# --- printed documents ------------------------------------------------------------------


def month_document_codes(month: str, window_codes, content_hash: str | None = None) -> dict[DocumentKey, str]:
    content_hash = content_hash or month_content_hash(month)
    return {key: document_code(content_hash, key.document, key.period, key.window_code) for key in month_document_keys(month, window_codes)}


def record_export(period: str, files: list[Path], codes: dict[DocumentKey, str], content_hash: str) -> None:
    """After an export: register the codes it printed (what `verify` looks up) and log it,
    in one transaction, so the register and the log never disagree."""
    with repository.transaction():
        evidence.register_documents(
            (code, key.document, key.period, key.window_code, content_hash) for key, code in codes.items()
        )
        repository.audit(EXPORT_ACTION, "month", period, {"files": [str(f) for f in files]})


# --- the tamper check -------------------------------------------------------------------


@dataclass(frozen=True)
class Seal:
    """What the audit chain says a closed month was when it was closed (or sealed)."""

    snapshot_hash: str
    results_hash: str
    incidents_hash: str
    row_id: int


def _seals() -> tuple[dict[str, Seal], dict[str, int]]:
    """The last seal of each month in the chain, and the last reopening's row id."""
    seals: dict[str, Seal] = {}
    reopened: dict[str, int] = {}
    for row in evidence.audit_rows_about((CLOSE_ACTION, SEAL_ACTION, REOPEN_ACTION)):
        if row.action == REOPEN_ACTION:
            reopened[row.entity_id] = row.id
            continue
        try:
            detail = json.loads(row.detail)
        except ValueError:
            continue
        if isinstance(detail, dict) and detail.get("snapshot_hash"):
            seals[row.entity_id] = Seal(
                detail["snapshot_hash"], detail.get("results_hash", ""), detail.get("incidents_hash", ""), row.id
            )
    return seals, reopened


def seal_unsealed_months() -> list[str]:
    """Months closed before schema version 2 have no hash yet: seal them as they are now
    (once, on the first open after the upgrade), so that later changes are noticed."""
    sealed = []
    for month in evidence.unsealed_months():
        with repository.transaction(month):
            stored = evidence.stored_month(month)
            snapshot = json.loads(stored.results_json)
            hashes = month_hash(snapshot, repository.month_identities(stored.month))
            evidence.set_snapshot_hash(stored.month, hashes.combined)
            repository.audit(SEAL_ACTION, "month", stored.month, seal_detail(from_snapshot(snapshot), hashes))
        sealed.append(stored.month)
    return sealed


@dataclass
class CheckReport:
    findings: list[str] = field(default_factory=list)
    months_checked: int = 0
    audit_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


def _results_difference(stored: dict, recomputed: dict) -> str:
    """The first figures that differ between a stored and a recomputed snapshot, in words."""
    old = {w["code"]: w for w in stored.get("windows", [])}
    new = {w["code"]: w for w in recomputed.get("windows", [])}
    parts = []
    for code in sorted(set(old) | set(new)):
        a, b = old.get(code), new.get(code)
        if a is None or b is None:
            parts.append(f"窗口 {code} {'多出' if a is not None else '缺少'}")
            continue
        for key, label in (("total", "总分"), ("rank", "名次"), ("disqualified", "取消评优")):
            if a.get(key) != b.get(key):
                parts.append(f"窗口 {code} {label} 存储为 {a.get(key)}，重新计算为 {b.get(key)}")
    people_old = {p["id"]: p.get("score") for p in stored.get("people", [])}
    people_new = {p["id"]: p.get("score") for p in recomputed.get("people", [])}
    for pid in sorted(set(people_old) | set(people_new)):
        if people_old.get(pid) != people_new.get(pid):
            parts.append(f"人员 {pid} 得分 存储为 {people_old.get(pid)}，重新计算为 {people_new.get(pid)}")
    return "；".join(parts[:5]) + ("……" if len(parts) > 5 else "")


def _against_seal(stored, seals: dict[str, Seal], reopened: dict[str, int]) -> tuple[list[str], dict | None]:
    """A closed month's stored results and incidents against what the chain sealed:
    (findings, the stored snapshot, or None when there is nothing to compare further)."""
    month = stored.month
    seal = seals.get(month)
    if seal is None or reopened.get(month, 0) > seal.row_id:
        return [f"{month} 已锁定，但审计日志中没有它的锁定记录（锁定状态或日志被改动）"], None
    findings = []
    if stored.snapshot_hash != seal.snapshot_hash:
        findings.append(f"{month} 存储的校验值与审计日志中锁定时的记录不一致")
    try:
        snapshot = json.loads(stored.results_json or "")
    except ValueError:
        return findings + [f"{month} 存储的正式结果无法读取"], None
    hashes = month_hash(snapshot, repository.month_identities(month))
    if hashes.results != seal.results_hash:
        findings.append(f"{month} 存储的正式结果（分数、名次或打印用的条款与依据名称）在锁定后被改动")
    if hashes.incidents != seal.incidents_hash:
        findings.append(f"{month} 的扣分记录在锁定后被改动（增加、删除或修改）")
    return findings, snapshot


def check() -> CheckReport:
    """Integrity and tamper check (formats.md `check`): the file, the audit chain, and every
    closed month's stored results and incidents against the chain and a recomputation."""
    report = CheckReport()
    path = store_database.current_path()
    for problem in store_database.check_open_file(path):
        report.findings.append(problem)

    rows = list(evidence.audit_records())
    report.audit_rows = len(rows)
    for broken in verify_chain(rows):
        report.findings.append(f"审计日志第 {broken.row_id} 条：{broken.reason}")

    seals, reopened = _seals()
    current_settings = repository.scoring_settings()
    for stored in evidence.stored_months():
        if not stored.closed:
            continue
        report.months_checked += 1
        month = stored.month
        findings, snapshot = _against_seal(stored, seals, reopened)
        report.findings += findings
        if snapshot is None:
            continue
        settings = current_settings  # as the month was scored, where its snapshot says
        if "settings" in snapshot:
            settings = settings.with_scoring_part(snapshot["settings"])
        recomputed = to_snapshot(compute_month(month, settings))
        plain = {k: v for k, v in snapshot.items() if k not in ("labels", "settings")}
        if recomputed != plain:
            report.findings.append(f"{month} 按现有数据重新计算的结果与存储的正式结果不同：{_results_difference(plain, recomputed)}")
    return report


# --- verify CODE ------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    code: str
    document: DocumentKey | None  # None: the code is unknown
    unchanged: bool
    lines: tuple[str, ...]  # Chinese, for the command line and the window


def _window_name(window_code: str) -> str:
    for w in repository.load_roster()[0]:
        if w.code == window_code:
            return w.name
    return ""


def _find_in_closed_months(code: str) -> tuple[DocumentKey, str] | None:
    """A code not in the register (a sheet printed from another copy of the file): every
    closed month's documents are derived from its sealed hash, so look there."""
    by_year: dict[str, list[tuple[str, str]]] = {}
    for stored in evidence.stored_months():
        if not stored.closed or not stored.snapshot_hash:
            continue
        by_year.setdefault(stored.month[:4], []).append((stored.month, stored.snapshot_hash))
        windows = [w["code"] for w in json.loads(stored.results_json or "{}").get("windows", [])]
        for key, found in month_document_codes(stored.month, windows, stored.snapshot_hash).items():
            if found == code:
                return key, stored.snapshot_hash
    for year, months in by_year.items():
        digest = year_hash(months)
        if document_code(digest, YEAR, year) == code:
            return DocumentKey(YEAR, year), digest
    return None


def verify(text: str) -> Verification:
    code = normalise_code(text)
    if code is None:
        raise InputError(f"校验码格式不正确：“{text}”，应为 12 位字母和数字，例如 7KQ3-M9XH-2PRT（不含 0、O、1、I、L）")
    issued = evidence.issued(code)
    if issued is not None:
        key, printed_hash = DocumentKey(issued.document, issued.period, issued.window_code), issued.content_hash
        when = f"（{issued.issued_at} 生成）"
    else:
        found = _find_in_closed_months(code)
        if found is None:
            return Verification(code, None, False, (f"校验码 {code} 不属于本数据库生成的任何文件：不是本程序打印的，或打印后数据已改变。",))
        key, printed_hash = found
        when = ""
    label = key.label()
    if key.window_code:
        label += f"（{key.window_code} {_window_name(key.window_code)}）".replace(" ）", "）")
    lines = [f"校验码：{code}", f"文件：{label}{when}", f"{'年度' if key.document == YEAR else '月份'}：{key.period}"]
    current, tampered, notes = _current_hash(key)
    unchanged = current == printed_hash and not tampered
    if unchanged:
        lines.append("结论：数据与打印时一致，未改变。")
    else:
        lines.append("结论：打印后数据已改变，这份文件不再代表当前数据。")
        lines += [f"  {c}" for c in tampered + notes] or ["  该月的扣分记录或结果在打印后有变动。"]
    return Verification(code, key, unchanged, tuple(lines))


def _current_hash(key: DocumentKey) -> tuple[str, list[str], list[str]]:
    """The hash the document's data has now, tamper findings, and notes on what changed."""
    if key.document == YEAR:
        months = sorted(
            (s.month, s.snapshot_hash) for s in evidence.stored_months() if s.closed and s.month.startswith(key.period)
        )
        return year_hash(months), [], []
    month = parse_month(key.period)
    row = repository.month_row(month)
    if row is not None and row.closed:
        return month_content_hash(month), check_month(month), []
    notes = []
    if row is not None and row.reopened_at:
        notes.append(f"该月于 {row.reopened_at} 重新开放（理由：{row.reopen_reason}），目前未锁定。")
    return month_content_hash(month), [], notes


def check_month(month: str) -> list[str]:
    """The tamper findings about one closed month (what `verify` reports with a code)."""
    stored = evidence.stored_month(month)
    if stored is None or not stored.closed:
        return []
    seals, reopened = _seals()
    return _against_seal(stored, seals, reopened)[0]


__all__ = [
    "BACKUP_ACTION",
    "CheckReport",
    "EXPORT_ACTION",
    "RESTORE_ACTION",
    "Verification",
    "backup_database",
    "check",
    "check_month",
    "daily_backup",
    "last_manual_backup",
    "month_document_codes",
    "record_export",
    "restore_database",
    "seal_unsealed_months",
    "verify",
]
