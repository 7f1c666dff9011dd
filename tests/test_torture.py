"""Torture (issue 9, item 9): `kill -9` of the real command line at random points of
import-incidents, close-month, reopen-month, backup, restore and export; a restore over
a leftover hot journal; two writers at once; a writer blocked past the busy timeout.

After every kill the file opens (`results --json` exits 0, and `check` when it exists),
passes PRAGMA integrity_check, and holds either the state before the command or the
state after it, nothing in between.

Bounded for CI (5 kills of each command, 30 in all, by default); more with
KAOPING_TORTURE_KILLS=500 (spread over the six commands). Kill delays are drawn from a
seeded generator; the seed is printed in the summary and in every failure (replay with
KAOPING_TORTURE_SEED=…; a failed trial's files, as the kill left them, are copied to
$TMPDIR/kaoping-torture-failures). Three kinds of moment (MODES): uniform over the
command's measured duration; uniform over the time from the start of its write to its
end; and inside a commit, while the database file is being overwritten (a kill there
leaves a hot journal). The counts are printed at the end (visible with -s) and in the
pytest terminal summary.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from torture_helpers import (
    APPLICATION_ID,
    BACKUP_MONTH,
    BIG_MONTH,
    CLOSED_HISTORY,
    OPEN_MONTH,
    History,
    Tally,
    Trigger,
    any_change,
    application_id,
    build_history,
    canonical,
    check_available,
    cli_argv,
    committing,
    content,
    entry_changed,
    hot_journal,
    integrity,
    journal_of,
    kill_after_first_commit,
    ledger_rows,
    results_json,
    run_and_kill,
    run_cli,
    same_content,
    start_cli,
)
from workbooks import write_ledger

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("KAOPING_TORTURE_SEED") or random.SystemRandom().randrange(2**32))
TOTAL_KILLS = int(os.environ.get("KAOPING_TORTURE_KILLS") or 30)
COMMANDS = ["import-incidents", "close-month", "reopen-month", "backup", "restore", "export"]
KILLS_PER_COMMAND = max(5, math.ceil(TOTAL_KILLS / len(COMMANDS)))
EXPORT_MONTH = CLOSED_HISTORY[-1]  # a closed month: the official sheets
TALLIES = {name: Tally() for name in COMMANDS}
NOTES: list[str] = []


def summary_lines() -> list[str]:
    kills = sum(t.kills for t in TALLIES.values())
    lines = [
        f"seed {SEED} (same delays again: KAOPING_TORTURE_SEED={SEED} KAOPING_TORTURE_KILLS={TOTAL_KILLS}); "
        f"{kills} kills in all, {KILLS_PER_COMMAND} wanted per command; "
        f"`check` {'used' if check_available() else 'not available yet, skipped'}"
    ]
    lines += [TALLIES[name].line(name) for name in COMMANDS if TALLIES[name].attempts]
    lines += NOTES
    return lines


class _Summary:
    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_sep("=", "torture: kill -9 counts")
        for line in summary_lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="module", autouse=True)
def torture_report(request):
    """Counts at the end of the run: printed (-s) and in pytest's terminal summary."""
    manager = request.config.pluginmanager
    if not manager.has_plugin("kaoping-torture-summary"):
        manager.register(_Summary(), "kaoping-torture-summary")
    print(f"\ntorture seed {SEED}")
    yield
    print("\n" + "\n".join(summary_lines()))


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    return build_history(tmp_path_factory.mktemp("history"))


# --- the six commands ----------------------------------------------------------------------


USB = "U盘 备份"


@dataclass(frozen=True)
class Scenario:
    name: str
    month: str  # whose `results --json` is compared with the references
    args: Callable[[Path, History], list]  # the arguments after `--db F`, given the trial folder
    began: Trigger  # its write has begun, seen in the trial folder (aims the "after its write began" kills)


SCENARIOS = {
    s.name: s
    for s in (
        Scenario("import-incidents", BIG_MONTH, lambda trial, h: ["import-incidents", h.big_ledger], journal_of("k.db")),
        Scenario("close-month", OPEN_MONTH, lambda trial, h: ["close-month", "--month", OPEN_MONTH], journal_of("k.db")),
        Scenario(
            "reopen-month",
            BACKUP_MONTH,
            lambda trial, h: ["reopen-month", "--month", BACKUP_MONTH, "--reason", "补录投诉"],
            journal_of("k.db"),
        ),
        Scenario("backup", OPEN_MONTH, lambda trial, h: ["backup", trial / USB], entry_changed(USB)),
        Scenario("restore", BACKUP_MONTH, lambda trial, h: ["restore", h.backup], any_change),
        Scenario(
            "export",
            EXPORT_MONTH,
            lambda trial, h: ["export", "--month", EXPORT_MONTH, "--pdf", trial / "评分表", "--xlsx", trial / "月度汇总.xlsx"],
            entry_changed("评分表"),
        ),
    )
}


