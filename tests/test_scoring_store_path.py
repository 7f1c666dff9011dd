"""The store's summed month (SQL GROUP BY, consequence clauses only) scores exactly like the
domain scoring of every incident object: the fast path changes no figure."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kaoping_desktop import services
from kaoping_desktop.services import incidents as incident_service
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.domain.scoring import score_month
from kaoping_desktop.store import catalogue, repository
from store_builders import add_incidents


def test_store_path_equals_domain_scoring_of_all_incidents(db):
    rng = random.Random(7)
    standards = catalogue.load_standard_set()
    clauses = [(c, v) for s in standards.versions for c in s.incident_clauses() for v in c.variants]
    for n in range(1, 6):
        code = f"W{n:02d}"
        repository.upsert_window(Window(code, f"窗口{n}", "部门"))
        # The chief changes mid-October in two windows; staff come and go.
        chiefs = [Assignment(f"{n}001", code, CHIEF, None, date(2026, 10, 14) if n <= 2 else None)]
        if n <= 2:
            chiefs.append(Assignment(f"{n}009", code, CHIEF, date(2026, 10, 15), None))
        for a in chiefs:
            repository.upsert_person(Person(a.person_id, f"首席{a.person_id}"))
            repository.replace_assignments(a.person_id, [a])
        for k in range(2, 5):
            pid = f"{n}00{k}"
            repository.upsert_person(Person(pid, f"人员{pid}"))
            repository.replace_assignments(pid, [Assignment(pid, code, WINDOW_STAFF, date(2026, 1, 1) + timedelta(days=40 * k), None)])
    _, _, assignments = repository.load_roster()
    incidents = []
    for _ in range(400):
        day = date(2026, rng.randint(8, 10), rng.randint(1, 28))
        clause, variant = rng.choice(clauses)
        window = f"W{rng.randint(1, 5):02d}"
        person = None
        on_duty = [a.person_id for a in assignments if a.window_code == window and a.covers(day)]
        if clause.code.startswith("P") or rng.random() < 0.3:
            if not on_duty:
                continue
            person = rng.choice(on_duty)
        evidence = clause.evidence_codes[0] if clause.evidence_codes else "E99"
        incidents.append(Incident(day, window, clause.code, rng.randint(1, 3), evidence, variant.name, person, "依据"))
    add_incidents(incidents)
    stored = repository.load_incidents()
    incident_service.void_incident(stored[3].id, "录错")
    windows, people, assignments = repository.load_roster()
    year = [i for i in repository.load_incidents() if i.date.year == 2026]
    for month in ("2026-08", "2026-09", "2026-10"):
        expected = score_month(month, windows, people, assignments, year, standards, repository.scoring_settings())
        assert services.compute_month(month) == expected, month
    # The scenario exercises what the fast path must get right.
    october = services.compute_month("2026-10")
    assert any(w.disqualified for w in october.windows)
    assert any(p.chief_share for p in october.people if p.person_id.endswith("009"))
