"""Property tests of monthly scoring (hypothesis).

The pure properties generate random rosters, random (edited) standards and random
valid incidents and check score_month against scoring.md: bounds, monotonicity,
order independence, competition ranking, and an independent re-computation of
the whole month. The database-backed ones check that a closed month never
changes whatever path tries to change it, and that a ledger imported in another
row order gives the same results.
"""

from __future__ import annotations

import importlib
import json
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings, strategies as st
from peewee import IntegrityError

from kaoping_desktop import services
from kaoping_desktop.domain.calendar import add_months, month_bounds
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.numbers import display, from_text, json_number, round_half_up, to_text
from kaoping_desktop.domain.records import replace
from kaoping_desktop.domain.results_io import from_snapshot, to_snapshot
from kaoping_desktop.domain.roster import BACK_OFFICE, CHIEF, ROLES, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.domain.scoring import score_month
from kaoping_desktop.domain.settings import ScoringSettings
from kaoping_desktop.domain.standards import (
    DISQUALIFY_YEAR,
    OTHER_EVIDENCE,
    STAFF,
    WINDOW,
    Standard,
    StandardSet,
)
from kaoping_desktop.domain.validation import ImportRejected, RosterView, check_incident
from kaoping_desktop.services import incidents as incident_service
from kaoping_desktop.services import roster as roster_service
from kaoping_desktop.services import settings as settings_service
from kaoping_desktop.store import catalogue as store_catalogue
from kaoping_desktop.store import repository
from kaoping_desktop.store.database import close_database

from domain_builders import default_evidence, default_standard_set
from store_builders import add_incidents
from workbooks import write_ledger, write_roster


def _catalogue_service():
    """kaoping_desktop.services.catalogue, the rule-editing service."""
    return importlib.import_module("kaoping_desktop.services.catalogue")


YEAR = 2026
DEFAULT_STANDARDS = default_standard_set()
EVIDENCE = default_evidence()
EVIDENCE_NAMES = {e.code: e.name for e in EVIDENCE}

PURE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DB = settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking real databases takes minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies -------------------------------------------------------------------

year_days = st.dates(date(YEAR, 1, 1), date(YEAR, 12, 31))
halves = st.integers(0, 40).map(lambda n: F(n, 2))


@st.composite
def periods(draw, open_bias: bool = True):
    """(start, end) inside the year, either end may be open (None)."""
    if open_bias and draw(st.integers(0, 2)) == 0:
        return None, None
    start = draw(st.none() | year_days)
    end = draw(st.none() | year_days)
    if start and end and end < start:
        start, end = end, start
    return start, end


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return (a_start is None or b_end is None or a_start <= b_end) and (b_start is None or a_end is None or b_start <= a_end)


def _covers(start, end, day) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass(frozen=True)
class Roster:
    windows: tuple[Window, ...]
    people: tuple[Person, ...]
    assignments: tuple[Assignment, ...]


@st.composite
def rosters(draw, chief_everywhere: bool = False, max_windows: int = 5, max_people: int = 8):
    """1–5 windows and 0–8 people with random roles and dates in the year; never two chiefs
    of one window at the same time. With chief_everywhere every window gets an open-ended chief
    (so a month can be closed) and the other people get no chief role."""
    n_windows = draw(st.integers(1, max_windows))
    windows = []
    for i in range(n_windows):
        start, end = (None, None) if (chief_everywhere and i == 0) else draw(periods())
        windows.append(Window(f"W{i + 1:02d}", f"窗口{i + 1}", f"部门{i + 1}", start, end))
    codes = [w.code for w in windows]
    people: list[Person] = []
    assignments: list[Assignment] = []
    if chief_everywhere:
        for i, code in enumerate(codes):
            pid = f"9{i + 1:03d}"
            people.append(Person(pid, f"首席{i + 1}"))
            assignments.append(Assignment(pid, code, CHIEF))
    roles = (WINDOW_STAFF, BACK_OFFICE) if chief_everywhere else ROLES
    for j in range(draw(st.integers(0, max_people))):
        pid = f"{1001 + j}"
        people.append(Person(pid, f"人员{j + 1}"))
        for _ in range(draw(st.integers(0, 2))):
            start, end = draw(periods())
            a = Assignment(pid, draw(st.sampled_from(codes)), draw(st.sampled_from(roles)), start, end)
            if a.role == CHIEF and any(
                b.role == CHIEF and b.window_code == a.window_code and _overlap(a.start, a.end, b.start, b.end)
                for b in assignments
            ):
                a = replace(a, role=WINDOW_STAFF)
            if a not in assignments:
                assignments.append(a)
    return Roster(tuple(windows), tuple(people), tuple(assignments))


