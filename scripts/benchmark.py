"""Benchmark (not a test): how the month's work scales with a large roster and ledger.

    .venv/bin/python scripts/benchmark.py            # 60 windows, 400 people, 10,000 incidents
    .venv/bin/python scripts/benchmark.py --quick    # 20 windows, 120 people, 1,000 incidents

Builds a temporary database through the real services and store (as
tests/store_builders.py does), then times, each as the median of several runs:

  * inserting the month's incidents (one transaction)
  * loading the month's incidents, and the year's (what scoring reads)
  * scoring the month (services.compute_month)
  * the `results --json` output (results_json + json.dumps)
  * month_results of the same month once closed (read from the stored snapshot)

Seconds depend on the machine, so every figure is also given as a ratio against
baselines measured in the same process on the same database:

  base-score  scoring a month of the same roster with only 100 incidents
  base-sql    a plain sqlite3 loop: one `SELECT * FROM incident WHERE id = ?` per
              incident of the big month (raw storage speed of this machine)

No Qt is imported.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from kaoping_desktop import services  # noqa: E402
from kaoping_desktop.domain.calendar import month_bounds  # noqa: E402
from kaoping_desktop.domain.incidents import Incident  # noqa: E402
from kaoping_desktop.domain.results_io import results_json  # noqa: E402
from kaoping_desktop.domain.roster import BACK_OFFICE, CHIEF, WINDOW_STAFF, Assignment, Person, Window  # noqa: E402
from kaoping_desktop.domain.standards import STAFF, WINDOW  # noqa: E402
from kaoping_desktop.store import catalogue, repository  # noqa: E402
from kaoping_desktop.store.database import close_database  # noqa: E402
from kaoping_desktop.store.models import database  # noqa: E402

MONTH = "2026-10"  # the big month
BASE_MONTH = "2026-09"  # the baseline month: same roster, 100 incidents
BASE_INCIDENTS = 100


# --- building the database ---------------------------------------------------


def build_roster(n_windows: int, n_people: int) -> dict[str, dict[str, list[str]]]:
    """Windows W001.., people 100001..; each window gets one chief, then staff and back office.

    Returns window code -> {"chief": [...], "staff": [...], "back": [...]}.
    """
    if n_people < n_windows:
        raise SystemExit("need at least one person per window (the chief)")
    rng = random.Random(7)
    who: dict[str, dict[str, list[str]]] = {}
    with database.atomic():
        codes = [f"W{i:03d}" for i in range(1, n_windows + 1)]
        for i, code in enumerate(codes):
            repository.upsert_window(Window(code, f"测试窗口{i + 1}", f"县第{i % 17 + 1}局"))
            who[code] = {"chief": [], "staff": [], "back": []}
        for n in range(n_people):
            pid = str(100001 + n)
            repository.upsert_person(Person(pid, f"人员{n + 1}", f"138{n:08d}"))
            if n < n_windows:
                code, role, key = codes[n], CHIEF, "chief"
            else:
                code = codes[rng.randrange(n_windows)]
                role, key = (BACK_OFFICE, "back") if rng.random() < 0.15 else (WINDOW_STAFF, "staff")
            repository.replace_assignments(pid, [Assignment(pid, code, role)])
            who[code][key].append(pid)
    return who


def make_incidents(month: str, count: int, who, rng: random.Random) -> list[Incident]:
    """`count` valid incidents in `month`: window clauses (2/3) and personal clauses (1/3)."""
    standards = catalogue.load_standard_set()
    window_clauses = [
        c for c in standards.for_month(WINDOW, month).incident_clauses() if c.consequence != "disqualify_year"
    ]
    staff_clauses = standards.for_month(STAFF, month).incident_clauses()
    first, last = month_bounds(month)
    days = (last - first).days + 1
    codes = sorted(who)
    out = []
    for n in range(count):
        code = rng.choice(codes)
        day = date.fromordinal(first.toordinal() + rng.randrange(days))
        people = who[code]["chief"] + who[code]["staff"] + who[code]["back"]
        if n % 3 == 2:
            clause = rng.choice(staff_clauses)
            person = rng.choice(people)
        else:
            clause = rng.choice(window_clauses)
            person = rng.choice(people) if rng.random() < 0.2 else None
        variant = rng.choice(clause.variants).name
        out.append(
            Incident(
                date=day,
                window_code=code,
                clause_code=clause.code,
                count=rng.choice((1, 1, 1, 2, 3)),
                evidence_code=rng.choice(clause.evidence_codes),
                variant=variant,
                person_id=person,
                reference=f"BENCH-{month}-{n:05d}",
            )
        )
    return out


def clause_kinds() -> dict[str, str]:
    kinds = {}
    for std in catalogue.load_standard_set().versions:
        for clause in std.clauses:
            kinds[clause.code] = std.kind
    return kinds


def insert(incidents: list[Incident], kinds: dict[str, str]) -> None:
    with database.atomic():
        repository.insert_incidents(incidents, kinds)


# --- timing ------------------------------------------------------------------


def median_time(fn, repeat: int) -> float:
    fn()  # warm-up (caches, page cache)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def once(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run: 20 windows, 120 people, 1,000 incidents")
    parser.add_argument("--windows", type=int)
    parser.add_argument("--people", type=int)
    parser.add_argument("--incidents", type=int)
    parser.add_argument("--repeat", type=int, help="timed runs per figure (median is shown)")
    parser.add_argument("--db", type=Path, help="build the database here and keep it (default: a temp file)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    args = parser.parse_args(argv)

    n_windows = args.windows or (20 if args.quick else 60)
    n_people = args.people or (120 if args.quick else 400)
    n_incidents = args.incidents or (1_000 if args.quick else 10_000)
    repeat = args.repeat or (3 if args.quick else 5)

    with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if path.exists():
            raise SystemExit(f"{path} exists; give a new file")
        return run(path, n_windows, n_people, n_incidents, repeat, args.json)


def run(path: Path, n_windows: int, n_people: int, n_incidents: int, repeat: int, as_json: bool) -> int:
    rng = random.Random(2026)
    t0 = time.perf_counter()
    services.open_app_database(path)
    who = build_roster(n_windows, n_people)
    kinds = clause_kinds()
    build_roster_s = time.perf_counter() - t0

    base_incidents = make_incidents(BASE_MONTH, BASE_INCIDENTS, who, rng)
    big_incidents = make_incidents(MONTH, n_incidents, who, rng)
    insert(base_incidents, kinds)
    insert_s = once(lambda: insert(big_incidents, kinds))

    first, last = month_bounds(MONTH)

    # Baselines.
    base_score_s = median_time(lambda: services.compute_month(BASE_MONTH), repeat)
    ids = [r[0] for r in database.obj.execute_sql("SELECT id FROM incident WHERE date >= ?", (first.isoformat(),))]

    def sql_loop():
        conn = sqlite3.connect(path)
        try:
            for i in ids:
                conn.execute("SELECT * FROM incident WHERE id = ?", (i,)).fetchone()
        finally:
            conn.close()

    base_sql_s = median_time(sql_loop, repeat)

    # Figures.
    result = services.compute_month(MONTH)
    assert len(result.windows) == n_windows, (len(result.windows), n_windows)
    loaded = repository.load_incidents(first, last)
    assert len(loaded) == n_incidents, (len(loaded), n_incidents)

    figures: list[tuple[str, float]] = [
        (f"insert {n_incidents:,} incidents (1 transaction)", insert_s),
        (f"load the month's {n_incidents:,} incidents", median_time(lambda: repository.load_incidents(first, last), repeat)),
        ("load the year's incidents (Jan..month)", median_time(lambda: repository.load_year_incidents(MONTH), repeat)),
        ("score the month (compute_month)", median_time(lambda: services.compute_month(MONTH), repeat)),
        (
            "results --json output (results_json+dumps)",
            median_time(lambda: json.dumps(results_json(result), ensure_ascii=False, indent=2), repeat),
        ),
    ]
    close_s = once(lambda: services.close_month(MONTH))
    figures.append(("close the month (score + snapshot)", close_s))
    figures.append(("month_results, closed month (snapshot)", median_time(lambda: services.month_results(MONTH), repeat)))
    close_database()

    size = f"{n_windows} windows, {n_people} people, {n_incidents:,} incidents in {MONTH}"
    if as_json:
        print(
            json.dumps(
                {
                    "data": size,
                    "repeat": repeat,
                    "build_roster_s": build_roster_s,
                    "baselines_s": {"base-score": base_score_s, "base-sql": base_sql_s},
                    "figures": [
                        {"name": n, "seconds": s, "x_base_score": s / base_score_s, "x_base_sql": s / base_sql_s}
                        for n, s in figures
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0

    print(f"data: {size}; median of {repeat} runs (insert and close: 1 run)")
    print(f"roster built in {build_roster_s:.2f} s")
    print(f"base-score = score {BASE_MONTH} ({BASE_INCIDENTS} incidents, same roster): {base_score_s * 1000:9.1f} ms")
    print(f"base-sql   = {len(ids):,} single-row sqlite3 selects:                 {base_sql_s * 1000:9.1f} ms")
    print()
    width = max(len(n) for n, _ in figures)
    print(f"{'figure':<{width}}  {'ms':>9}  {'x base-score':>12}  {'x base-sql':>10}")
    print("-" * (width + 39))
    for name, seconds in figures:
        print(f"{name:<{width}}  {seconds * 1000:9.1f}  {seconds / base_score_s:12.2f}  {seconds / base_sql_s:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
