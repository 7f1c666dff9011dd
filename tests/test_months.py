"""Closing and reopening a month on a real SQLite file."""

import sqlite3
from datetime import date
from fractions import Fraction

import pytest

from kaoping_desktop import services
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Window
from kaoping_desktop.store import repository
from kaoping_desktop.store.models import AuditLog, ScoringMonth

from store_builders import add_incidents, worked_example_db


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "k.db"
    worked_example_db(path)
    return path


def test_worked_example_through_the_database(db):
    result = services.month_results("2026-10")
    w = result.window("W01")
    assert w.total == Fraction("92.15")
    assert w.categories == {"1": Fraction("19.15"), "2": 8, "3": 10, "4": 27, "5": 13, "6": 15}
    assert result.person_scores() == {"1001": Fraction("95.5"), "1002": 92, "1003": 100}


def test_close_stores_results_and_refuses_changes(db):
    before = services.month_results("2026-10")
    services.close_month("2026-10")
    row = ScoringMonth.get(ScoringMonth.month == "2026-10")
    assert row.closed and row.results_json and row.window_version_id and row.staff_version_id
    with pytest.raises(services.MonthClosedError):
        add_incidents([Incident(date(2026, 10, 9), "W01", "2.2", 1, "E03")])
    # The database itself refuses, whatever path the write takes.
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="month_closed"):
        conn.execute("UPDATE incident SET count = 5 WHERE date LIKE '2026-10-%'")
    with pytest.raises(sqlite3.IntegrityError, match="month_closed"):
        conn.execute("DELETE FROM incident")
    conn.close()
    # Roster edits after closing do not change the official results.
    repository.upsert_window(Window("W01", "改名窗口", "别的部门"))
    repository.replace_assignments("1003", [Assignment("1003", "W01", CHIEF, start=date(2026, 11, 1))])
    after = services.month_results("2026-10")
    assert after.closed
    assert after.windows == before.windows and after.people == before.people


def test_incident_in_other_month_still_allowed_when_one_is_closed(db):
    services.close_month("2026-10")
    add_incidents([Incident(date(2026, 11, 2), "W01", "2.2", 1, "E03")])
    assert services.month_results("2026-11").window("W01").categories["2"] == 8


def test_reopen_needs_a_reason_and_is_recorded(db):
    services.close_month("2026-10")
    with pytest.raises(services.InputError, match="理由"):
        services.reopen_month("2026-10", "   ")
    assert services.month_status("2026-10")["closed"]
    services.reopen_month("2026-10", "补录 10 月 8 日漏记的扣分")
    status = services.month_status("2026-10")
    assert not status["closed"] and status["reopen_reason"] == "补录 10 月 8 日漏记的扣分"
    add_incidents([Incident(date(2026, 10, 9), "W01", "2.2", 1, "E03")])
    assert services.month_results("2026-10").window("W01").categories["2"] == 6
    actions = [a.action for a in AuditLog.select().order_by(AuditLog.id)]
    assert "锁定月份" in actions and "重新开放月份" in actions


def test_window_without_chief_blocks_closing(tmp_path):
    services.open_app_database(tmp_path / "k.db")
    repository.upsert_window(Window("W02", "税务窗口", "县税务局"))
    result = services.month_results("2026-10")
    assert "缺少首席代表" in result.window("W02").warnings
    with pytest.raises(services.ClosingRefused, match="缺少首席代表"):
        services.close_month("2026-10")
    assert not services.month_status("2026-10")["closed"]


def test_closing_twice_is_refused(db):
    services.close_month("2026-10")
    with pytest.raises(services.ClosingRefused):
        services.close_month("2026-10")


def test_staff_only_window_uses_chief_component_twice(tmp_path):
    services.open_app_database(tmp_path / "k.db")
    repository.upsert_window(Window("W03", "公安窗口", "县公安局"))
    from kaoping_desktop.domain.roster import Person

    repository.upsert_person(Person("2001", "赵六"))
    repository.replace_assignments("2001", [Assignment("2001", "W03", CHIEF)])
    w = services.month_results("2026-10").window("W03")
    assert w.chief_component == w.staff_component == 10
    assert w.warnings == ("无窗口工作人员",)
    assert WINDOW_STAFF not in [p.role for p in services.month_results("2026-10").people]