@st.composite
def edited_standard_sets(draw):
    """The shipped standards, sometimes with a later version whose points are all redrawn."""
    versions = list(DEFAULT_STANDARDS.versions)
    for std in DEFAULT_STANDARDS.versions:
        if draw(st.booleans()):
            continue
        categories = tuple(c if c.computed else replace(c, points=draw(halves)) for c in std.categories)
        clauses = tuple(
            replace(
                cl,
                variants=tuple(
                    replace(v, window_points=draw(halves), chief_points=draw(halves), person_points=draw(halves))
                    for v in cl.variants
                ),
            )
            for cl in std.clauses
        )
        month = f"{YEAR}-{draw(st.integers(1, 12)):02d}"
        versions.append(Standard(std.kind, std.name, categories, clauses, version=2, effective_month=month))
    return StandardSet(tuple(versions))


def _month_days(month: str, start, end) -> list[date]:
    first, last = month_bounds(month)
    lo = max(first, start) if start else first
    hi = min(last, end) if end else last
    return [lo + timedelta(days=i) for i in range((hi - lo).days + 1)] if lo <= hi else []


@st.composite
def incidents_in(draw, month: str, roster: Roster, standards: StandardSet, person_clauses: bool = True):
    """One valid incident of `month` (window in service that day; a person named only if assigned
    to that window that day; a clause, variant and evidence of the standard in force), or None."""
    usable = [(w, days) for w in roster.windows if (days := _month_days(month, w.start, w.end))]
    if not usable:
        return None
    window, days = draw(st.sampled_from(usable))
    day = draw(st.sampled_from(days))
    on_duty = sorted(
        {a.person_id for a in roster.assignments if a.window_code == window.code and _covers(a.start, a.end, day)}
    )
    staff_clause = person_clauses and bool(on_duty) and draw(st.booleans())
    std = standards.for_month(STAFF if staff_clause else WINDOW, month)
    clause = draw(st.sampled_from(std.incident_clauses()))
    variant = draw(st.sampled_from(clause.variants)).name
    evidence = draw(st.sampled_from(clause.evidence_codes + (OTHER_EVIDENCE,)))
    reference = "情况说明" if evidence == OTHER_EVIDENCE else draw(st.sampled_from(["", "督办单 1", "投诉 2"]))
    if staff_clause:
        person = draw(st.sampled_from(on_duty))
    else:
        person = draw(st.none() | st.sampled_from(on_duty)) if on_duty else None
    count = draw(st.integers(1, 3) | st.integers(1, 30))
    return Incident(day, window.code, clause.code, count, evidence, variant, person, reference)


@dataclass(frozen=True)
class Scenario:
    month: str
    roster: Roster
    standards: StandardSet
    incidents: tuple[Incident, ...]

    def score(self, incidents=None, settings_=ScoringSettings()):
        r = self.roster
        incs = self.incidents if incidents is None else incidents
        return score_month(self.month, r.windows, r.people, r.assignments, incs, self.standards, settings_)


@st.composite
def scenarios(draw, max_incidents: int = 12):
    month = f"{YEAR}-{draw(st.integers(1, 12)):02d}"
    roster = draw(rosters())
    standards = draw(st.just(DEFAULT_STANDARDS) | edited_standard_sets())
    drawn = [draw(incidents_in(month, roster, standards)) for _ in range(draw(st.integers(0, max_incidents)))]
    return Scenario(month, roster, standards, tuple(i for i in drawn if i is not None))


