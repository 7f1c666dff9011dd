"""The pure part of the reports: the year's rows, category lines."""

import json
from fractions import Fraction

from kaoping_desktop.domain.scoring import MonthResult, PersonResult, WindowResult
from kaoping_desktop.domain.standards import Standard, standard_from_dict
from kaoping_desktop.paths import resources_dir
from kaoping_desktop.domain.annual import score_year
from kaoping_desktop.reports.data import build_year_report, category_lines, shorten

F = Fraction


def window(code, total, rank=1, red=False, dq=False, name="窗口", cats=None):
    cats = cats or {"1": F(20), "2": F(10), "3": F(10), "4": F(30), "5": F(15), "6": F(15)}
    return WindowResult(code, name + code, "部门" + code, F(10), F(10), cats, F(total), rank, dq, (), "良好", red, ("1001",), ())


def month(m, windows, closed=False):
    people = (PersonResult("1001", "张赟", windows[0].code, "首席代表", F(100)),) if windows else ()
    return MonthResult(m, tuple(windows), people, closed)


def test_year_report_counts_closed_months_and_shows_open_ones_as_drafts():
    closed = {
        "2026-01": month("2026-01", [window("W01", 90, red=True), window("W02", 80, 2)], closed=True),
        "2026-02": month("2026-02", [window("W01", "95.5", red=True), window("W02", 70, 2, dq=True)], closed=True),
        "2025-12": month("2025-12", [window("W01", 10)], closed=True),
    }
    drafts = {"2026-03": month("2026-03", [window("W01", 50), window("W02", 99, 2), window("W03", 60, 3)])}
    report = build_year_report(score_year(2026, closed, awards=1), drafts, {"2026-01": "a", "2026-02": "b"}, awards=1)
    assert report.months == ("2026-01", "2026-02", "2026-03")
    assert report.closed_months == ("2026-01", "2026-02") and report.draft_months == ("2026-03",)
    assert not report.closed  # a draft month is on it
    # W03 was scored only in the open month: not listed (scoring.md "The year").
    assert [r.code for r in report.rows] == ["W01", "W02"]
    w1, w2 = report.rows
    assert w1.totals == {"2026-01": 90, "2026-02": F("95.5")} and w1.drafts == {"2026-03": 50}
    assert w1.mean == (90 + F("95.5")) / 2 and w1.months == 2  # the draft 50 never counts
    assert (w1.rank, w1.award, w1.red_flag_count) == (1, True, 2)
    assert w2.disqualified and not w2.eligible and w2.rank is None and not w2.award
    assert [(p.id, p.window_code, p.mean) for p in report.people] == [("1001", "W01", 100)]
    # The code covers the closed months only: a changed draft leaves it as it was.
    other = build_year_report(score_year(2026, closed, awards=1), {}, {"2026-01": "a", "2026-02": "b"}, awards=1)
    assert other.code == report.code and other.closed
    changed = build_year_report(score_year(2026, closed, awards=1), {}, {"2026-01": "a", "2026-02": "c"}, awards=1)
    assert changed.code != report.code


def _window_standard() -> Standard:
    data = json.loads((resources_dir() / "standards" / "window.json").read_text(encoding="utf-8"))
    return standard_from_dict(data)


def test_category_lines_split_base_and_add_up():
    std = _window_standard()
    cats = {"1": F("19.15"), "2": F(8), "3": F(10), "4": F(27), "5": F(13), "6": F(15)}
    w = WindowResult("W01", "不动产", "局", F("9.55"), F("9.6"), cats, F("92.15"), 1, False, (), "良好", True)
    lines = category_lines(w, std)
    assert [l.code for l in lines] == ["1.1", "1.2", "1", "2", "3", "4", "5", "6", ""]
    assert lines[0].score == F("9.55") and lines[0].full == 10 and lines[0].deducted == F("0.45")
    assert lines[2].subtotal and lines[2].score == F("19.15")
    assert lines[-1].full == 100 and lines[-1].score == F("92.15") and lines[-1].deducted == F("7.85")
    assert sum(l.score for l in lines if not l.subtotal and l.code not in ("1",)) == F("92.15")


def test_shorten():
    assert shorten("短文本") == "短文本"
    long = "未事前向县政务服务中心报备同意，擅自撤出或调换窗口工作人员"
    assert len(shorten(long)) == 20 and shorten(long).endswith("…")


