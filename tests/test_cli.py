"""The command line end to end, in a subprocess, on real files (formats.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kaoping_desktop import __version__
from workbooks import WORKED_LEDGER, WORKED_ROSTER_PEOPLE, WORKED_ROSTER_WINDOWS, write_ledger, write_roster

pytestmark = pytest.mark.slow


def cli(*args, db=None):
    command = [sys.executable, "-m", "kaoping_desktop"]
    if db is not None:
        command += ["--db", str(db)]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(command + [str(a) for a in args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)


@pytest.fixture
def files(tmp_path):
    write_roster(tmp_path / "roster.xlsx", WORKED_ROSTER_WINDOWS, WORKED_ROSTER_PEOPLE)
    write_ledger(tmp_path / "ledger.xlsx", WORKED_LEDGER)
    return tmp_path


def results(db, month="2026-10"):
    done = cli("results", "--month", month, "--json", db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_version():
    done = cli("--version")
    assert done.returncode == 0 and __version__ in done.stdout


def test_worked_example_import_results_and_reimport(files):
    db = files / "k.db"
    assert cli("import-roster", files / "roster.xlsx", db=db).returncode == 0
    first = cli("import-incidents", files / "ledger.xlsx", db=db)
    assert first.returncode == 0 and "新增 6 条" in first.stdout
    data = results(db)
    assert data["month"] == "2026-10" and data["closed"] is False
    (w,) = data["windows"]
    assert (w["code"], w["total"], w["rank"], w["chief_component"], w["staff_component"]) == ("W01", 92.15, 1, 9.55, 9.6)
    assert w["categories"] == {"1": 19.15, "2": 8, "3": 10, "4": 27, "5": 13, "6": 15}
    assert w["disqualified"] is False and w["warnings"] == []
    assert [(p["id"], p["name"], p["role"], p["score"]) for p in data["people"]] == [
        ("1001", "张三", "首席代表", 95.5),
        ("1002", "李四", "窗口工作人员", 92),
        ("1003", "王五", "窗口工作人员", 100),
    ]
    again = cli("import-incidents", files / "ledger.xlsx", db=db)
    assert again.returncode == 0 and "新增 0 条" in again.stdout and "跳过 6 条" in again.stdout
    assert results(db) == data


def test_mixed_ledger_refused_whole_with_every_bad_row(files):
    db = files / "k.db"
    cli("import-roster", files / "roster.xlsx", db=db)
    cli("import-incidents", files / "ledger.xlsx", db=db)
    before = results(db)
    rows = WORKED_LEDGER[:2] + [
        ["2026-10-40", "W01", None, "3.1", None, 1, "E07", None, None],
        ["2026-10-15", "W01", None, "3.1", None, 1, "E07", None, None],
        ["2026-10-15", "W09", None, "3.1", None, 1, "E07", None, None],
        ["2026-10-15", "W01", None, "4.4", "紫牌", 1, "E11", None, None],
    ]
    done = cli("import-incidents", write_ledger(files / "mixed.xlsx", rows), db=db)
    assert done.returncode == 2
    for number, column in ((4, "日期"), (6, "窗口编号"), (7, "情形")):
        assert f"第 {number} 行【{column}】" in done.stderr
    assert "第 5 行" not in done.stderr and "第 2 行" not in done.stderr
    assert results(db) == before


def test_closing_reopening_and_closed_month_refusing_imports(files):
    db = files / "k.db"
    cli("import-roster", files / "roster.xlsx", db=db)
    cli("import-incidents", files / "ledger.xlsx", db=db)
    assert cli("close-month", "--month", "2026-10", db=db).returncode == 0
    assert results(db)["closed"] is True
    late = write_ledger(files / "late.xlsx", [["2026-10-20", "W01", None, "3.1", None, 1, "E07", None, None]])
    refused = cli("import-incidents", late, db=db)
    assert refused.returncode == 2 and "已锁定" in refused.stderr
    assert results(db)["windows"][0]["total"] == 92.15
    assert cli("reopen-month", "--month", "2026-10", db=db).returncode == 2
    blank = cli("reopen-month", "--month", "2026-10", "--reason", "  ", db=db)
    assert blank.returncode == 2 and "理由" in blank.stderr
    assert cli("reopen-month", "--month", "2026-10", "--reason", "补录投诉", db=db).returncode == 0
    assert cli("import-incidents", late, db=db).returncode == 0
    assert results(db)["windows"][0]["total"] == 90.05


def test_bad_arguments_and_files_exit_2(files):
    db = files / "k.db"
    assert cli("results", "--month", "2026-13", "--json", db=db).returncode == 2
    assert cli("import-incidents", files / "missing.xlsx", db=db).returncode == 2
    (files / "junk.xlsx").write_text("hello")
    junk = cli("import-roster", files / "junk.xlsx", db=db)
    assert junk.returncode == 2 and "不是有效的 Excel" in junk.stderr
    assert cli("no-such-command", db=db).returncode == 2


def test_not_a_database_exits_1(files):
    (files / "bad.db").write_text("this is not sqlite" * 100)
    done = cli("results", "--month", "2026-10", "--json", db=files / "bad.db")
    assert done.returncode == 1 and done.stderr


def test_template_export_backup_restore(files):
    db = files / "k.db"
    cli("import-roster", files / "roster.xlsx", db=db)
    cli("import-incidents", files / "ledger.xlsx", db=db)
    done = cli("template", files / "tpl", db=db)
    assert done.returncode == 0
    assert (files / "tpl" / "人员名册.xlsx").exists() and (files / "tpl" / "扣分台账.xlsx").exists()
    done = cli("export", "--month", "2026-10", "--pdf", files / "pdf", "--xlsx", files / "out.xlsx", db=db)
    assert done.returncode == 0, done.stderr
    assert len(list((files / "pdf").glob("*.pdf"))) == 3 and (files / "out.xlsx").exists()
    (files / "usb").mkdir()
    done = cli("backup", files / "usb", db=db)
    assert done.returncode == 0, done.stderr
    (backup,) = (files / "usb").glob("*.db")
    cli("reopen-month", "--month", "2026-10", "--reason", "x", db=db)
    cli("import-incidents", write_ledger(files / "more.xlsx", [["2026-10-20", "W01", None, "3.1", None, 1, "E07", None, None]]), db=db)
    assert results(db)["windows"][0]["total"] == 90.05
    done = cli("restore", backup, db=db)
    assert done.returncode == 0, done.stderr
    assert results(db)["windows"][0]["total"] == 92.15