# --- an independent reading of scoring.md ---------------------------------------------


def expected_month(s: Scenario) -> dict:
    """scoring.md computed directly: person scores, window categories, totals, warnings."""
    first, last = month_bounds(s.month)
    wstd, sstd = s.standards.for_month(WINDOW, s.month), s.standards.for_month(STAFF, s.month)
    incs = [i for i in s.incidents if not i.voided and first <= i.date <= last]
    scored = [w for w in s.roster.windows if _overlap(w.start, w.end, first, last)]
    codes = {w.code for w in scored}
    in_month = [a for a in s.roster.assignments if a.window_code in codes and _overlap(a.start, a.end, first, last)]

    staff_raw: dict[tuple[str, str], F] = Counter()
    share: dict[str, F] = Counter()
    window_raw: dict[tuple[str, str], F] = Counter()
    no_chief_on_day = set()
    for i in incs:
        sc = sstd.clause(i.clause_code)
        if sc is not None:
            staff_raw[(i.person_id, sc.category_code)] += i.count * sc.variant(i.variant).person_points
            continue
        wc = wstd.clause(i.clause_code)
        v = wc.variant(i.variant)
        window_raw[(i.window_code, wc.category_code)] += i.count * v.window_points
        chiefs = {
            a.person_id
            for a in s.roster.assignments
            if a.window_code == i.window_code and a.role == CHIEF and _covers(a.start, a.end, i.date)
        }
        assert len(chiefs) <= 1
        if chiefs:
            share[chiefs.pop()] += i.count * v.chief_points
        else:
            no_chief_on_day.add(i.window_code)

    people = {a.person_id for a in in_month}
    score = {}
    for pid in people:
        deducted = sum((min(c.points, staff_raw[(pid, c.code)]) for c in sstd.categories), F(0))
        score[pid] = max(F(0), 100 - deducted - share[pid])

    windows = {}
    for w in scored:
        chiefs = {a.person_id for a in in_month if a.window_code == w.code and a.role == CHIEF}
        staff = {a.person_id for a in in_month if a.window_code == w.code and a.role == WINDOW_STAFF}
        chief_c = sum((score[p] for p in chiefs), F(0)) / len(chiefs) * 10 / 100 if chiefs else F(0)
        staff_c = sum((score[p] for p in staff), F(0)) / len(staff) * 10 / 100 if staff else chief_c
        cats = {"1": chief_c + staff_c}
        for c in wstd.categories:
            if c.code != "1":
                cats[c.code] = max(F(0), c.points - window_raw[(w.code, c.code)])
        warnings = set()
        if not chiefs:
            warnings.add("缺少首席代表")
        if not staff:
            warnings.add("无窗口工作人员")
        if w.code in no_chief_on_day:
            warnings.add("扣分当日无首席代表")
        disq = any(
            i.window_code == w.code and s.standards.find_clause(i.clause_code, s.month)[1].consequence == DISQUALIFY_YEAR
            for i in incs
        )
        windows[w.code] = dict(
            chief=chief_c, staff=staff_c, categories=cats, total=min(F(100), sum(cats.values(), F(0))),
            warnings=warnings, disqualified=disq, chiefs=chiefs, staff_ids=staff,
        )
    weight = {CHIEF: 0, WINDOW_STAFF: 1, BACK_OFFICE: 2}
    rows: dict[tuple[str, str], str] = {}
    for a in in_month:
        key = (a.window_code, a.person_id)
        if key not in rows or weight[a.role] < weight[rows[key]]:
            rows[key] = a.role
    return {"scores": score, "windows": windows, "rows": rows}


def _max_points(s: Scenario) -> dict[str, F]:
    std = s.standards.for_month(WINDOW, s.month)
    return {c.code: (F(20) if c.code == "1" else c.points) for c in std.categories}


# --- pure properties ----------------------------------------------------------------


@PURE
@given(scenarios())
def test_generated_incidents_pass_the_entry_checks(s: Scenario):
    roster = RosterView.build(s.roster.windows, s.roster.people, s.roster.assignments)
    for inc in s.incidents:
        assert check_incident(inc, s.standards, roster, EVIDENCE) == [], inc


