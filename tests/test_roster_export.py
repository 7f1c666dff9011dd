"""导出名册 / `export-roster`: the roster as a 人员名册.xlsx that imports back unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kaoping_desktop import services
from kaoping_desktop.domain.roster import BACK_OFFICE, CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.domain.roster_import import (
    PEOPLE_OPTIONAL,
    PEOPLE_REQUIRED,
    PEOPLE_SHEET,
    WINDOW_OPTIONAL,
    WINDOW_REQUIRED,
    WINDOW_SHEET,
)
from kaoping_desktop.services import roster
from kaoping_desktop.store import repository
from kaoping_desktop.store.database import close_database
from kaoping_desktop.store.models import AuditLog


def build_roster() -> None:
    """A roster with what a round trip could lose: leading zeros, open and closed dates,
    a retired window, a person moved between windows, two roles, phones."""
    roster.save_window(Window("W01", "不动产登记窗口", "县自然资源局", date(2024, 1, 1)), is_new=True)
    roster.save_window(Window("007", "公积金窗口", "县住建局"), is_new=True)
    roster.save_window(Window("W09", "旧税务窗口", "县税务局", date(2020, 3, 1), date(2025, 12, 31)), is_new=True)
    roster.save_person(Person("0012", "张三", "13800000001"), [Assignment("0012", "W01", CHIEF, date(2024, 1, 1))], is_new=True)
    roster.save_person(
        Person("1002", "李四", "0571-88880000"),
        [
            Assignment("1002", "W09", WINDOW_STAFF, date(2020, 3, 1), date(2025, 12, 31)),
            Assignment("1002", "007", WINDOW_STAFF, date(2026, 1, 1)),
        ],
        is_new=True,
    )
    roster.save_person(Person("1003", "王五"), [Assignment("1003", "007", CHIEF)], is_new=True)
    roster.save_person(
        Person("1004", "赵六"),
        [Assignment("1004", "W01", WINDOW_STAFF, None, date(2026, 6, 30)), Assignment("1004", "W01", BACK_OFFICE, date(2026, 7, 1))],
        is_new=True,
    )
    roster.move_person("1003", "W01", WINDOW_STAFF, date(2026, 11, 25))


def comparable(loaded):
    """load_roster() with assignments in a fixed order (a fresh database stores them in file order)."""
    windows, people, assignments = loaded
    return windows, people, sorted(assignments, key=lambda a: (a.person_id, a.window_code, a.role, str(a.start), str(a.end)))


def test_export_imports_into_a_fresh_database_unchanged_and_into_its_own_as_no_change(db, tmp_path):
    build_roster()
    original = repository.load_roster()
    target = tmp_path / "out" / "人员名册.xlsx"
    done = roster.export_roster(target)
    assert done.path == target and target.exists()
    assert (done.windows, done.people, done.rows, done.without_assignment) == (3, 4, 7, [])
    assert not [p for p in target.parent.iterdir() if p != target], "no temporary file left behind"

    services.open_app_database(tmp_path / "fresh.db")
    report = services.import_roster(target)
    assert (report.windows_added, report.people_added) == (3, 4)
    assert comparable(repository.load_roster()) == comparable(original)
    close_database()

    services.open_app_database(db)
    audits = AuditLog.select().count()
    again = services.import_roster(target)
    assert (again.windows_added, again.windows_updated, again.people_added, again.people_updated) == (0, 0, 0, 0)
    assert again.messages == []  # nobody is in the database but missing from the file
    assert repository.load_roster() == original  # same rows, even in the same order
    assert AuditLog.select().count() == audits + 1  # only the import itself is logged


def test_workbook_has_the_import_headers_text_ids_and_real_dates(db, tmp_path):
    build_roster()
    path = roster.export_roster(tmp_path).path  # a folder gets 人员名册.xlsx inside
    assert path == tmp_path / "人员名册.xlsx"
    wb = load_workbook(path)
    windows, people = wb[WINDOW_SHEET], wb[PEOPLE_SHEET]
    assert [c.value for c in windows[1]] == WINDOW_REQUIRED + WINDOW_OPTIONAL
    assert [c.value for c in people[1]] == PEOPLE_REQUIRED + PEOPLE_OPTIONAL
    # Blank rows below are prepared as text, like the template's; only filled rows count here.
    rows = [[c.value for c in row] for row in people.iter_rows(min_row=2) if any(c.value for c in row)]
    assert rows[0] == ["0012", "张三", "W01", CHIEF, datetime(2024, 1, 1), None, "13800000001"]
    # One row per assignment, each person's in date order, the phone on every row.
    assert [(r[0], r[2], r[3]) for r in rows if r[0] == "1002"] == [("1002", "W09", WINDOW_STAFF), ("1002", "007", WINDOW_STAFF)]
    assert {r[6] for r in rows if r[0] == "1002"} == {"0571-88880000"}
    header = [c.value for c in people[1]]
    for name in ("工号", "窗口编号", "联系电话"):
        column = header.index(name) + 1
        assert all(people.cell(row=r, column=column).number_format == "@" for r in range(2, len(rows) + 2)), name
    assert windows.cell(row=2, column=1).value == "007" and windows.cell(row=2, column=1).number_format == "@"
    assert people.cell(row=2, column=5).number_format == "yyyy-mm-dd"
    retired = next(r for r in windows.iter_rows(min_row=2, values_only=True) if r[0] == "W09")
    assert retired[3:] == (datetime(2020, 3, 1), datetime(2025, 12, 31))


def test_text_that_excel_would_run_as_a_formula_is_kept_as_quote_prefixed_text(db, tmp_path):
    roster.save_window(Window("W01", "=HYPERLINK(\"http://x\")", "+县税务局"), is_new=True)
    roster.save_person(Person("1001", "@张三", "-1"), [Assignment("1001", "W01", CHIEF)], is_new=True)
    path = roster.export_roster(tmp_path / "r.xlsx").path
    wb = load_workbook(path)
    cells = [c for ws in (wb[WINDOW_SHEET], wb[PEOPLE_SHEET]) for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    evil = {c.value: c for c in cells if c.value in {"=HYPERLINK(\"http://x\")", "+县税务局", "@张三", "-1"}}
    assert len(evil) == 4  # exactly the text, no visible apostrophe
    assert all(c.data_type == "s" and c.quotePrefix for c in evil.values())
    assert not any(c.quotePrefix for c in cells if c.value == "1001")  # plain text stays plain


def test_people_without_an_assignment_are_reported_not_written(db, tmp_path):
    roster.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    roster.save_person(Person("1001", "张三"), [Assignment("1001", "W01", CHIEF)], is_new=True)
    repository.upsert_person(Person("1005", "钱七"))  # from before assignments were required
    done = roster.export_roster(tmp_path / "r.xlsx")
    assert done.without_assignment == [Person("1005", "钱七")]
    rows = load_workbook(done.path)[PEOPLE_SHEET].iter_rows(min_row=2, values_only=True)
    assert [r[0] for r in rows if any(r)] == ["1001"]


def test_a_failed_export_leaves_the_old_file_and_no_temporary_file(db, tmp_path, monkeypatch):
    roster.save_window(Window("W01", "不动产登记窗口", "县自然资源局"), is_new=True)
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"the previous export")

    def broken(path, *_roster):
        path.write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(roster, "write_roster_workbook", broken)
    with pytest.raises(services.InputError, match="无法写入.*disk full"):
        roster.export_roster(target)
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.db", "r.xlsx"]


def cli(*args, db):
    command = [sys.executable, "-m", "kaoping_desktop", "--db", str(db)] + [str(a) for a in args]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)


@pytest.mark.slow
def test_export_roster_command_line_round_trip(db, tmp_path):
    build_roster()
    original = comparable(repository.load_roster())
    close_database()  # the subprocess opens the file itself
    out = tmp_path / "名册导出.xlsx"
    done = cli("export-roster", out, db=db)
    assert done.returncode == 0, done.stderr
    assert out.exists() and "人员名册已导出" in done.stdout and str(out) in done.stdout

    fresh = tmp_path / "fresh.db"
    imported = cli("import-roster", out, db=fresh)
    assert imported.returncode == 0, imported.stderr
    services.open_app_database(fresh)
    assert comparable(repository.load_roster()) == original

    missing_parent = cli("export-roster", tmp_path / "k.db" / "x.xlsx", db=db)  # a file where a folder should be
    assert missing_parent.returncode == 2 and "无法写入" in missing_parent.stderr


def test_text_escaped_as_a_formula_imports_back_unchanged(db, tmp_path):
    roster.save_window(Window("W01", "不动产登记窗口", "+县税务局"), is_new=True)
    roster.save_person(Person("1001", "张三", "+86 13800000001"), [Assignment("1001", "W01", CHIEF)], is_new=True)
    before = repository.load_roster()
    services.import_roster(roster.export_roster(tmp_path / "r.xlsx").path)
    assert repository.load_roster() == before
