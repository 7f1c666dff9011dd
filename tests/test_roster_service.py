"""Hand edits of the roster: validation, one chief at a time, closed months protected;
and who is listed in a month, and why not."""

from datetime import date

import pytest

from kaoping_desktop import services
from kaoping_desktop.domain.roster import (
    BACK_OFFICE,
    CHIEF,
    WINDOW_STAFF,
    Assignment,
    Person,
    Window,
    month_presence,
)
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


def test_a_person_without_an_assignment_is_refused_and_nothing_is_written(db):
    audit_rows = AuditLog.select().count()
    with pytest.raises(services.InputError, match="请至少填写一个岗位") as refused:
        roster.save_person(Person("1009", "周九"), [], is_new=True)
    assert str(refused.value) == roster.NO_ASSIGNMENT
    # Taking every assignment away from an existing person is the same trap.
    with pytest.raises(services.InputError, match="请至少填写一个岗位"):
        roster.save_person(Person("1003", "王五", "13900000000"), [], is_new=False)
    _, people, assignments = repository.load_roster()
    assert "1009" not in [p.id for p in people]
    assert Person("1003", "王五") in people
    assert [a for a in assignments if a.person_id == "1003"] == [Assignment("1003", "W01", WINDOW_STAFF)]
    assert AuditLog.select().count() == audit_rows
    # Empty id and name are still reported first: they are what the clerk sees at the top.
    with pytest.raises(services.InputError, match="工号不能为空"):
        roster.save_person(Person(" ", "周九"), [], is_new=True)


# -- month_presence: whether someone is listed in a month, and why not --------------------

W01 = Window("W01", "不动产登记窗口", "县自然资源局")
W02 = Window("W02", "税务窗口", "县税务局", date(2027, 1, 1))
W03 = Window("W03", "公积金窗口", "县住建局", None, date(2026, 9, 30))
WINDOWS = {w.code: w for w in (W01, W02, W03)}


def presence(*assignments, month="2026-10"):
    result = month_presence(list(assignments), WINDOWS, month)
    return result.listed, result.text


def test_month_presence_lists_roles_and_windows():
    assert presence(Assignment("1", "W01", CHIEF)) == (True, "在岗 首席代表 W01")
    # One day inside the month is enough (scoring.md "Who is scored in month M").
    assert presence(Assignment("1", "W01", WINDOW_STAFF, date(2026, 10, 31))) == (True, "在岗 窗口工作人员 W01")
    assert presence(Assignment("1", "W01", WINDOW_STAFF, None, date(2026, 10, 1)))[0] is True
    # Two posts in the month: the weightier role first; a post in a closed window is left out.
    two = presence(
        Assignment("1", "W01", WINDOW_STAFF, None, date(2026, 10, 14)),
        Assignment("1", "W01", CHIEF, date(2026, 10, 15)),
        Assignment("1", "W03", BACK_OFFICE),
    )
    assert two == (True, "在岗 首席代表 W01、窗口工作人员 W01")


def test_month_presence_says_why_someone_is_not_listed():
    assert presence() == (False, "无岗位")
    assert presence(Assignment("1", "W01", WINDOW_STAFF, date(2026, 11, 25))) == (False, "在岗起始 2026-11-25 晚于本月")
    assert presence(Assignment("1", "W01", WINDOW_STAFF, None, date(2026, 9, 30))) == (False, "在岗截止 2026-09-30 早于本月")
    # A gap in the month between two assignments: both ends are named, the earlier first.
    gap = presence(
        Assignment("1", "W01", WINDOW_STAFF, None, date(2026, 9, 30)),
        Assignment("1", "W01", WINDOW_STAFF, date(2026, 12, 1), date(2026, 12, 31)),
        Assignment("1", "W01", WINDOW_STAFF, date(2027, 3, 1)),
    )
    assert gap == (False, "在岗截止 2026-09-30 早于本月；在岗起始 2026-12-01 晚于本月")
    retired = presence(Assignment("1", "W03", WINDOW_STAFF, date(2026, 1, 1)))
    assert retired == (False, "所在窗口已撤出（W03 撤出日期 2026-09-30）")
    assert presence(Assignment("1", "W02", CHIEF)) == (False, "所在窗口未启用（W02 启用日期 2027-01-01）")
    assert presence(Assignment("1", "W02", CHIEF), month="2027-01") == (True, "在岗 首席代表 W02")


def test_month_presence_agrees_with_who_is_scored(db):
    """Listed means: appears among the month's people results; the reasons are for everyone else."""
    roster.save_window(Window("W03", "公积金窗口", "县住建局", None, date(2026, 9, 30)), is_new=True)
    roster.save_person(Person("1004", "钱七"), [Assignment("1004", "W01", WINDOW_STAFF, date(2026, 11, 25))], is_new=True)
    roster.save_person(Person("1005", "孙八"), [Assignment("1005", "W03", WINDOW_STAFF)], is_new=True)
    windows, people, assignments = repository.load_roster()
    by_code = {w.code: w for w in windows}
    scored = {p.person_id for p in services.month_results("2026-10").people}
    for person in people:
        mine = [a for a in assignments if a.person_id == person.id]
        assert month_presence(mine, by_code, "2026-10").listed == (person.id in scored), person.id
    assert scored == {"1001", "1002", "1003"}
