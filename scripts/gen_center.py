"""A realistic county service center, generated through the application's own code (for benchmarks).

    .venv/bin/python scripts/gen_center.py                 # 10 years of history -> cached file
    .venv/bin/python scripts/gen_center.py --quick         # 1 year of history, 2,000-incident open month
    .venv/bin/python scripts/gen_center.py --years 3       # shorter history
    .venv/bin/python scripts/gen_center.py --out my.db     # also copy the result there
    .venv/bin/python scripts/gen_center.py --rebuild       # ignore the cache

The center: 120 windows (8 of them opened between 2018 and 2022), 800 people
(one chief and 4-6 window staff per window, some back office), chiefs
succeeded and staff moved between windows or replaced over the years. Every
history month from 2016-11 to 2026-09 holds about 3,000 incidents and is
closed with services.close_month; the open month 2026-10 holds 10,000.
Incidents use the clause codes and variants of the default standards: window
clauses (some with a person), staff clauses (P...) with a person assigned to
the window that day, and a few 6.4 (取消评优) incidents a year.

Everything is seeded, so a build is the same on every machine. The file is
cached in ~/.cache/kaoping-bench (KAOPING_BENCH_CACHE overrides), keyed by
VERSION, the schema version and the size; later runs reuse it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from kaoping_desktop import services  # noqa: E402
from kaoping_desktop.domain.calendar import add_months, month_bounds  # noqa: E402
from kaoping_desktop.domain.incidents import Incident  # noqa: E402
from kaoping_desktop.domain.roster import BACK_OFFICE, CHIEF, WINDOW_STAFF, Assignment, Person, Window  # noqa: E402
from kaoping_desktop.domain.standards import DISQUALIFY_YEAR, OTHER_EVIDENCE, STAFF, WINDOW  # noqa: E402
from kaoping_desktop.store import catalogue, repository  # noqa: E402
from kaoping_desktop.store.database import close_database, latest_version, open_database  # noqa: E402
from kaoping_desktop.store.models import database  # noqa: E402

VERSION = 3  # bump whenever the generated data change: the cache key
OPEN_MONTH = "2026-10"
N_WINDOWS = 120
N_PEOPLE = 800
SEED = 20161101


@dataclass(frozen=True)
class Spec:
    years: int = 10  # history + open month span the years: 10 → 2016-11 … 2026-09 closed, 2026-10 open
    per_month: int = 3_000  # incidents in each history month (±10 %)
    open_incidents: int = 10_000

    @property
    def first_month(self) -> str:
        return add_months(OPEN_MONTH, 1 - 12 * self.years)

    @property
    def history(self) -> list[str]:
        """The closed months, oldest first (12 × years − 1 of them)."""
        return [add_months(self.first_month, n) for n in range(12 * self.years - 1)]

    def file_name_at(self, schema: int) -> str:
        size = "" if (self.years, self.per_month, self.open_incidents) == (10, 3_000, 10_000) else (
            f"-y{self.years}-m{self.per_month}-o{self.open_incidents}"
        )
        return f"center-v{VERSION}-s{schema}{size}.db"

    @property
    def file_name(self) -> str:
        return self.file_name_at(latest_version())


FULL = Spec()
QUICK = Spec(years=1, open_incidents=2_000)


def cache_dir() -> Path:
    return Path(os.environ.get("KAOPING_BENCH_CACHE") or Path.home() / ".cache" / "kaoping-bench")


# --- names ---------------------------------------------------------------------------

TOPICS = [
    ("不动产登记", "县自然资源局"), ("税务综合", "县税务局"), ("社保经办", "县人力资源和社会保障局"),
    ("医保服务", "县医疗保障局"), ("公积金", "县住房公积金管理中心"), ("企业开办", "县市场监督管理局"),
    ("户政", "县公安局"), ("出入境", "县公安局"), ("车驾管", "县公安局交通管理大队"),
    ("婚姻登记", "县民政局"), ("就业创业", "县人力资源和社会保障局"), ("建设审批", "县住房和城乡建设局"),
    ("交通运输", "县交通运输局"), ("卫生健康", "县卫生健康局"), ("教育服务", "县教育局"),
    ("生态环境", "市生态环境局县分局"), ("水利", "县水利局"), ("农业农村", "县农业农村局"),
    ("文化旅游", "县文化广电和旅游局"), ("商务", "县商务局"), ("发展改革", "县发展和改革局"),
    ("财政", "县财政局"), ("公证法援", "县司法局"), ("残疾人服务", "县残疾人联合会"),
    ("烟草专卖", "县烟草专卖局"), ("供电", "国网县供电公司"), ("供水", "县自来水公司"),
    ("燃气", "县燃气公司"), ("通信", "县电信分公司"), ("退役军人", "县退役军人事务局"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建林波宁斌东晨欣怡婷颖浩宇博文雪梅琳倩丹飞鑫亮健凯俊峰海燕佳慧"


def window_rows(rng: random.Random) -> list[Window]:
    counts: dict[str, int] = defaultdict(int)
    windows = []
    late = {113 + i: d for i, d in enumerate(
        [date(2018, 3, 1), date(2018, 9, 1), date(2019, 5, 16), date(2020, 1, 1),
         date(2020, 7, 1), date(2021, 4, 1), date(2021, 11, 1), date(2022, 7, 15)]
    )}
    for n in range(1, N_WINDOWS + 1):
        topic, dept = TOPICS[(n - 1) % len(TOPICS)]
        counts[topic] += 1
        name = f"{topic}{'一二三四五六七八'[counts[topic] - 1]}号窗口"
        windows.append(Window(f"W{n:03d}", name, dept, late.get(n), None))
    return windows


class Roster:
    """People and dated assignments, built in date order so every window always has one chief."""

    def __init__(self, rng: random.Random, windows: list[Window]):
        self.rng = rng
        self.windows = windows
        self.people: list[Person] = []
        self.assignments: dict[str, list[Assignment]] = defaultdict(list)
        self._names: set[str] = set()

    def new_person(self) -> str:
        pid = f"{100001 + len(self.people)}"
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            if name not in self._names:
                break
        self._names.add(name)
        phone = f"13{self.rng.randrange(10**9):09d}"
        self.people.append(Person(pid, name, phone))
        return pid

    def assign(self, pid: str, code: str, role: str, start: date | None, end: date | None = None) -> None:
        self.assignments[pid].append(Assignment(pid, code, role, start, end))

    def open_ones(self, code: str, role: str, before: date) -> list[tuple[str, int]]:
        """(person, index) of open-ended assignments of that window and role started before the day."""
        out = []
        for pid, items in self.assignments.items():
            for i, a in enumerate(items):
                if a.window_code == code and a.role == role and a.end is None and (a.start is None or a.start < before):
                    out.append((pid, i))
        return sorted(out)

    def end(self, pid: str, index: int, day: date) -> None:
        a = self.assignments[pid][index]
        self.assignments[pid][index] = Assignment(a.person_id, a.window_code, a.role, a.start, day)

    def in_service(self, day: date) -> list[Window]:
        return [w for w in self.windows if w.in_service_on(day)]


def build_roster(rng: random.Random) -> Roster:
    windows = window_rows(rng)
    r = Roster(rng, windows)
    for w in windows:
        r.assign(r.new_person(), w.code, CHIEF, w.start)
        for _ in range(rng.choice((4, 4, 5, 5, 5, 6))):
            r.assign(r.new_person(), w.code, WINDOW_STAFF, w.start)

    # Changes over the years, applied in date order.
    lo, hi = date(2017, 1, 1).toordinal(), date(2026, 8, 31).toordinal()
    events = sorted(
        [(date.fromordinal(rng.randint(lo, hi)), kind) for kind, n in (("chief", 25), ("move", 60), ("leave", 35)) for _ in range(n)]
    )
    succeeded: set[str] = set()
    for day, kind in events:
        nxt = day + timedelta(days=1)
        live = [w for w in r.in_service(day) if w.start is None or w.start < day]
        if kind == "chief":
            candidates = [w for w in live if w.code not in succeeded]
            w = rng.choice(candidates)
            succeeded.add(w.code)
            (old, oi), = r.open_ones(w.code, CHIEF, day)
            r.end(old, oi, day)
            # The successor is window staff elsewhere: a move and a promotion; the donor window hires.
            donor = rng.choice([x for x in live if x.code != w.code and len(r.open_ones(x.code, WINDOW_STAFF, day)) >= 3])
            pid, pi = rng.choice(r.open_ones(donor.code, WINDOW_STAFF, day))
            r.end(pid, pi, day)
            r.assign(pid, w.code, CHIEF, nxt)
            r.assign(r.new_person(), donor.code, WINDOW_STAFF, nxt)
            if rng.random() < 0.5:  # the old chief stays on, in the back office of another window
                r.assign(old, rng.choice(live).code, BACK_OFFICE, nxt)
        elif kind == "move":
            a = rng.choice([x for x in live if len(r.open_ones(x.code, WINDOW_STAFF, day)) >= 4])
            b = rng.choice([x for x in live if x.code != a.code])
            pid, pi = rng.choice(r.open_ones(a.code, WINDOW_STAFF, day))
            r.end(pid, pi, day)
            r.assign(pid, b.code, WINDOW_STAFF, nxt)
        else:  # someone leaves; a new hire takes the place the next day
            a = rng.choice(live)
            pid, pi = rng.choice(r.open_ones(a.code, WINDOW_STAFF, day))
            r.end(pid, pi, day)
            r.assign(r.new_person(), a.code, WINDOW_STAFF, nxt)

    # The rest of the 800 work in the back office, most since before the history began.
    spare = N_PEOPLE - len(r.people)
    if spare < 10:
        raise SystemExit(f"roster too large: only {spare} back-office places left")
    for _ in range(spare):
        w = rng.choice(windows)
        start = w.start if w.start else (None if rng.random() < 0.7 else date(rng.randint(2017, 2025), rng.randint(1, 12), 1))
        r.assign(r.new_person(), w.code, BACK_OFFICE, start)
    return r


def store_roster(r: Roster) -> None:
    with database.atomic():
        for w in r.windows:
            repository.upsert_window(w)
        for p in r.people:
            repository.upsert_person(p)
            repository.replace_assignments(p.id, r.assignments[p.id])


# --- incidents ----------------------------------------------------------------------


class IncidentMaker:
    def __init__(self, rng: random.Random, roster: Roster):
        self.rng = rng
        self.standards = catalogue.load_standard_set()
        self.kinds = {c.code: s.kind for s in self.standards.versions for c in s.clauses}
        self.windows = roster.windows
        # Some windows are troubled, most are not: skewed weights, fixed for all years.
        self.weights = [rng.paretovariate(1.3) for _ in self.windows]
        self.by_window: dict[str, list[Assignment]] = defaultdict(list)
        for items in roster.assignments.values():
            for a in items:
                self.by_window[a.window_code].append(a)
        self.serial = 0

    def _people_on(self, code: str, day: date) -> list[Assignment]:
        return [a for a in self.by_window[code] if a.covers(day)]

    def month(self, month: str, count: int) -> list[Incident]:
        rng = self.rng
        first, last = month_bounds(month)
        window_std = self.standards.for_month(WINDOW, month)
        staff_std = self.standards.for_month(STAFF, month)
        window_clauses = [c for c in window_std.incident_clauses() if c.consequence != DISQUALIFY_YEAR]
        disqualifying = [c for c in window_std.incident_clauses() if c.consequence == DISQUALIFY_YEAR]
        staff_clauses = staff_std.incident_clauses()
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        workdays = [d for d in days if d.weekday() < 5]
        out: list[Incident] = []

        def make(clause, code, day, person):
            variant = rng.choice(clause.variants).name
            evidence = rng.choice(clause.evidence_codes)
            reference = ""
            if rng.random() < 0.03:
                evidence, reference = OTHER_EVIDENCE, f"中心巡查记录 {day:%Y%m%d}-{rng.randrange(1, 99):02d}"
            elif rng.random() < 0.3:
                self.serial += 1
                reference = f"督办单 {day.year}-{self.serial % 100000:05d}"
            note = "已当场整改" if rng.random() < 0.05 else ""
            count = rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 3))
            return Incident(day, code, clause.code, count, evidence, variant, person, reference, note)

        def pick_window_day():
            while True:
                w = rng.choices(self.windows, self.weights)[0]
                day = rng.choice(workdays if rng.random() < 0.95 else days)
                if w.in_service_on(day):
                    return w.code, day

        for n in range(count):
            code, day = pick_window_day()
            present = self._people_on(code, day)
            if rng.random() < 0.45 and present:
                person = rng.choice(present).person_id
                out.append(make(rng.choice(staff_clauses), code, day, person))
            else:
                person = rng.choice(present).person_id if present and rng.random() < 0.2 else None
                out.append(make(rng.choice(window_clauses), code, day, person))
        # 6.4 (取消评优): rare, a handful a year.
        for _ in range(rng.choices((0, 1, 2), (60, 30, 10))[0]):
            code, day = pick_window_day()
            out[rng.randrange(len(out))] = make(rng.choice(disqualifying), code, day, None)
        out.sort(key=lambda i: i.date)  # the ledger is kept in date order
        return out

    def insert(self, incidents: list[Incident]) -> None:
        with database.atomic():
            repository.insert_incidents(incidents, self.kinds)


# --- building and caching ------------------------------------------------------------


def _set(key: str, value: str) -> None:
    """A keyed setting through the settings service (falls back to the store for older code)."""
    try:
        from kaoping_desktop.services import settings as settings_service

        settings_service.set_value(key, value)
    except (ImportError, AttributeError):
        stored = {"center-name": "center_name", "first-month": "first_month", "operator": "operator"}[key]
        repository.set_setting(stored, value)


def build(path: Path, spec: Spec = FULL, log=print) -> dict:
    """Build the center into a new file `path`; returns timings in seconds."""
    if path.exists():
        raise FileExistsError(path)
    rng = random.Random(SEED)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    services.open_app_database(path)
    try:
        _set("center-name", "示例县政务服务中心")
        _set("operator", "基准测试")
        _set("first-month", spec.first_month)
        roster = build_roster(rng)
        store_roster(roster)
        timings["roster"] = time.perf_counter() - t0
        log(f"  roster: {len(roster.windows)} windows, {len(roster.people)} people, "
            f"{sum(len(a) for a in roster.assignments.values())} assignments ({timings['roster']:.1f} s)")

        maker = IncidentMaker(rng, roster)
        insert_s = close_s = 0.0
        n_total = 0
        for i, month in enumerate(spec.history):
            incidents = maker.month(month, round(spec.per_month * rng.uniform(0.9, 1.1)))
            t = time.perf_counter()
            maker.insert(incidents)
            insert_s += time.perf_counter() - t
            t = time.perf_counter()
            services.close_month(month, keep_copy=False)  # no automatic backup per generated month
            close_s += time.perf_counter() - t
            n_total += len(incidents)
            if (i + 1) % 12 == 0 or i + 1 == len(spec.history):
                log(f"  {month}: {n_total:,} incidents, {i + 1} months closed "
                    f"(insert {insert_s:.1f} s, close {close_s:.1f} s, total {time.perf_counter() - t0:.1f} s)")
        incidents = maker.month(OPEN_MONTH, spec.open_incidents)
        t = time.perf_counter()
        maker.insert(incidents)
        insert_s += time.perf_counter() - t
        timings.update(insert=insert_s, close=close_s, months_closed=len(spec.history),
                       incidents=n_total + len(incidents))
        database.obj.execute_sql("ANALYZE")
    finally:
        close_database()
    timings["total"] = time.perf_counter() - t0
    return timings


def ensure_center(spec: Spec = FULL, rebuild: bool = False, log=print) -> Path:
    """The cached center for `spec`, built first if needed."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / spec.file_name
    if path.exists() and not rebuild:
        log(f"center: cached {path} ({path.stat().st_size / 1e6:.0f} MB)")
        return path
    tmp = path.with_name(path.name + f".building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    older = [folder / spec.file_name_at(n) for n in range(latest_version() - 1, 0, -1)]
    older = [p for p in older if p.exists()]
    if older and not rebuild:
        # The same data at an older schema: upgraded by the program's own migrations, as a
        # clerk's file would be (minutes saved over building it again).
        log(f"center: upgrading {older[0].name} to schema {latest_version()} …")
        shutil.copyfile(older[0], tmp)
        tmp.chmod(0o644)
        try:
            open_database(tmp)
            close_database()
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, path)
        path.chmod(0o444)
        return path
    log(f"center: building {path.name} ({len(spec.history)} closed months {spec.history[0]} … {spec.history[-1]}, "
        f"{spec.open_incidents:,} incidents in {OPEN_MONTH}) …")
    try:
        timings = build(tmp, spec, log)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if path.exists():
        path.chmod(0o644)
        path.unlink()
    os.replace(tmp, path)  # an interrupted build never leaves a half-built cache
    path.chmod(0o444)  # read-only: runs work on copies, and nothing changes the cache by mistake
    log(f"center: built in {timings['total']:.1f} s (roster {timings['roster']:.1f} s, insert {timings['insert']:.1f} s, "
        f"closing {timings['months_closed']} months {timings['close']:.1f} s); "
        f"{timings['incidents']:,} incidents, {path.stat().st_size / 1e6:.0f} MB")
    return path


def copy_center(dest: Path, spec: Spec = FULL, log=print) -> Path:
    """A private copy of the cached center that a benchmark may change."""
    source = ensure_center(spec, log=log)
    shutil.copyfile(source, dest)
    return dest


def spec_from_args(quick: bool, years: int | None) -> Spec:
    base = QUICK if quick else FULL
    return base if years is None else Spec(years=years, per_month=base.per_month, open_incidents=base.open_incidents)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 year of history, 2,000 incidents in the open month")
    parser.add_argument("--years", type=int, help="years of closed history (default 10, quick 1)")
    parser.add_argument("--rebuild", action="store_true", help="build again even if cached")
    parser.add_argument("--out", type=Path, help="copy the center to this file")
    args = parser.parse_args(argv)
    spec = spec_from_args(args.quick, args.years)
    path = ensure_center(spec, rebuild=args.rebuild)
    if args.out:
        shutil.copyfile(path, args.out)
        print(f"copied to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
