"""The pure part of the reports: annual rows, category lines."""

import json
from fractions import Fraction

from kaoping_desktop.domain.scoring import MonthResult, PersonResult, WindowResult
from kaoping_desktop.domain.standards import Standard, standard_from_dict
from kaoping_desktop.paths import resources_dir
from kaoping_desktop.reports.data import annual_rows, category_lines, shorten

F = Fraction


def window(code, total, rank=1, red=False, dq=False, name="窗口", cats=None):
    cats = cats or {"1": F(20), "2": F(10), "3": F(10), "4": F(30), "5": F(15), "6": F(15)}
    return WindowResult(code, name + code, "部门" + code, F(10), F(10), cats, F(total), rank, dq, (), "良好", red, ("1001",), ())


def month(m, windows, closed=False):
    people = (PersonResult("1001", "张赟", windows[0].code, "首席代表", F(100)),) if windows else ()
    return MonthResult(m, tuple(windows), people, closed)


def test_annual_rows():
    results = {
        "2026-01": month("2026-01", [window("W01", 90, red=True), window("W02", 80, 2)]),
        "2026-02": month("2026-02", [window("W01", "95.5", red=True), window("W02", 70, 2, dq=True)]),
        "2026-03": month("2026-03", [window("W01", 91), window("W02", 85, 2, dq=True), window("W03", 60, 3)]),
        "2025-12": month("2025-12", [window("W01", 10)]),
    }
    rows = annual_rows(2026, results)
    assert [r.code for r in rows] == ["W01", "W02", "W03"]
    w1, w2, w3 = rows
    assert w1.totals == {"2026-01": 90, "2026-02": F("95.5"), "2026-03": 91}
    assert w1.mean == (90 + F("95.5") + 91) / 3
    assert (w1.best, w1.worst) == (F("95.5"), 90)
    assert w1.red_flag_months == ("2026-01", "2026-02") and w1.red_flag_count == 2
    assert not w1.disqualified
    assert w2.disqualified and w2.disqualified_from == "2026-02"
    assert w3.totals == {"2026-03": 60} and w3.mean == 60
    assert annual_rows("2027", results) == []


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