def prepare(trial: Path, history: History) -> Path:
    trial.mkdir(parents=True)
    (trial / USB).mkdir()
    db = trial / "k.db"
    shutil.copyfile(history.base, db)
    return db


@dataclass
class Reference:
    before: dict  # canonical(base)
    after: dict  # canonical after an uninterrupted run
    before_content: dict  # content(): every column (restore: "the whole content")
    after_content: dict
    before_json: dict
    after_json: dict
    duration: float  # the uninterrupted run, start to exit
    write_span: float  # from its first write to exit
    pdfs: int  # export: files an uninterrupted run writes


_REFERENCES: dict[str, Reference] = {}
_BEFORE: dict[str, tuple] = {}


def _pristine(history: History, month: str, folder: Path) -> tuple[dict, dict, dict]:
    """canonical, content and `results --json` of the base, once per month."""
    if month not in _BEFORE:
        db = prepare(folder / f"pristine {month}", history)
        _BEFORE[month] = (canonical(db), content(db), results_json(db, month))
    return _BEFORE[month]


def reference(scenario: Scenario, history: History, folder: Path) -> Reference:
    """Run the command once without a kill: the state after it, and how long it takes.
    (That the canonical form keeps nothing run-dependent is checked by every kill that
    lands after the commit and every run that finishes first: they must equal "after".)"""
    if scenario.name in _REFERENCES:
        return _REFERENCES[scenario.name]
    before, before_content, before_json = _pristine(history, scenario.month, folder)
    trial = folder / "uninterrupted"
    db = prepare(trial, history)
    run = run_and_kill(cli_argv(db, *scenario.args(trial, history)), trial, None, scenario.began)
    assert run.returncode == 0 and not run.killed, f"{scenario.name} without a kill: {run.stderr}"
    assert run.first_write is not None, f"{scenario.name}: its write was not seen on disk"
    after, after_content, after_json = canonical(db), content(db), results_json(db, scenario.month)
    assert after != before or scenario.name in ("backup", "export"), f"{scenario.name} changed no data"
    if scenario.name == "restore":  # "equals the backup's" (the restore may log itself: same_content allows it)
        assert same_content(after_content, content(history.backup)), "an uninterrupted restore is not the backup"
        after_content = content(history.backup)
    pdfs = len(list((trial / "评分表").glob("*.pdf"))) if scenario.name == "export" else 0
    ref = Reference(
        before, after, before_content, after_content, before_json, after_json, run.elapsed, run.elapsed - run.first_write, pdfs
    )
    _REFERENCES[scenario.name] = ref
    NOTES.append(f"{scenario.name:<17} uninterrupted: {ref.duration:.2f} s, its write begins after {run.first_write:.2f} s")
    return ref


def _diff(found: dict, ref: Reference) -> str:
    def tables(a, b):
        return sorted(t for t in set(a) | set(b) if a.get(t) != b.get(t))

    return f"differs from before in {tables(found, ref.before)}, from after in {tables(found, ref.after)}"


def _temporary(path: Path) -> bool:
    name = path.name
    return name.startswith(".") or ".part" in name or name.endswith(("-journal", "-wal", "-shm")) or ".restoring" in name


def _kind_of(relative: Path) -> str:
    """A leftover's name without its time stamp or random part, to count alike ones together."""
    name = re.sub(r"\d{8}-\d{6}(-\d+)?", "*", str(relative))
    return re.sub(r"\.[A-Za-z0-9_]{8}\.part$", ".*.part", name)