@PURE
@given(scenarios())
def test_scores_stay_within_bounds(s: Scenario):
    result = s.score()
    maxima = _max_points(s)
    for w in result.windows:
        assert 0 <= w.total <= 100
        assert 0 <= w.chief_component <= 10 and 0 <= w.staff_component <= 10
        assert set(w.categories) == set(maxima)
        for code, value in w.categories.items():
            assert 0 <= value <= maxima[code], (w.code, code, value)
    for p in result.people:
        assert 0 <= p.score <= 100
        for cat, value in p.deductions.items():
            assert 0 <= value <= s.standards.for_month(STAFF, s.month).category(cat).points


@PURE
@given(scenarios(), st.data())
def test_one_more_incident_never_raises_a_score(s: Scenario, data):
    extra = data.draw(incidents_in(s.month, s.roster, s.standards))
    assume(extra is not None)
    before, after = s.score(), s.score(s.incidents + (extra,))
    assert [w.code for w in sorted(after.windows, key=lambda w: w.code)] == [
        w.code for w in sorted(before.windows, key=lambda w: w.code)
    ]
    for w in before.windows:
        a = after.window(w.code)
        assert a.total <= w.total
        for code, value in w.categories.items():
            assert a.categories[code] <= value, (w.code, code)
    assert set(after.person_scores()) == set(before.person_scores())
    for pid, score in before.person_scores().items():
        assert after.person_scores()[pid] <= score, pid
    # and the incident takes exactly its own deduction off its window's category (floored)
    std = s.standards.for_month(WINDOW, s.month)
    clause = std.clause(extra.clause_code)
    if clause is not None:
        cat = clause.category_code
        b, a = before.window(extra.window_code).categories[cat], after.window(extra.window_code).categories[cat]
        assert a == max(F(0), b - extra.count * clause.variant(extra.variant).window_points)


@PURE
@given(scenarios(), st.data())
def test_incident_order_does_not_matter(s: Scenario, data):
    shuffled = tuple(data.draw(st.permutations(s.incidents)))
    assert s.score(shuffled) == s.score()


@PURE
@given(scenarios(), st.integers(0, 6))
def test_ranks_are_competition_ranks_of_exact_totals(s: Scenario, red_flags: int):
    cfg = ScoringSettings(red_flag_count=red_flags)
    result = s.score(settings_=cfg)
    totals = [w.total for w in result.windows]
    for w in result.windows:
        assert w.rank == 1 + sum(1 for t in totals if t > w.total)
        assert w.grade == cfg.grade_for(w.total)
    # listed by rank, then window code
    assert [(w.rank, w.code) for w in result.windows] == sorted((w.rank, w.code) for w in result.windows)
    # 红旗窗口 (README): top N by competition rank among the windows not 取消评优 and not lacking a chief
    eligible = [w for w in result.windows if not w.disqualified and "缺少首席代表" not in w.warnings]
    for w in result.windows:
        should = w in eligible and 1 + sum(1 for e in eligible if e.total > w.total) <= red_flags
        assert w.red_flag == should, w.code


@PURE
@given(scenarios())
def test_scores_match_an_independent_reading_of_the_spec(s: Scenario):
    result = s.score()
    expected = expected_month(s)
    assert result.person_scores() == expected["scores"]
    assert {w.code for w in result.windows} == set(expected["windows"])
    for w in result.windows:
        e = expected["windows"][w.code]
        assert (w.chief_component, w.staff_component) == (e["chief"], e["staff"]), w.code
        assert w.categories == e["categories"], w.code
        assert w.total == e["total"], w.code
        assert set(w.warnings) == e["warnings"], w.code
        assert w.disqualified == e["disqualified"], w.code
        assert set(w.chief_ids) == e["chiefs"] and set(w.staff_ids) == e["staff_ids"], w.code
    # one row per (window, person) in window-code then id order, with the weightier role and the
    # same personal score wherever the person is listed
    keys = [(p.window_code, p.person_id) for p in result.people]
    assert keys == sorted(expected["rows"])
    for p in result.people:
        assert p.role == expected["rows"][(p.window_code, p.person_id)], (p.window_code, p.person_id)
        assert p.score == expected["scores"][p.person_id]


