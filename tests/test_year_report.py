"""The year (scoring.md "The year") against an independent calculation, and its export.

The independent calculation below reads only the closed months' official results and
applies scoring.md's words directly: exact means, eligibility by 取消评优 and by half
the closed months (rounded up), competition ranking, ties at the boundary all win.
"""

from __future__ import annotations

import json
import random
import subprocess
from datetime import date
from fractions import Fraction
from math import ceil

import openpyxl
import pytest

from kaoping_desktop import services
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.numbers import round_half_up
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.services import custody, exports, settings
from kaoping_desktop.store import repository
from store_builders import add_incidents
from test_cli import cli

# (clause, evidence, variant) that deduct from windows; 6.4 marks 取消评优.
CLAUSES = [("3.1", "E07", ""), ("2.2", "E03", ""), ("5.4", "E17", "迟到（早退）"), ("4.4", "E11", "红牌")]
DISQUALIFYING = ("6.4", "E15", "")


def independent_year(year: int, awards: int) -> dict:
    """What scoring.md says the year is, from the closed months' official results."""
    months = sorted(m for m in repository.closed_months() if m.startswith(f"{year}-"))
    windows: dict[str, dict] = {}
    people: dict[str, list[Fraction]] = {}
    for m in months:
        result = services.month_results(m)
        for w in result.windows:
            e = windows.setdefault(w.code, {"totals": [], "red": 0, "dq": False})
            e["totals"].append(w.total)
            e["red"] += bool(w.red_flag)
            e["dq"] = e["dq"] or w.disqualified
        for p in result.people:
            people.setdefault(p.person_id, []).append(p.score)
    need = ceil(len(months) / 2)
    mean = {c: sum(e["totals"]) / len(e["totals"]) for c, e in windows.items()}
    eligible = [c for c, e in windows.items() if not e["dq"] and len(e["totals"]) >= need]
    rank = {c: 1 + sum(1 for o in eligible if mean[o] > mean[c]) for c in eligible}
    order = sorted(eligible, key=lambda c: (rank[c], c)) + sorted(set(windows) - set(eligible))
    return {
        "months": months,
        "windows": [
            {
                "code": c,
                "months": len(windows[c]["totals"]),
                "mean": float(round_half_up(mean[c])),
                "red_flag_months": windows[c]["red"],
                "disqualified": windows[c]["dq"],
                "eligible": c in rank,
                "rank": rank.get(c),
                "award": c in rank and rank[c] <= awards,
            }
            for c in order
        ],
        "people": [{"id": pid, "months": len(s), "mean": float(round_half_up(sum(s) / len(s)))} for pid, s in sorted(people.items())],
    }


def _center(seed: int) -> random.Random:
    rng = random.Random(seed)
    for n in range(1, 8):
        code = f"W{n:02d}"
        start = date(2026, 5, 1) if n == 7 else None  # a window that joins in May
        repository.upsert_window(Window(code, f"窗口{n}", f"部门{n}", start=start))
        for pid, role in ((f"{n}001", CHIEF), (f"{n}002", WINDOW_STAFF), (f"{n}003", WINDOW_STAFF)):
            repository.upsert_person(Person(pid, f"人员{pid}"))
            repository.replace_assignments(pid, [Assignment(pid, code, role, start=start)])
    incidents = []
    for month in range(1, 10):
        for _ in range(rng.randint(2, 14)):
            clause, evidence, variant = rng.choice(CLAUSES) if rng.random() > 0.06 else DISQUALIFYING
            n = rng.randint(1, 6 if month < 5 else 7)
            incidents.append(Incident(date(2026, month, rng.randint(1, 28)), f"W{n:02d}", clause, rng.randint(1, 3), evidence, variant))
    add_incidents(incidents)
    return rng


@pytest.mark.parametrize("seed", [11, 29, 47])
def test_year_equals_an_independent_calculation(db, seed):
    rng = _center(seed)
    awards = rng.randint(1, 4)
    settings.set_value("annual-awards", str(awards))
    closing = rng.sample([f"2026-{m:02d}" for m in range(1, 10)], rng.randint(3, 8))
    for month in closing:  # in any order (scoring.md)
        services.close_month(month)
    expected = independent_year(2026, awards)
    done = cli("results", "--year", "2026", "--json", db=db)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["year"] == 2026 and got["months"] == expected["months"]
    assert [{k: w[k] for k in expected["windows"][0]} for w in got["windows"]] == expected["windows"]
    assert [{k: p[k] for k in ("id", "months", "mean")} for p in got["people"]] == expected["people"]
    # Exact in-process: the means are the exact Fractions, not rounded ones.
    year = services.year_results(2026)
    for w in year.windows:
        assert w.mean == sum(w.totals.values(), Fraction(0)) / len(w.totals)


def test_annual_export_counts_closed_months_and_marks_open_ones(db):
    _center(5)
    for month in ("2026-02", "2026-01", "2026-03"):
        services.close_month(month)
    report = exports.year_report(2026)
    assert report.closed_months == ("2026-01", "2026-02", "2026-03")
    assert report.draft_months == tuple(f"2026-{m:02d}" for m in range(4, 10))  # entered, not closed
    assert not report.closed
    official = services.year_results(2026)
    assert [(r.code, r.mean, r.rank, r.award) for r in report.rows] == [(w.code, w.mean, w.rank, w.award) for w in official.windows]
    assert all(r.totals.keys() <= set(report.closed_months) for r in report.rows)
    w01 = next(r for r in report.rows if r.code == "W01")
    assert w01.drafts["2026-04"] == services.month_results("2026-04").window("W01").total

    pdf_file, xlsx_file = db.parent / "year" / "2026_年度汇总.pdf", db.parent / "year" / "2026_年度汇总.xlsx"
    assert exports.export_year(2026, pdf_file=pdf_file, xlsx_file=xlsx_file) == [pdf_file, xlsx_file]
    text = subprocess.run(["pdftotext", "-layout", str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    assert f"校验码：{report.code}" in text and "草稿" in text
    assert openpyxl.load_workbook(xlsx_file).sheetnames[0] == "年度汇总"
    # The code on the page verifies while the closed months stay as they are …
    assert custody.verify(report.code).unchanged
    # … and not after one of them is reopened.
    services.reopen_month("2026-02", "更正")
    assert not custody.verify(report.code).unchanged


def test_a_year_with_no_closed_month_has_no_rows_but_its_drafts(db):
    _center(3)
    report = exports.year_report(2026)
    assert report.closed_months == () and report.rows == () and len(report.draft_months) == 9
