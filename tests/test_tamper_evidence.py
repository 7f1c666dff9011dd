"""A signed month stays provably what was signed: the hash-chained, append-only audit log,
closed months' sealed snapshots, `check`, `verify CODE`, and automatic backups.

Forgeries are made the way anyone would: raw SQL on the real file, through the sqlite3
module, dropping the program's triggers where they are in the way.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kaoping_desktop import backup
from kaoping_desktop.domain.evidence_chain import AuditRecord, row_hash, unchained_digest, verify_chain
from kaoping_desktop.store import database as dbmod
from test_cli import cli
from workbooks import WORKED_LEDGER, WORKED_ROSTER_PEOPLE, WORKED_ROSTER_WINDOWS, write_ledger, write_roster

pytestmark = pytest.mark.slow
MONTH = "2026-10"


@pytest.fixture
def closed_center(tmp_path):
    """The worked example, imported and closed, through the command line."""
    db = tmp_path / "k.db"
    assert cli("import-roster", write_roster(tmp_path / "r.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE), db=db).returncode == 0
    assert cli("import-incidents", write_ledger(tmp_path / "l.xlsx", WORKED_LEDGER), db=db).returncode == 0
    done = cli("close-month", "--month", MONTH, db=db)
    assert done.returncode == 0, done.stderr
    return db


def raw(db: Path, *statements: str, params=()) -> None:
    conn = sqlite3.connect(db)
    for sql in statements:
        conn.execute(sql, params if "?" in sql else ())
    conn.commit()
    conn.close()


def check(db):
    done = cli("check", db=db)
    assert "Traceback" not in done.stderr
    return done


def test_a_clean_file_passes_check(closed_center):
    done = check(closed_center)
    assert done.returncode == 0, done.stderr
    assert "检查通过" in done.stdout and "已锁定月份 1 个" in done.stdout


def test_forged_official_results_are_found(closed_center):
    conn = sqlite3.connect(closed_center)
    stored = json.loads(conn.execute("SELECT results_json FROM scoring_month WHERE month = ?", (MONTH,)).fetchone()[0])
    conn.close()
    stored["windows"][0]["total"] = "99"
    # The forger drops the freeze trigger and rewrites the row, hash column included.
    raw(
        closed_center,
        "DROP TRIGGER scoring_month_snapshot_frozen",
        "DROP TRIGGER scoring_month_hash_frozen",
        "UPDATE scoring_month SET results_json = ?, snapshot_hash = 'f00d' WHERE month = '2026-10'",
        params=(json.dumps(stored, ensure_ascii=False),),
    )
    done = check(closed_center)
    assert done.returncode == 2
    assert "结构" in done.stderr  # the dropped triggers
    assert f"{MONTH} 存储的正式结果" in done.stderr and "被改动" in done.stderr
    assert "窗口 W01 总分 存储为 99，重新计算为 92.15" in done.stderr  # recomputed from the incidents


def test_an_incident_changed_under_a_closed_month_is_found(closed_center):
    raw(closed_center, "DROP TRIGGER incident_update_closed", "UPDATE incident SET count = 5 WHERE id = (SELECT min(id) FROM incident)")
    done = check(closed_center)
    assert done.returncode == 2
    assert f"{MONTH} 的扣分记录在锁定后被改动" in done.stderr


def test_a_damaged_file_fails_check(closed_center):
    data = bytearray(closed_center.read_bytes())
    data[4096 * 3 : 4096 * 3 + 512] = b"\xff" * 512  # a page of the file overwritten
    closed_center.write_bytes(bytes(data))
    raw_conn = sqlite3.connect(closed_center)  # the daily quick check already ran today: force it
    raw_conn.execute("DELETE FROM setting WHERE key = 'integrity_checked_on'")
    raw_conn.commit()
    raw_conn.close()
    done = check(closed_center)
    assert done.returncode == 2 and "检查发现" in done.stderr


def test_the_audit_log_refuses_update_and_delete(closed_center):
    conn = sqlite3.connect(closed_center)
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="audit_append_only"):
            conn.execute(sql)
    conn.close()


@pytest.mark.parametrize(
    "forgery, expected",
    [
        ("UPDATE audit_log SET detail = '{}' WHERE action = '锁定月份'", "内容被改动"),
        ("DELETE FROM audit_log WHERE id = (SELECT min(id) + 1 FROM audit_log)", "接不上"),
        ("INSERT INTO audit_log (at, actor, action) VALUES ('2026-11-01 08:00:00', 'x', '修改设置')", "没有校验值"),
    ],
)
def test_an_edited_audit_log_is_found(closed_center, forgery, expected):
    raw(closed_center, "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete", forgery)
    done = check(closed_center)
    assert done.returncode == 2
    assert re.search(rf"审计日志第 \d+ 条：.*{expected}", done.stderr), done.stderr


def test_rewording_the_catalogue_never_changes_a_closed_month(closed_center, tmp_path):
    """The sheets of a closed month print the clause texts and evidence names it was closed with."""
    before = cli("export", "--month", MONTH, "--xlsx", tmp_path / "before.xlsx", db=closed_center)
    assert before.returncode == 0, before.stderr
    raw(closed_center, "UPDATE evidence_type SET name = '改过的依据名称' WHERE name = '现场巡查'")
    raw(closed_center, "UPDATE clause SET text = '改过的条款内容' WHERE code = 'P2.1'")
    after = cli("export", "--month", MONTH, "--xlsx", tmp_path / "after.xlsx", db=closed_center)
    assert after.returncode == 0, after.stderr
    import openpyxl

    def details(path):
        wb = openpyxl.load_workbook(path)
        return [[c.value for c in row] for ws in wb.worksheets if "明细" in ws.title for row in ws.iter_rows()]

    rows = details(tmp_path / "after.xlsx")
    assert rows and rows == details(tmp_path / "before.xlsx")
    flat = json.dumps(rows, ensure_ascii=False, default=str)
    assert "现场巡查" in flat and "未按规定着装" in flat and "改过的" not in flat
    assert check(closed_center).returncode == 0  # a renamed catalogue is not tampering


def _codes_in(path: Path) -> set[str]:
    import subprocess

    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"校验码：\s*([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text))


def test_verify_a_printed_sheet(closed_center, tmp_path):
    done = cli("export", "--month", MONTH, "--pdf", tmp_path / "pdf", db=closed_center)
    assert done.returncode == 0, done.stderr
    (sheet,) = _codes_in(tmp_path / "pdf" / f"{MONTH}_W01_窗口评分表.pdf")
    (summary,) = _codes_in(tmp_path / "pdf" / f"{MONTH}_月度汇总.pdf")
    assert sheet != summary
    ok = cli("verify", sheet.lower().replace("-", ""), db=closed_center)  # typed any way
    assert ok.returncode == 0, ok.stderr
    assert "窗口评分表（W01 不动产登记窗口）" in ok.stdout and MONTH in ok.stdout and "未改变" in ok.stdout

    unknown = cli("verify", "0000-0000-00", db=closed_center)
    assert unknown.returncode == 2 and "不属于本数据库" in unknown.stderr
    malformed = cli("verify", "不是校验码", db=closed_center)
    assert malformed.returncode == 2 and "格式不正确" in malformed.stderr

    # After reopening and adding an incident the printed sheet no longer matches.
    assert cli("reopen-month", "--month", MONTH, "--reason", "补录", db=closed_center).returncode == 0
    extra = [["2026-10-20", "W01", None, "3.1", None, 1, "办件抽查", "补录-1", None]]
    assert cli("import-incidents", write_ledger(tmp_path / "extra.xlsx", extra), db=closed_center).returncode == 0
    changed = cli("verify", sheet, db=closed_center)
    assert changed.returncode == 2
    assert "打印后数据已改变" in changed.stderr and "重新开放" in changed.stderr


def test_verify_finds_a_closed_months_sheet_without_the_register(closed_center, tmp_path):
    """A sheet printed from another copy of the file (nothing registered here) is still found:
    a closed month's codes derive from its sealed hash."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(closed_center.read_bytes())
    assert cli("export", "--month", MONTH, "--pdf", tmp_path / "pdf", db=copy).returncode == 0
    (code,) = _codes_in(tmp_path / "pdf" / f"{MONTH}_人员得分表.pdf")
    done = cli("verify", code, db=closed_center)
    assert done.returncode == 0, done.stderr
    assert "人员得分表" in done.stdout