@PURE
@given(scenarios())
def test_closed_month_snapshot_round_trips_exactly(s: Scenario):
    result = s.score()
    stored = json.loads(json.dumps(to_snapshot(result), ensure_ascii=False))
    assert from_snapshot(stored, closed=False) == result


@PURE
@given(st.fractions(min_value=0, max_value=100, max_denominator=2000))
def test_rounding_is_exact_half_up(value):
    """scoring.md: exact inside, 2 decimals half up only for display and export."""
    expected = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert round_half_up(value) == expected
    assert display(value) == f"{expected:.2f}"
    assert json.dumps(json_number(value)) == format(expected.normalize(), "f")  # 8 not 8.0, 92.15 as typed
    assert from_text(to_text(value)) == value


@PURE
@given(scenarios(), st.data())
def test_voided_and_other_month_incidents_do_not_count(s: Scenario, data):
    noise = []
    for inc in data.draw(st.lists(st.sampled_from(s.incidents), max_size=4)) if s.incidents else []:
        noise.append(replace(inc, voided=True))
    other = add_months(s.month, data.draw(st.sampled_from([-1, 1])))
    for _ in range(data.draw(st.integers(0, 3))):
        inc = data.draw(incidents_in(other, s.roster, s.standards))
        # 6.4 of an earlier month rightly carries over (取消评优), so leave it out here
        if inc is not None and s.standards.find_clause(inc.clause_code, other)[1].consequence is None:
            noise.append(inc)
    assert s.score(s.incidents + tuple(noise)) == s.score()


# --- database-backed properties -----------------------------------------------------


def _store_roster(roster: Roster) -> None:
    for w in roster.windows:
        repository.upsert_window(w)
    for p in roster.people:
        repository.upsert_person(p)
        repository.replace_assignments(p.id, [a for a in roster.assignments if a.person_id == p.id])


def _as_input(inc: Incident) -> incident_service.IncidentInput:
    return incident_service.IncidentInput(
        inc.date, inc.window_code, inc.clause_code, inc.count, inc.evidence_code, inc.variant, inc.person_id,
        inc.reference, inc.note,
    )


def _picture(month: str, assignments) -> set:
    """Who was where in which role on which days of the month."""
    return {
        (a.person_id, a.window_code, a.role, days[0], days[-1])
        for a in assignments
        if (days := _month_days(month, a.start, a.end))
    }


NUMERIC_SAFE_CLAUSES = {c.code for std in DEFAULT_STANDARDS.versions for c in std.clauses} - {"5.1", "5.10"}
LEDGER_STYLES = st.fixed_dictionaries(
    {
        "date": st.sampled_from(["iso", "slash", "chinese", "cell"]),
        "evidence_by_name": st.booleans(),
        "clause_as_number": st.booleans(),  # what Excel does to a clause typed into a General cell
        "half_width_variant": st.booleans(),
        "numbers_as_float": st.booleans(),
        "padded": st.booleans(),
    }
)


def _ledger_row(inc: Incident, style: dict) -> list:
    """A ledger row for the incident, typed the way a clerk might (all spellings mean the same)."""
    d = inc.date
    day = {
        "iso": d.isoformat(),
        "slash": f"{d.year}/{d.month}/{d.day}",
        "chinese": f"{d.year}年{d.month}月{d.day}日",
        "cell": d,
    }[style["date"]]
    if inc.evidence_code == OTHER_EVIDENCE:
        evidence = "其他"
    else:
        evidence = EVIDENCE_NAMES[inc.evidence_code] if style["evidence_by_name"] else inc.evidence_code
    clause = inc.clause_code
    if style["clause_as_number"] and clause in NUMERIC_SAFE_CLAUSES and not clause.startswith("P"):
        clause = float(clause)
    variant = inc.variant.replace("（", "(").replace("）", ")") if style["half_width_variant"] else inc.variant
    count = float(inc.count) if style["numbers_as_float"] else inc.count
    person = inc.person_id
    if person and style["numbers_as_float"]:
        person = int(person)
    window = f" {inc.window_code} " if style["padded"] else inc.window_code
    return [day, window, person, clause, variant or None, count, evidence, inc.reference or None, inc.note or None]