def _pdf_pages(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def verify_after_kill(scenario: Scenario, trial: Path, db: Path, ref: Reference, killed: bool, where: str) -> str:
    """The file opens, is intact, and holds the state before or after; returns which."""
    done = run_cli(db, "results", "--month", scenario.month, "--json")  # the first to open it after the kill
    assert done.returncode == 0, f"{where}: the program cannot open its file: {done.stderr}"
    found_json = json.loads(done.stdout)
    # `check` reads only; it runs beside the checks below (the journal is already rolled back).
    checking = start_cli(db, "check") if check_available() else None
    try:
        outcome = _verify_file(scenario, trial, db, ref, killed, where, found_json)
    finally:
        if checking is not None:
            _out, err = checking.communicate(timeout=120)
    if checking is not None:
        assert checking.returncode == 0, f"{where}: `check` exited {checking.returncode}: {err.decode('utf-8')}"
    return outcome


def _verify_file(scenario, trial, db, ref, killed, where, found_json) -> str:
    tally = TALLIES[scenario.name]
    assert integrity(db) == "ok", f"{where}: integrity_check: {integrity(db)}"
    assert application_id(db) == APPLICATION_ID, where
    if scenario.name == "restore":
        found_content = content(db)
        outcome = (
            "before"
            if same_content(found_content, ref.before_content)
            else "after"
            if same_content(found_content, ref.after_content)
            else None
        )
        assert outcome, f"{where}: the restored file is neither the old file nor the backup"
    else:
        found = canonical(db)
        outcome = "before" if found == ref.before else "after" if found == ref.after else None
        assert outcome, f"{where}: the data is neither the state before nor after: {_diff(found, ref)}"
    assert killed or outcome == "after", f"{where}: exit 0, but the data is the state {outcome}"
    expected_json = ref.after_json if outcome == "after" else ref.before_json
    assert found_json == expected_json, f"{where}: `results` does not show the {outcome} state"

    own = {db.with_name(db.name + suffix) for suffix in ("-journal", "-wal", "-shm")}  # SQLite's, not left over
    for left in trial.rglob("*"):
        if left.is_file() and _temporary(left) and left not in own:
            tally.leftovers += 1
            tally.leftover_kinds[_kind_of(left.relative_to(trial))] += 1

    # Every other database the command left beside the file (automatic backups, the safety
    # copy of a restore) is a complete database of ours: before or after, never half.
    usb = trial / USB
    for copy in sorted(p for p in trial.rglob("*.db") if p != db and p.parent != usb and not _temporary(p)):
        assert integrity(copy) == "ok", f"{where}: {copy.name} (kept by the program) is damaged: {integrity(copy)}"
        assert application_id(copy) == APPLICATION_ID, f"{where}: {copy.name}"
        if scenario.name == "restore" and any(m in copy.name for m in ("恢复前", "before-restore")):
            assert same_content(content(copy), ref.before_content), f"{where}: the safety copy {copy.name} is not the old file"
            tally.safety_copies += 1
        else:
            assert canonical(copy) in (ref.before, ref.after), f"{where}: {copy.name} holds neither before nor after"
    for copy in trial.glob("k.db.before-restore-*"):  # the older name of the safety copy
        assert integrity(copy) == "ok", f"{where}: the safety copy {copy.name} is damaged: {integrity(copy)}"
        assert same_content(content(copy), ref.before_content), f"{where}: the safety copy {copy.name} is not the old file"
        tally.safety_copies += 1

    if scenario.name == "backup":
        written = sorted(p for p in usb.iterdir() if p.name.endswith(".db"))
        assert len(written) <= 1, f"{where}: {written}"
        for copy in written:  # a backup under its final name is complete and checked
            assert integrity(copy) == "ok", f"{where}: the backup {copy.name} is damaged: {integrity(copy)}"
            assert application_id(copy) == APPLICATION_ID, where
            assert canonical(copy) in (ref.before, ref.after), f"{where}: the backup does not hold the source's data"
    if scenario.name == "export":
        pdfs = sorted((trial / "评分表").glob("*.pdf")) if (trial / "评分表").exists() else []
        for pdf in pdfs:  # a sheet under its final name is a whole PDF
            assert _pdf_pages(pdf) >= 1, f"{where}: {pdf.name}"
        xlsx = trial / "月度汇总.xlsx"
        if xlsx.exists():
            from openpyxl import load_workbook

            load_workbook(xlsx, read_only=True).close()
        if not killed:
            assert len(pdfs) == ref.pdfs and xlsx.exists(), where
    return outcome


KEEP = Path(tempfile.gettempdir()) / "kaoping-torture-failures"  # a failed trial's files, for replay
# When the kill is sent: uniform over the whole run; uniform over the time from the start of
# its write (journal, automatic backup, .part file…) to its end; or within 2 ms of the moment
# a commit is overwriting the database file (its journal synced: a kill leaves it hot).
MODES = ("after start", "after its write began", "inside a commit")


@pytest.mark.parametrize("name", COMMANDS)
def test_kill_9_at_random_points_leaves_the_state_before_or_after(name, history, tmp_path):
    scenario = SCENARIOS[name]
    ref = reference(scenario, history, tmp_path / "reference")
    rng = random.Random(f"{SEED}:{name}")
    tally = TALLIES[name]
    started = time.monotonic()
    backup_hash = hashlib.sha256(history.backup.read_bytes()).hexdigest()
    # A trial's file is checked in a second thread while the next trial's command runs.
    checker = ThreadPoolExecutor(max_workers=1)
    pending = None

    def settle(trial_check):
        future, trial, raw, kept, killed = trial_check
        try:
            outcome = future.result()
        except AssertionError:
            shutil.copytree(raw, kept, dirs_exist_ok=True)  # as the kill left it (the trial folder: as checked)
            raise
        if killed:
            tally.outcomes[outcome] += 1
        shutil.rmtree(trial)  # passed: keep the disk small for KAOPING_TORTURE_KILLS=500
        shutil.rmtree(raw)

    try:
        for attempt in range(4 * KILLS_PER_COMMAND + 4):
            if tally.kills >= KILLS_PER_COMMAND:
                break
            trial = tmp_path / f"第{attempt}次"
            db = prepare(trial, history)
            mode = rng.choice(MODES)
            if mode == "after start":
                delay, trigger = rng.uniform(0, ref.duration), None
            elif mode == "after its write began":
                delay, trigger = rng.uniform(0, ref.write_span), scenario.began
            else:
                delay, trigger = rng.uniform(0, 0.002), committing("k.db")
            kept = KEEP / f"{SEED}-{name}-{attempt}"
            where = f"seed {SEED}, {name}, attempt {attempt}, kill {mode} +{delay * 1000:.1f} ms (files kept in {kept})"
            run = run_and_kill(cli_argv(db, *scenario.args(trial, history)), trial, delay, trigger)
            tally.attempts += 1
            raw = trial.with_name(trial.name + " 刚被杀")  # the files as the kill left them, for a replay
            shutil.copytree(trial, raw)
            if run.killed:
                tally.kills += 1
                tally.hot_journals += hot_journal(db)
            else:
                if run.returncode != 0:
                    shutil.copytree(raw, kept, dirs_exist_ok=True)
                assert run.returncode == 0, f"{where}: finished before the kill, exit {run.returncode}: {run.stderr}"
                tally.finished_first += 1
                if tally.finished_first > 1:  # the first such run is checked: spend the time on kills
                    shutil.rmtree(trial)
                    shutil.rmtree(raw)
                    continue
            if pending is not None:
                settle(pending)
            future = checker.submit(verify_after_kill, scenario, trial, db, ref, run.killed, where)
            pending = (future, trial, raw, kept, run.killed)
        if pending is not None:
            settle(pending)
    finally:
        checker.shutdown(wait=True)
        tally.seconds += time.monotonic() - started
    assert tally.kills >= KILLS_PER_COMMAND, f"seed {SEED}: only {tally.kills} kills of {name} in {tally.attempts} attempts"
    assert hashlib.sha256(history.backup.read_bytes()).hexdigest() == backup_hash, "restore changed the backup it read"


# --- restore over a leftover hot journal -----------------------------------------------------

KILLED_MID_TRANSACTION = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size = 1")  # spill to the file: the journal becomes hot
conn.execute("BEGIN IMMEDIATE")
for n in range(3000):
    conn.execute("INSERT INTO setting (key, value) VALUES (?, ?)", (f"junk-{n}", '"' + "x" * 200 + '"'))
conn.execute("UPDATE incident SET note = 'half-written' WHERE id % 2 = 0 AND date >= '2026-10-01'")
os.kill(os.getpid(), 9)
"""


def test_restore_over_a_leftover_hot_journal_gives_exactly_the_backup(history, tmp_path):
    db = tmp_path / "k.db"
    shutil.copyfile(history.base, db)
    old = content(db)
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_TRANSACTION, str(db)], timeout=60)
    assert killed.returncode == -9 and hot_journal(db)  # half-written pages in the file, "before" in the journal
    done = run_cli(db, "restore", history.backup)
    assert done.returncode == 0, done.stderr
    assert not hot_journal(db), "the old file's journal is beside the restored file"
    assert results_json(db, BACKUP_MONTH)["closed"] is False  # opened read-write: a stale journal would play now
    assert integrity(db) == "ok"
    assert same_content(content(db), content(history.backup)), "the restored file is not the backup"
    if check_available():
        checked = run_cli(db, "check")
        assert checked.returncode == 0, checked.stderr
    kept = [p for p in tmp_path.rglob("*") if p.is_file() and any(m in p.name for m in ("恢复前", "before-restore"))]
    kept = [p for p in kept if p.suffix == ".db" or "before-restore" in p.name]
    for copy in kept:  # the safety copy is the old file as it was before the killed write
        assert integrity(copy) == "ok", f"{copy.name}: {integrity(copy)}"
        assert same_content(content(copy), old), f"{copy.name} is not the old file"
    NOTES.append(f"restore over a hot journal: restored = backup; {len(kept)} safety copy checked")


# --- two writers at once ------------------------------------------------------------------------


def test_two_big_imports_and_a_close_at_once_all_go_in(history, tmp_path):
    """Three writers started together on a file with history: each waits its turn."""
    db = tmp_path / "k.db"
    shutil.copyfile(history.base, db)
    before = canonical(db)
    ledgers = [
        write_ledger(tmp_path / "十一月.xlsx", ledger_rows(BIG_MONTH, 2000, "甲")),
        write_ledger(tmp_path / "十二月.xlsx", ledger_rows("2026-12", 2000, "乙")),
    ]
    started = time.monotonic()
    procs = [start_cli(db, "import-incidents", f) for f in ledgers] + [start_cli(db, "close-month", "--month", OPEN_MONTH)]
    ended = []
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        ended.append(time.monotonic() - started)
        outcomes.append((p.returncode, err.decode("utf-8")))
    assert outcomes == [(0, ""), (0, ""), (0, "")]
    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    try:
        refs = {r[0] for r in conn.execute("SELECT reference FROM incident WHERE reference GLOB '[甲乙]-*'")}
        closed = conn.execute("SELECT closed FROM scoring_month WHERE month = ?", (OPEN_MONTH,)).fetchone()
        total = conn.execute("SELECT count(*) FROM incident").fetchone()[0]
    finally:
        conn.close()
    assert refs == {f"甲-{i}" for i in range(2000)} | {f"乙-{i}" for i in range(2000)}
    assert total == len(before["incident"]) + 4000
    assert closed == (1,)
    assert results_json(db, OPEN_MONTH)["closed"] is True
    assert len(results_json(db, "2026-12")["windows"]) > 0
    if check_available():
        checked = run_cli(db, "check")
        assert checked.returncode == 0, checked.stderr
    NOTES.append(f"three writers at once: all exit 0, ended after {', '.join(f'{t:.1f}' for t in ended)} s")


def test_a_writer_blocked_past_the_busy_timeout_fails_cleanly(history, tmp_path):
    """A third program holds the write lock (BEGIN IMMEDIATE) until both writers give up
    (about 5.5 s; released at 8 s at the latest): an import and a close wait the busy
    timeout (5 s), then exit 1 with one Chinese line, and write nothing."""
    db = tmp_path / "k.db"
    shutil.copyfile(history.base, db)
    small = write_ledger(tmp_path / "补录.xlsx", ledger_rows(BIG_MONTH, 20, "补录"))
    before = canonical(db)
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    writers_done = threading.Event()

    def hold_until_done():
        writers_done.wait(8)
        holder.execute("ROLLBACK")
        holder.close()

    started = time.monotonic()
    procs = [start_cli(db, "import-incidents", small), start_cli(db, "close-month", "--month", OPEN_MONTH)]
    releaser = threading.Thread(target=hold_until_done)
    releaser.start()
    try:
        results = []
        for p in procs:
            _out, err = p.communicate(timeout=60)
            results.append((p.returncode, err.decode("utf-8"), time.monotonic() - started))
    finally:
        writers_done.set()
        releaser.join()
    held = time.monotonic() - started
    for code, err, elapsed in results:
        assert code == 1, f"exit {code} after {elapsed:.1f} s: {err}"
        assert elapsed >= 4.5, f"gave up after {elapsed:.1f} s, before the 5 s busy timeout: {err}"
        lines = err.strip().splitlines()
        assert len(lines) == 1 and any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), err
        assert "文件已损坏" not in err and "Traceback" not in err and "Error" not in err, err
    assert canonical(db) == before  # nothing was written
    again = run_cli(db, "import-incidents", small)  # the lock is gone: the same import now goes in
    assert again.returncode == 0, again.stderr
    NOTES.append(
        f"writer blocked by BEGIN IMMEDIATE (held {held:.1f} s): exit "
        + ", ".join(f"{c} after {e:.1f} s" for c, _err, e in results)
        + f" — “{results[0][1].strip()}”"
    )


# --- a killed backup leaves no partial file for good -----------------------------------------------


def _kill_backup_while_partial(db: Path, usb: Path) -> bool:
    """Start a backup and SIGKILL it the moment its .part file shows; True if one was left."""
    proc = subprocess.Popen(cli_argv(db, "backup", usb), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None:
        if any(p.name.endswith(".part") and p.stat().st_size > 0 for p in usb.iterdir()):
            proc.kill()  # pages copied, not yet renamed
            break
    proc.wait()
    return proc.returncode == -9 and any(".part" in p for p in os.listdir(usb))


def _stick_with_a_killed_partial(history, tmp_path) -> tuple[Path, Path]:
    """A copy of the base and a stick holding what a backup killed mid-copy left."""
    db = tmp_path / "k.db"
    shutil.copyfile(history.base, db)
    usb = tmp_path / "U盘"
    usb.mkdir()
    for _ in range(10):
        if _kill_backup_while_partial(db, usb):
            return db, usb
        for p in usb.iterdir():
            p.unlink()
    pytest.fail("could not kill a backup while its .part file existed")


def test_the_next_backup_clears_what_a_killed_backup_left_on_the_stick(history, tmp_path):
    """A backup killed mid-copy cannot clean up after itself; the next backup into the folder
    must, or partial files pile up on the stick (issue 9: a 1 MB partial filled a small stick)."""
    db, usb = _stick_with_a_killed_partial(history, tmp_path)
    assert not list(usb.glob("*.db"))  # nothing under a final name
    time.sleep(1.1)  # the next backup's name differs (a same-second retry is the test below)
    done = run_cli(db, "backup", usb)
    assert done.returncode == 0, done.stderr
    (written,) = usb.glob("*.db")
    assert integrity(written) == "ok"
    assert sorted(p.name for p in usb.iterdir()) == [written.name], "a killed backup's partial files are still there"


def test_a_backup_retried_in_the_same_second_as_a_killed_one_goes_through(history, tmp_path):
    from datetime import datetime, timedelta

    db, usb = _stick_with_a_killed_partial(history, tmp_path)
    (partial,) = [p for p in usb.iterdir() if p.name.endswith(".part")]
    now = datetime.now()
    for second in range(6):  # the killed partial under the names of the next seconds: the retry meets one
        stamp = (now + timedelta(seconds=second)).strftime("%Y%m%d-%H%M%S")
        target = usb / f"kaoping-backup-{stamp}.db.part"
        if target != partial:
            shutil.copyfile(partial, target)
    done = run_cli(db, "backup", usb)
    assert done.returncode == 0, done.stderr
    (written,) = usb.glob("*.db")
    assert integrity(written) == "ok"


# --- commands that must commit in one step ---------------------------------------------


def _kill_between_commits(history: History, folder: Path, args: list, torn: Callable[[Path], str | None]) -> None:
    """Run the command on copies of the base, SIGKILL it right after its first commit, and
    fail if the file is left half-done (`torn` says how). Timing on a loaded machine can
    let the second commit through first: up to four tries."""
    kills = 0
    for attempt in range(8):
        trial = folder / f"try {attempt}"
        db = prepare(trial, history)
        if kill_after_first_commit(cli_argv(db, *[a(trial) if callable(a) else a for a in args]), db) != -9:
            continue
        kills += 1
        assert run_cli(db, "results", "--month", OPEN_MONTH, "--json").returncode == 0
        problem = torn(db)
        assert problem is None, problem
        if kills == 4:
            return
    assert kills, "the command always finished before the kill"


def _one(db: Path, sql: str, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_a_killed_export_registers_its_codes_and_logs_them_together(history, tmp_path):
    def torn(db):
        logged = _one(db, "SELECT id FROM audit_log WHERE action = '导出评分表' AND entity_id = ?", EXPORT_MONTH)
        registered = _one(db, "SELECT code FROM issued_document WHERE period = ?", EXPORT_MONTH)
        if bool(logged) != bool(registered):
            return f"export logged {logged}, {len(registered)} codes registered"

    args = ["export", "--month", EXPORT_MONTH, "--xlsx", lambda t: t / "月度汇总.xlsx"]  # no PDFs: quicker, same two commits
    _kill_between_commits(history, tmp_path, args, torn)