def test_verify_says_when_a_forgery_hides_behind_the_code(closed_center, tmp_path):
    assert cli("export", "--month", MONTH, "--pdf", tmp_path / "pdf", db=closed_center).returncode == 0
    (code,) = _codes_in(tmp_path / "pdf" / f"{MONTH}_月度汇总.pdf")
    raw(closed_center, "DROP TRIGGER incident_delete_closed", "DELETE FROM incident WHERE id = (SELECT max(id) FROM incident)")
    done = cli("verify", code, db=closed_center)
    assert done.returncode == 2 and "扣分记录在锁定后被改动" in done.stderr


def test_backup_restore_and_export_are_in_the_log(closed_center, tmp_path):
    usb = tmp_path / "U盘 #1 %20"
    usb.mkdir()
    done = cli("backup", usb, db=closed_center)
    assert done.returncode == 0, done.stderr
    (written,) = usb.glob("*.db")
    assert cli("export", "--month", MONTH, "--xlsx", tmp_path / "m.xlsx", db=closed_center).returncode == 0
    assert cli("restore", written, db=closed_center).returncode == 0
    conn = sqlite3.connect(closed_center)
    actions = [a for (a,) in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    conn.close()
    # The restored file is the backup (written before its own log row), then the restore.
    assert actions[-2:] == ["锁定月份", "从备份恢复"]
    assert check(closed_center).returncode == 0  # the chain goes on across a restore
    (kept,) = [b.path for b in backup.auto_backups(closed_center) if b.reason == backup.BEFORE_RESTORE]
    conn = sqlite3.connect(kept)  # the replaced file logged the backup and the export
    actions = [a for (a,) in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    conn.close()
    assert actions[-2:] == ["备份数据库", "导出评分表"]


def test_a_version_1_file_is_upgraded_and_its_closed_months_sealed(tmp_path):
    """A file of the first schema, with a closed month and an unchained log, opens; the upgrade
    keeps a copy, seals the month into the chain, and `check` holds from then on."""
    db = tmp_path / "old.db"
    assert cli("import-roster", write_roster(tmp_path / "r.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE), db=db).returncode == 0
    assert cli("import-incidents", write_ledger(tmp_path / "l.xlsx", WORKED_LEDGER), db=db).returncode == 0
    assert cli("close-month", "--month", MONTH, db=db).returncode == 0
    _downgrade_to_version_1(db)
    results = cli("results", "--month", MONTH, "--json", db=db)
    assert results.returncode == 0, results.stderr
    assert json.loads(results.stdout)["windows"][0]["total"] == 92.15
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == dbmod.latest_version()
    sealed = conn.execute("SELECT action, entity_id FROM audit_log WHERE hash != '' ORDER BY id").fetchall()
    conn.close()
    assert ("封存已锁定月份", MONTH) in sealed
    upgraded = [b for b in backup.auto_backups(db) if b.reason == backup.BEFORE_UPGRADE]
    assert len(upgraded) == 1
    conn = sqlite3.connect(upgraded[0].path)  # the file as it was before the upgrade
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    assert check(db).returncode == 0


def _downgrade_to_version_1(db: Path) -> None:
    """Rebuild the file as schema version 1 had it (what a center upgrading from 0.x has):
    what migrations 4, 3 and 2 added, taken away."""
    first = next(path for number, path in dbmod.migrations() if number == 1).read_text(encoding="utf-8")
    audit_v1 = re.search(r"CREATE TABLE audit_log \(.*?\);\nCREATE INDEX audit_log_at[^;]*;", first, re.S).group(0)
    conn = sqlite3.connect(db)
    conn.executescript(
        f"""
        DROP INDEX scoring_month_unsealed; DROP INDEX incident_clause_date;
        DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
        DROP TRIGGER issued_document_no_update; DROP TRIGGER scoring_month_hash_frozen;
        DROP TABLE issued_document;
        CREATE TABLE audit_old AS SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log;
        DROP TABLE audit_log;
        {audit_v1}
        INSERT INTO audit_log SELECT * FROM audit_old; DROP TABLE audit_old;
        ALTER TABLE scoring_month DROP COLUMN snapshot_hash;
        PRAGMA user_version = 1;
        """
    )
    conn.close()
    # What a version-1 file looks like, exactly (the restore check compares the same way).
    assert dbmod._schema(sqlite3.connect(db)) == dbmod.expected_schema(1)


def test_close_and_reopen_keep_automatic_backups(closed_center):
    reasons = [b.reason for b in backup.auto_backups(closed_center)]
    assert backup.BEFORE_CLOSE in reasons and backup.DAILY in reasons
    assert cli("reopen-month", "--month", MONTH, "--reason", "核对", db=closed_center).returncode == 0
    newest = backup.auto_backups(closed_center)[0]
    assert newest.reason == backup.BEFORE_REOPEN
    conn = sqlite3.connect(newest.path)  # the file as it was: the month still closed
    assert conn.execute("SELECT closed FROM scoring_month WHERE month = ?", (MONTH,)).fetchone() == (1,)
    conn.close()


# --- pure parts -----------------------------------------------------------------------


def test_thinning_keeps_two_days_then_7_daily_4_weekly_12_monthly():
    now = datetime(2026, 11, 25, 12, 0)
    made = [now - timedelta(hours=h) for h in range(0, 24 * 800, 5)]  # every 5 hours for 800 days
    keep = backup.backups_to_keep(made, now)
    recent = [m for m in made if now - m < timedelta(hours=48)]
    assert set(recent) <= keep
    older = sorted(keep - set(recent), reverse=True)
    assert len({m.date() for m in keep}) <= 2 + 1 + 7 + 4 + 12
    assert len(keep) <= len(recent) + 7 + 4 + 12
    assert min(keep) > now - timedelta(days=400)  # 12 months back, not 800 days
    assert older  # something beyond two days survives
    assert backup.backups_to_keep([], now) == set()


def test_chain_detects_edits_and_seals_rows_from_before_it():
    legacy = [AuditRecord(1, "2026-01-01 08:00:00", "a", "初始化", "", "", "")]
    first = AuditRecord(2, "2026-01-02 08:00:00", "a", "录入扣分", "incident", "1", "{}", unchained_digest(legacy))
    first = AuditRecord(*first.content(), first.prev_hash, row_hash(first.content(), first.prev_hash))
    second = AuditRecord(3, "2026-01-03 08:00:00", "a", "锁定月份", "month", "2026-01", "{}", first.hash)
    second = AuditRecord(*second.content(), second.prev_hash, row_hash(second.content(), second.prev_hash))
    assert verify_chain(legacy + [first, second]) == []
    edited_legacy = [AuditRecord(1, "2026-01-01 08:00:00", "b", "初始化", "", "", "")]
    assert [b.row_id for b in verify_chain(edited_legacy + [first, second])] == [2]
    assert [b.row_id for b in verify_chain(legacy + [second])] == [3]  # the row before it deleted