CLOSED_MONTH_ACTIONS = [
    "insert",
    "insert_elsewhere",
    "enter",
    "void",
    "edit",
    "edit_into",
    "import",
    "rule_version_before",
    "rule_version_after",
    "rule_version_store",
    "window_dates",
    "window_rename",
    "new_assignment",
    "move_person",
    "settings",
    "roster_import",
]


@DB
@given(
    month_no=st.integers(1, 11),
    roster=rosters(chief_everywhere=True, max_windows=3, max_people=4),
    data=st.data(),
)
def test_a_closed_month_never_changes(month_no, roster: Roster, data):
    month = f"{YEAR}-{month_no:02d}"
    nxt = add_months(month, 1)
    standards = DEFAULT_STANDARDS
    in_month = [i for i in (data.draw(incidents_in(month, roster, standards)) for _ in range(data.draw(st.integers(0, 8)))) if i]
    next_month = [i for i in (data.draw(incidents_in(nxt, roster, standards)) for _ in range(2)) if i]
    with tempfile.TemporaryDirectory() as tmp:
        services.open_app_database(Path(tmp) / "k.db")
        try:
            _store_roster(roster)
            ids = add_incidents(in_month + next_month)
            month_ids = ids[: len(in_month)]
            other_ids = ids[len(in_month):]
            voided = data.draw(st.lists(st.sampled_from(month_ids), unique=True, max_size=2)) if month_ids else []
            for incident_id in voided:
                incident_service.void_incident(incident_id, "录入错误")
            live = services.month_results(month)
            official = services.close_month(month)
            assert official.closed
            assert official.windows == live.windows and official.people == live.people
            assert services.month_results(month) == official

            for action in data.draw(st.lists(st.sampled_from(CLOSED_MONTH_ACTIONS), min_size=1, max_size=4)):
                _try_to_change_closed_month(action, month, roster, month_ids, voided, other_ids, data, Path(tmp))
                after = services.month_results(month)
                assert after == official, action
        finally:
            close_database()


