"""Hand edits of the roster: validation, one chief at a time, closed months protected."""

from datetime import date

import pytest

from kaoping_desktop import services
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.services import roster
from kaoping_desktop.store import repository
from kaoping_desktop.store.models import AuditLog

from store_builders import worked_example_db


@pytest.fixture
def db(tmp_path):
    worked_example_db(tmp_path / "k.db")


def test_new_window_needs_unique_code_and_ordered_dates(db):
    with pytest.raises(services.InputError, match="已存在"):
        roster.save_window(Window("W01", "重复", "部门"), is_new=True)
    with pytest.raises(services.InputError, match="晚于"):
        roster.save_window(Window("W09", "新窗口", "部门", date(2026, 5, 2), date(2026, 5, 1)), is_new=True)
    roster.save_window(Window(" W09 ", "新窗口", "县医保局"), is_new=True)
    assert [w.code for w in repository.load_roster()[0]] == ["W01", "W09"]


def test_second_chief_at_the_same_time_is_refused(db):
    with pytest.raises(services.InputError, match="只能有一名首席代表"):
        roster.save_person(Person("1004", "钱七"), [Assignment("1004", "W01", CHIEF, date(2026, 10, 1))], is_new=True)
    assert "1004" not in [p.id for p in repository.load_roster()[1]]


def test_move_person_ends_old_assignment_and_starts_new(db):
    roster.save_window(Window("W02", "税务窗口", "县税务局"), is_new=True)
    roster.move_person("1003", "W02", WINDOW_STAFF, date(2026, 11, 10))
    mine = sorted((a for a in repository.load_roster()[2] if a.person_id == "1003"), key=lambda a: a.window_code)
    assert mine == [
        Assignment("1003", "W01", WINDOW_STAFF, None, date(2026, 11, 9)),
        Assignment("1003", "W02", WINDOW_STAFF, date(2026, 11, 10), None),
    ]
    assert AuditLog.select().where(AuditLog.action == "修改岗位").count() >= 1


def test_roster_edit_that_changes_a_closed_month_is_refused(db):
    services.close_month("2026-10")
    with pytest.raises(services.MonthClosedError, match="2026-10"):
        roster.retire_window("W01", date(2026, 10, 15))
    with pytest.raises(services.MonthClosedError):
        roster.move_person("1003", "W01", "后台人员", date(2026, 10, 20))
    # A change from November on leaves October alone and is allowed.
    roster.retire_window("W01", date(2026, 11, 30))
    assert repository.load_roster()[0][0].end == date(2026, 11, 30)
