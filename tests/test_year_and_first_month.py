"""The year from closed months, the first evaluated month, and keyed settings (scoring.md, formats.md)."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction as F

import pytest

from kaoping_desktop import services
from kaoping_desktop.domain.annual import score_year
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.results_io import results_json, year_json
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.services import settings
from kaoping_desktop.services.errors import InputError, MonthClosedError
from kaoping_desktop.store import repository
from store_builders import add_incidents


@pytest.fixture
def center(db):
    """Four windows, each with a chief and one staff, in service all year."""
    for n in range(1, 5):
        code = f"W0{n}"
        repository.upsert_window(Window(code, f"窗口{n}", f"部门{n}"))
        for pid, role in ((f"{n}001", CHIEF), (f"{n}002", WINDOW_STAFF)):
            repository.upsert_person(Person(pid, f"人员{pid}"))
            repository.replace_assignments(pid, [Assignment(pid, code, role)])
    return db


def deduct(window: str, day: date, clause="3.1", count=1, variant="", evidence="E07"):
    add_incidents([Incident(day, window, clause, count, evidence, variant)])


def test_months_before_the_first_evaluated_month_are_not_scored(center):
    deduct("W02", date(2026, 9, 3), count=3)
    deduct("W02", date(2026, 9, 4), clause="6.4", evidence="E15")  # 6.4 before the first month: no effect
    assert services.month_results("2026-09").windows  # no first month yet: every month is evaluated
    settings.set_value("first-month", "2026-10")
    before = services.month_results("2026-09")
    assert before.evaluated is False and before.windows == () and before.people == ()
    assert results_json(before) == {"month": "2026-09", "closed": False, "evaluated": False, "windows": [], "people": []}
    october = services.month_results("2026-10")
    assert october.evaluated and len(october.windows) == 4
    assert not any(w.disqualified for w in october.windows)
    with pytest.raises(services.ClosingRefused, match="未纳入考评"):
        services.close_month("2026-09")


def test_first_month_cannot_move_past_a_closed_month(center):
    services.close_month("2026-08")
    with pytest.raises(MonthClosedError):
        settings.set_value("first-month", "2026-10")
    assert settings.first_month() is None
    settings.set_value("first-month", "2026-08")  # not after the closed month: fine
    assert settings.get_value("first-month") == "2026-08"
    with pytest.raises(InputError):
        settings.set_value("first-month", "2026-13")
    with pytest.raises(InputError):
        settings.set_value("red-flags", "-1")
    with pytest.raises(InputError):
        settings.set_value("no-such-key", "1")


def test_operator_goes_into_every_audit_row(center):
    settings.set_value("operator", "王会计")
    deduct("W01", date(2026, 10, 2))
    services.close_month("2026-10")
    from kaoping_desktop.store.models import AuditLog

    latest = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (latest.action, latest.actor) == ("锁定月份", "王会计")


def _close(month: str) -> None:
    services.close_month(month)


def test_year_uses_closed_months_only_and_decides_awards(center):
    settings.set_value("annual-awards", "1")
    # July: W01 loses 2; August: W02 loses 4, W03 gets 6.4; September stays open.
    deduct("W01", date(2026, 7, 10), count=2)
    deduct("W02", date(2026, 8, 10), count=4)
    deduct("W03", date(2026, 8, 11), clause="6.4", evidence="E15")
    deduct("W04", date(2026, 9, 1), count=5)
    _close("2026-07")
    _close("2026-08")
    year = services.year_results(2026)
    assert year.months == ("2026-07", "2026-08")
    by_code = {w.code: w for w in year.windows}
    july, august = services.month_results("2026-07"), services.month_results("2026-08")
    for code, w in by_code.items():
        expected = (july.window(code).total + august.window(code).total) / 2
        assert w.mean == expected and w.months == 2
    assert by_code["W03"].disqualified and not by_code["W03"].eligible and by_code["W03"].rank is None
    # W04 lost nothing in the closed months (September is open): it alone wins.
    assert [w.code for w in year.windows if w.award] == ["W04"]
    assert [w.code for w in year.windows] == ["W04", "W01", "W02", "W03"]
    data = year_json(year)
    assert data["windows"][0] == {
        "code": "W04", "name": "窗口4", "department": "部门4", "months": 2, "mean": float(by_code["W04"].mean),
        "red_flag_months": 2, "disqualified": False, "eligible": True, "rank": 1, "award": True,
    }
    assert [p["id"] for p in data["people"]] == sorted(p["id"] for p in data["people"])


def test_year_eligibility_needs_half_the_closed_months(center):
    repository.upsert_window(Window("W05", "新窗口", "部门5", start=date(2026, 9, 1)))
    repository.upsert_person(Person("5001", "首席5"))
    repository.replace_assignments("5001", [Assignment("5001", "W05", CHIEF)])
    for m in ("2026-07", "2026-08", "2026-09"):
        _close(m)
    year = services.year_results(2026)
    w05 = next(w for w in year.windows if w.code == "W05")
    assert w05.months == 1 and not w05.eligible  # 1 of 3 closed months < ceil(3/2) = 2
    assert year.windows[-1].code == "W05"


def test_score_year_ties_at_the_award_boundary_all_win():
    from kaoping_desktop.domain.scoring import MonthResult, WindowResult

    def window(code, total):
        cats = {"1": F(20), "2": F(10), "3": F(10), "4": F(30), "5": F(15), "6": F(15)}
        return WindowResult(code, code, "部门", F(10), F(10), cats, F(total), 1, False, (), "优秀", False)

    month = MonthResult("2026-03", (window("A", 99), window("B", 98), window("C", 98), window("D", 97)), (), True)
    year = score_year(2026, {"2026-03": month}, awards=2)
    assert [(w.code, w.rank, w.award) for w in year.windows] == [("A", 1, True), ("B", 2, True), ("C", 2, True), ("D", 4, False)]
    draft = MonthResult("2026-04", (window("D", 100),), (), closed=False)
    assert score_year(2026, {"2026-03": month, "2026-04": draft}, awards=2).months == ("2026-03",)


@pytest.mark.slow
def test_settings_and_year_from_the_command_line(tmp_path):
    from test_cli import cli

    db = tmp_path / "k.db"
    done = cli("settings", db=db)
    assert done.returncode == 0, done.stderr
    assert "first-month = " in done.stdout and "red-flags = 3" in done.stdout
    assert cli("settings", "first-month", "2026-10", db=db).returncode == 0
    assert cli("settings", "first-month", db=db).stdout.strip() == "2026-10"
    bad = cli("settings", "first-month", "十月", db=db)
    assert bad.returncode == 2 and "月份" in bad.stderr
    early = json.loads(cli("results", "--month", "2026-09", "--json", db=db).stdout)
    assert early == {"month": "2026-09", "closed": False, "evaluated": False, "windows": [], "people": []}
    year = cli("results", "--year", "2026", "--json", db=db)
    assert year.returncode == 0, year.stderr
    assert json.loads(year.stdout) == {"year": 2026, "months": [], "windows": [], "people": []}
    assert cli("results", "--year", "二〇二六", "--json", db=db).returncode == 2


def test_months_before_the_first_month_are_in_no_export_or_annual_figure(center, tmp_path):
    from kaoping_desktop.services import exports

    deduct("W02", date(2026, 9, 3), count=3)
    deduct("W01", date(2026, 10, 3), count=1)
    assert exports.year_report(2026).draft_months == ("2026-09", "2026-10")  # every month evaluated
    settings.set_value("first-month", "2026-10")
    report = exports.year_report(2026)
    assert report.months == report.draft_months == ("2026-10",)
    with pytest.raises(InputError, match="未纳入考评"):
        exports.export_month("2026-09", pdf_dir=tmp_path / "pdf")
    assert not (tmp_path / "pdf").exists() or not any((tmp_path / "pdf").iterdir())
    services.close_month("2026-10")
    assert services.year_results(2026).months == ("2026-10",)