def _try_to_change_closed_month(action, month, roster: Roster, month_ids, voided, other_ids, data, tmp: Path) -> None:
    """One attempt to change a closed month; refused where it would, harmless where it may pass."""
    first, last = month_bounds(month)
    catalogue_service = _catalogue_service()
    std_set = catalogue_service.standard_set()
    new = data.draw(incidents_in(month, roster, std_set))
    live_ids = [i for i in month_ids if i not in voided]
    if action == "insert" and new:
        with pytest.raises(services.MonthClosedError):
            add_incidents([new])
    elif action == "insert_elsewhere":
        # other months stay open, a 取消评优 (6.4) the month before included
        other = add_months(month, data.draw(st.sampled_from([-1, 1])))
        if other not in repository.closed_months():
            more = data.draw(incidents_in(other, roster, std_set))
            if more and data.draw(st.booleans()):
                more = replace(more, clause_code="6.4", variant="", evidence_code="E24", person_id=None)
            if more:
                add_incidents([more])
    elif action == "enter" and new:
        with pytest.raises(services.MonthClosedError):
            incident_service.add_incident(_as_input(new))
    elif action == "void" and live_ids:
        with pytest.raises(services.MonthClosedError):
            incident_service.void_incident(data.draw(st.sampled_from(live_ids)), "想改")
    elif action == "edit" and live_ids:
        target = data.draw(st.sampled_from(live_ids))
        moved = data.draw(incidents_in(add_months(month, 1), roster, std_set)) or new
        if moved:
            with pytest.raises(services.MonthClosedError):
                incident_service.update_incident(target, _as_input(moved))
    elif action == "edit_into" and other_ids and new:
        with pytest.raises(services.MonthClosedError):
            incident_service.update_incident(data.draw(st.sampled_from(other_ids)), _as_input(new))
    elif action == "import" and new:
        path = write_ledger(tmp / "ledger.xlsx", [_ledger_row(new, data.draw(LEDGER_STYLES))])
        with pytest.raises(ImportRejected):
            services.import_incidents(path)
    elif action in ("rule_version_before", "rule_version_after"):
        kind = data.draw(st.sampled_from([WINDOW, STAFF]))
        std = std_set.for_month(kind, month)
        cats = tuple(c if c.computed else replace(c, points=c.points / 2) for c in std.categories)
        edited = replace(std, categories=cats)
        if action == "rule_version_before":
            effective = add_months(month, -data.draw(st.integers(0, 3)))
            with pytest.raises(services.MonthClosedError):
                catalogue_service.save_new_version(edited, effective, note="试图改动已锁定月份")
        else:
            effective = add_months(month, data.draw(st.integers(1, 3)))
            catalogue_service.save_new_version(edited, effective, note="以后施行")
            # the new version is real: the month it takes effect is scored with it
            assert catalogue_service.standard_set().for_month(kind, effective).categories == cats
    elif action == "rule_version_store":
        # below the service, the database itself refuses a version effective in or before the month
        std = std_set.for_month(data.draw(st.sampled_from([WINDOW, STAFF])), month)
        effective = add_months(month, -data.draw(st.integers(0, 3)))
        version = replace(std, version=store_catalogue.next_version_number(std.kind), effective_month=effective)
        with pytest.raises(IntegrityError, match="month_closed"):
            store_catalogue.save_version(version, note="绕过服务")
    elif action == "window_dates":
        w = data.draw(st.sampled_from(roster.windows))
        current = next(x for x in repository.load_roster()[0] if x.code == w.code)
        end = data.draw(year_days)
        start = current.start if current.start is None or current.start <= end else None
        changed = replace(current, start=start, end=end)
        touches_month = _month_days(month, current.start, current.end) != _month_days(month, changed.start, changed.end)
        try:
            roster_service.save_window(changed, is_new=False)
        except services.MonthClosedError:
            assert touches_month
        else:
            assert not touches_month
    elif action == "window_rename":
        w = data.draw(st.sampled_from(roster.windows))
        current = next(x for x in repository.load_roster()[0] if x.code == w.code)
        roster_service.save_window(replace(current, name=current.name + "（新）", department="新部门"), is_new=False)
    elif action == "new_assignment":
        _, people, assignments = repository.load_roster()
        person = data.draw(st.sampled_from(people))
        start, end = data.draw(periods())
        code = data.draw(st.sampled_from([w.code for w in roster.windows]))
        added = Assignment(person.id, code, data.draw(st.sampled_from([WINDOW_STAFF, BACK_OFFICE])), start, end)
        mine = [a for a in assignments if a.person_id == person.id]
        touches_month = _picture(month, mine) != _picture(month, mine + [added])
        try:
            roster_service.save_person(person, mine + [added], is_new=False)
        except services.MonthClosedError:
            assert touches_month
        else:
            assert not touches_month
    elif action == "move_person":
        _, people, assignments = repository.load_roster()
        person = data.draw(st.sampled_from(people))
        first_day = data.draw(year_days)
        code = data.draw(st.sampled_from([w.code for w in roster.windows]))
        role = CHIEF if person.id.startswith("9") else WINDOW_STAFF
        mine = [a for a in assignments if a.person_id == person.id]
        # what 调岗 means: open assignments end the day before, a new one starts that day
        after = [replace(a, end=first_day - timedelta(days=1)) if a.end is None or a.end >= first_day else a for a in mine]
        touches_month = _picture(month, mine) != _picture(month, after + [Assignment(person.id, code, role, first_day)])
        try:
            roster_service.move_person(person.id, code, role, first_day)
        except services.MonthClosedError:
            assert touches_month
        except services.InputError:
            pass  # an assignment starting on or after that day, or a second chief at once
        else:
            assert not touches_month
    elif action == "roster_import":
        windows, people, assignments = repository.load_roster()
        person = data.draw(st.sampled_from(people))
        start, end = data.draw(periods())
        role = data.draw(st.sampled_from([WINDOW_STAFF, BACK_OFFICE]))
        added = Assignment(person.id, data.draw(st.sampled_from([w.code for w in windows])), role, start, end)
        mine = [a for a in assignments if a.person_id == person.id]
        touches_month = _picture(month, mine) != _picture(month, mine + [added])
        names = {p.id: p.name for p in people}
        rows = [[a.person_id, names[a.person_id], a.window_code, a.role, a.start, a.end, None] for a in assignments + [added]]
        path = write_roster(
            tmp / "roster.xlsx", [[w.code, w.name, w.department, w.start, w.end] for w in windows], rows
        )
        try:
            services.import_roster(path)
        except ImportRejected as exc:
            assert touches_month, exc.errors
        else:
            assert not touches_month
    elif action == "settings":
        current = settings_service.load_settings()
        grades = tuple(replace(g, minimum=min(F(100), g.minimum + 3)) if g.minimum else g for g in current.grades)
        settings_service.save_settings(replace(current, grades=grades, red_flag_count=data.draw(st.integers(0, 5))))


