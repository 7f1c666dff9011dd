"""月度结果 computed off the GUI thread and cached by (month, data version).

A month's results come in three parts, each delivered as soon as it is ready:

  FIGURES  the ranking and people (services.month_results), lock status, category names
  DETAILS  the month's incidents by window, the verification code
  CHART    every evaluated month's window totals through the year, for the chart;
           closed months are results, open ones drafts (scoring.md "The year")

One worker thread computes them in that order; a request for another key makes
the running job stop at its next part, so flipping through months never queues
up work. The receiver checks the key of what arrives against the state it shows
and drops anything stale. peewee keeps one SQLite connection per thread, so each
job runs inside `in_worker_connection`.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal

from .. import services
from ..domain.scoring import MonthResult
from ..domain.standards import WINDOW
from ..services import catalogue as rules
from ..services import incidents as incident_service
from ..services import settings as settings_service
from ..services.desktop import in_worker_connection
from .results_models import Prepared, prepare_people, prepare_ranking

FIGURES, DETAILS, CHART = "figures", "details", "chart"
PARTS = (FIGURES, DETAILS, CHART)

Key = tuple  # (month, data version)


@dataclass(frozen=True)
class Figures:
    month: str
    evaluated: bool  # False before the first evaluated month: 未纳入考评, no figures
    first_month: str | None
    result: MonthResult | None
    status: dict = field(default_factory=dict)
    category_names: dict = field(default_factory=dict)
    ranking: Prepared | None = None  # the tables' strings, prepared here, not on the GUI thread
    people: Prepared | None = None


@dataclass(frozen=True)
class Details:
    incidents: dict  # window code -> that window's non-voided incidents (table rows)
    verification_code: str


class ChartPoint(NamedTuple):
    month: int  # 1..12
    total: Fraction
    draft: bool  # the month is open: a draft, not a result


@dataclass(frozen=True)
class Chart:
    year: int
    totals: dict  # "YYYY-MM" -> {window code: total}; evaluated months up to the shown month
    # "YYYY-MM" -> (closed_at, totals) of the closed months among them: official results that
    # stay valid across data versions until the month is reopened (or closed again).
    closed: dict = field(default_factory=dict)
    drafts: frozenset = frozenset()  # the open months among `totals`

    def points(self, code: str) -> list[ChartPoint]:
        return [
            ChartPoint(int(m[5:7]), t[code], m in self.drafts) for m, t in sorted(self.totals.items()) if code in t
        ]


# --- the work itself (no Qt; also usable from scripts) ---------------------------------


def compute_figures(month: str) -> Figures:
    first = settings_service.first_month()
    if first is not None and month < first:
        return Figures(month, False, first, None)
    result = services.month_results(month)
    names = {c.code: c.name for c in rules.standard_set().for_month(WINDOW, month).categories}
    return Figures(
        month, True, first, result, services.month_status(month), names,
        prepare_ranking(result, names), prepare_people(result.people),
    )


def compute_details(figures: Figures, stale: Callable[[], bool] = lambda: False) -> Details | None:
    """The month's incidents by window and the summary's code; None when `stale()` says
    nobody wants them any more (checked between the two: a month switch waits for less)."""
    if not figures.evaluated:
        return Details({}, "")
    by_window: dict[str, list] = {}
    for row in incident_service.month_incidents(figures.month, include_voided=False):
        by_window.setdefault(row.window_code, []).append(row)
    if stale():
        return None
    result = figures.result
    code = services.month_verification_code(figures.month, result) if result.windows else ""
    return Details(by_window, code)


def window_totals(result: MonthResult) -> dict[str, Fraction]:
    return {w.code: w.total for w in result.windows}


def compute_chart(
    figures: Figures,
    known: dict[str, dict] | None = None,
    stale: Callable[[], bool] = lambda: False,
    closed_known: dict[str, tuple] | None = None,
    known_drafts: frozenset = frozenset(),
) -> Chart | None:
    """The year's totals up to the shown month, open months marked as drafts. Reused:
    `known` months and which of them were open (`known_drafts`, same data version) and
    `closed_known` closed months (same closing). None when `stale()` says nobody wants
    the answer any more."""
    month = figures.month
    year = int(month[:4])
    if not figures.evaluated:
        return Chart(year, {})
    known, closed_known = known or {}, closed_known or {}
    totals: dict[str, dict] = {}
    closed: dict[str, tuple] = {}
    drafts: set[str] = set()
    for m in range(1, int(month[5:7]) + 1):
        key = f"{year:04d}-{m:02d}"
        if figures.first_month is not None and key < figures.first_month:
            continue
        if key == month:
            totals[key] = window_totals(figures.result)
            if not figures.result.closed:
                drafts.add(key)
            continue
        if key in known:
            totals[key] = known[key]
            if key in known_drafts:
                drafts.add(key)
            continue
        if stale():
            return None
        status = services.month_status(key)
        stamp = status.get("closed_at") if status.get("closed") else None
        if stamp is not None and closed_known.get(key, (None,))[0] == stamp:
            totals[key] = closed_known[key][1]  # reading the snapshot again would give the same
        else:
            totals[key] = window_totals(services.month_results(key))
        if stamp is not None:
            closed[key] = (stamp, totals[key])
        else:
            drafts.add(key)
    return Chart(year, totals, closed, frozenset(drafts))


# --- running it off the GUI thread -----------------------------------------------------


class _Relay(QObject):
    """Hands the worker's answers to the GUI thread.

    Answers go through a Python queue and only a bare `wake` signal crosses the
    thread, so no Python object rides in Qt's queued events; the GUI thread
    drains the queue in order.
    """

    wake = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.answers: queue.SimpleQueue = queue.SimpleQueue()

    def send(self, *answer) -> None:  # worker thread
        self.answers.put(answer)
        self.wake.emit()

    def part(self, key, part: str, payload) -> None:
        self.send("part", key, part, payload)

    def failed(self, key, message: str) -> None:
        self.send("failed", key, message)

    def done(self, key) -> None:
        self.send("done", key)


class _Job:
    """One request, run in its own Python thread (its lifetime is Python's alone)."""

    def __init__(self, key: Key, have: dict, known: tuple[dict, dict, frozenset], relay: _Relay, stale: Callable[[], bool]):
        self.key, self.have, self.relay, self.stale = key, have, relay, stale
        self.known, self.closed_known, self.known_drafts = known
        # Set by the GUI once it has shown the figures: until then the worker keeps the GIL
        # free, so filling and painting the tables is not slowed by the next part.
        self.resume = threading.Event()

    def run(self) -> None:
        try:
            in_worker_connection(self._work)
        except Exception as exc:  # noqa: BLE001 - shown in the tab, never lost
            self.relay.failed(self.key, str(exc) or type(exc).__name__)
        finally:
            self.relay.done(self.key)

    def _work(self) -> None:
        month = self.key[0]
        figures = self.have.get(FIGURES)
        if figures is None:
            figures = compute_figures(month)
            self.relay.part(self.key, FIGURES, figures)
            self.resume.wait(2.0)
        if self.stale():
            return
        if DETAILS not in self.have:
            details = compute_details(figures, self.stale)
            if details is None:
                return
            self.relay.part(self.key, DETAILS, details)
        if self.stale():
            return
        if CHART not in self.have:
            chart = compute_chart(figures, self.known, self.stale, self.closed_known, self.known_drafts)
            if chart is not None:
                self.relay.part(self.key, CHART, chart)


class ResultsLoader(QObject):
    """Asks for (month, version); answers with `ready(key, part, payload)` from cache or worker."""

    ready = Signal(object, str, object)
    failed = Signal(object, str)
    idle = Signal()

    CACHE_SIZE = 8  # months of the current data version; a busy month holds 10,000 incident rows

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._cache: OrderedDict[Key, dict] = OrderedDict()
        self._totals: dict[str, dict] = {}  # month -> window totals, valid for _totals_version
        self._drafts: frozenset = frozenset()  # the open months among them
        self._totals_version = None
        self._closed_totals: dict[str, tuple] = {}  # month -> (closed_at, totals), any version
        self._wanted: Key | None = None
        self._running: Key | None = None
        self._thread: threading.Thread | None = None
        self._job: _Job | None = None
        self._relay = _Relay(self)
        self._relay.wake.connect(self._drain)

    # -- asking -----------------------------------------------------------------------

    def cached(self, key: Key) -> dict:
        """The parts already known for `key` (possibly none)."""
        parts = self._cache.get(key)
        if parts is not None:
            self._cache.move_to_end(key)
        return dict(parts or {})

    def complete(self, key: Key) -> bool:
        return all(p in self._cache.get(key, {}) for p in PARTS)

    def request(self, key: Key) -> None:
        """Compute what is missing for `key`; a running job for another key stops early."""
        self._wanted = key
        if self.complete(key) or self._running == key:
            return
        if self._running is None:
            self._start(key)
        elif self._job is not None:
            self._job.resume.set()  # a job waiting after its figures: let it see it is stale

    def busy(self) -> bool:
        return self._running is not None

    def clear(self) -> None:
        """Forget every cached answer (data changed behind the version's back)."""
        self._cache.clear()
        self._totals.clear()
        self._drafts = frozenset()
        self._totals_version = None
        self._closed_totals.clear()

    def stop(self, msecs: int = -1) -> bool:
        """Stop wanting anything and wait for the worker (before a restore, at exit)."""
        self._wanted = None
        if self._job is not None:
            self._job.resume.set()
        thread = self._thread
        if thread is not None:
            thread.join(None if msecs < 0 else msecs / 1000)
            return not thread.is_alive()
        return True

    # -- running ----------------------------------------------------------------------

    def _start(self, key: Key) -> None:
        self._running = key
        same = self._totals_version == key[1]
        known = dict(self._totals) if same else {}
        known_parts = (known, dict(self._closed_totals), self._drafts if same else frozenset())
        job = self._job = _Job(key, self.cached(key), known_parts, self._relay, lambda: self._wanted != key)
        self._thread = threading.Thread(target=job.run, name="kaoping-results", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        """GUI thread: everything the worker sent so far, in order."""
        while True:
            try:
                kind, *args = self._relay.answers.get_nowait()
            except queue.Empty:
                return
            if kind == "part":
                self._on_part(*args)
            elif kind == "failed":
                self.failed.emit(*args)
            else:
                self._on_done(*args)

    def _on_part(self, key: Key, part: str, payload) -> None:
        # Versions only grow: answers for an older one are never asked for again, and
        # keeping them would only make every garbage collection longer.
        if any(k[1] > key[1] for k in self._cache):
            return  # a late answer of a job overtaken by a change: nobody will ask for it
        for old in [k for k in self._cache if k[1] < key[1]]:
            del self._cache[old]
        self._cache.setdefault(key, {})[part] = payload
        self._cache.move_to_end(key)
        while len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)
        if part == CHART:
            if self._totals_version != key[1]:
                self._totals, self._drafts, self._totals_version = {}, frozenset(), key[1]
            self._totals.update(payload.totals)
            self._drafts = (self._drafts - payload.totals.keys()) | payload.drafts
            self._closed_totals.update(payload.closed)
        self.ready.emit(key, part, payload)
        if part == FIGURES:
            # The receiver calls resume() once it has painted the figures; this is the fallback.
            QTimer.singleShot(300, self, self.resume)

    def resume(self) -> None:
        """Let the worker go on to the next parts (it waits after the figures, see _Job)."""
        if self._job is not None:
            self._job.resume.set()

    def _on_done(self, key: Key) -> None:
        self._running, self._job = None, None
        wanted = self._wanted
        if wanted is not None and wanted != key and not self.complete(wanted):
            self._start(wanted)
        else:
            self.idle.emit()