@DB
@given(roster=rosters(max_windows=3, max_people=5), data=st.data())
def test_ledger_row_order_does_not_change_results(roster: Roster, data):
    month = f"{YEAR}-{data.draw(st.integers(1, 11)):02d}"
    months = [month, add_months(month, 1)]
    incidents = [
        i
        for m in months
        for i in (data.draw(incidents_in(m, roster, DEFAULT_STANDARDS)) for _ in range(data.draw(st.integers(0, 6))))
        if i is not None
    ]
    if incidents and data.draw(st.booleans()):
        incidents.append(data.draw(st.sampled_from(incidents)))  # the same row twice is two incidents
    rows = [_ledger_row(i, data.draw(LEDGER_STYLES)) for i in incidents]
    restyled = [_ledger_row(incidents[k], data.draw(LEDGER_STYLES)) for k in data.draw(st.permutations(range(len(incidents))))]
    order = data.draw(st.permutations(range(len(rows))))
    other_rows = [rows[k] for k in order]
    window_rows = [[w.code, w.name, w.department, w.start, w.end] for w in roster.windows]
    people_rows = [
        [a.person_id, next(p.name for p in roster.people if p.id == a.person_id), a.window_code, a.role, a.start, a.end, None]
        for a in roster.assignments
    ]
    other_people_rows = data.draw(st.permutations(people_rows))

    outcomes = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, ledger, people_sheet in (("a", rows, people_rows), ("b", other_rows, other_people_rows)):
            services.open_app_database(tmp / f"{name}.db")
            try:
                services.import_roster(write_roster(tmp / f"roster_{name}.xlsx", window_rows, list(people_sheet)))
                report = services.import_incidents(write_ledger(tmp / f"ledger_{name}.xlsx", ledger))
                assert report.added == len(incidents) and report.already_present == 0
                stored = Counter(replace(i, id=None).identity() for i in repository.load_incidents())
                assert stored == Counter(i.identity() for i in incidents)
                results = {m: services.month_results(m) for m in months}
                if name == "b":
                    # the same ledger again, in another order and typed differently, adds nothing
                    again = services.import_incidents(write_ledger(tmp / "ledger_again.xlsx", restyled))
                    assert (again.added, again.already_present) == (0, len(incidents))
                    assert {m: services.month_results(m) for m in months} == results
                outcomes.append(results)
            finally:
                close_database()
    assert outcomes[0] == outcomes[1]
    # and the database agrees with pure scoring of the same roster and incidents
    for m in months:
        pure = Scenario(m, roster, DEFAULT_STANDARDS, tuple(incidents)).score()
        got = outcomes[0][m]
        assert [(w.code, w.total, w.categories, w.rank) for w in got.windows] == [
            (w.code, w.total, w.categories, w.rank) for w in pure.windows
        ]
        assert got.person_scores() == pure.person_scores()
