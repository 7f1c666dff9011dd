-- Canonical schema of the kaoping-desktop database (SQLite).
--
-- This file is the definition; the numbered migrations in
-- kaoping_desktop/store/migrations/ build exactly this schema from an empty
-- file (tests/test_schema.py compares the two, and the peewee models).
-- Dates are ISO text (YYYY-MM-DD), months YYYY-MM, points exact decimal text.

PRAGMA application_id = 1263551563;  -- 0x4B50444B, "KPDK"
PRAGMA user_version = 4;

CREATE TABLE service_window (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    department  TEXT NOT NULL,
    start_date  TEXT,
    end_date    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
);

CREATE TABLE person (
    id          INTEGER PRIMARY KEY,
    staff_no    TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE assignment (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES person (id) ON DELETE RESTRICT,
    window_id   INTEGER NOT NULL REFERENCES service_window (id) ON DELETE RESTRICT,
    role        TEXT NOT NULL CHECK (role IN ('首席代表', '窗口工作人员', '后台人员')),
    start_date  TEXT,
    end_date    TEXT,
    CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
);
CREATE INDEX assignment_person ON assignment (person_id);
CREATE INDEX assignment_window ON assignment (window_id);

CREATE TABLE standard (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL UNIQUE CHECK (kind IN ('window', 'staff')),
    name        TEXT NOT NULL
);

-- A version takes effect from its month on; closed months keep the one they used.
CREATE TABLE standard_version (
    id              INTEGER PRIMARY KEY,
    standard_id     INTEGER NOT NULL REFERENCES standard (id) ON DELETE RESTRICT,
    version         INTEGER NOT NULL,
    effective_month TEXT NOT NULL,
    name            TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    UNIQUE (standard_id, version)
);

CREATE TABLE category (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES standard_version (id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    points      TEXT NOT NULL,
    computed    INTEGER NOT NULL DEFAULT 0,
    sort_order  INTEGER NOT NULL,
    UNIQUE (version_id, code)
);

CREATE TABLE clause (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES standard_version (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES category (id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    text        TEXT NOT NULL,
    unit        TEXT NOT NULL DEFAULT '',
    points      TEXT NOT NULL DEFAULT '0',
    consequence TEXT,
    note        TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL,
    UNIQUE (version_id, code)
);

-- Deductions per variant; a clause without variants has one row with name ''.
CREATE TABLE clause_variant (
    id            INTEGER PRIMARY KEY,
    clause_id     INTEGER NOT NULL REFERENCES clause (id) ON DELETE CASCADE,
    name          TEXT NOT NULL DEFAULT '',
    window_points TEXT NOT NULL DEFAULT '0',
    chief_points  TEXT NOT NULL DEFAULT '0',
    person_points TEXT NOT NULL DEFAULT '0',
    sort_order    INTEGER NOT NULL,
    UNIQUE (clause_id, name)
);

CREATE TABLE evidence_type (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL UNIQUE
);

CREATE TABLE clause_evidence (
    id               INTEGER PRIMARY KEY,
    clause_id        INTEGER NOT NULL REFERENCES clause (id) ON DELETE CASCADE,
    evidence_type_id INTEGER NOT NULL REFERENCES evidence_type (id) ON DELETE RESTRICT,
    UNIQUE (clause_id, evidence_type_id)
);

CREATE TABLE incident (
    id               INTEGER PRIMARY KEY,
    date             TEXT NOT NULL,
    window_id        INTEGER NOT NULL REFERENCES service_window (id) ON DELETE RESTRICT,
    person_id        INTEGER REFERENCES person (id) ON DELETE RESTRICT,
    standard_kind    TEXT NOT NULL CHECK (standard_kind IN ('window', 'staff')),
    clause_code      TEXT NOT NULL,
    variant          TEXT NOT NULL DEFAULT '',
    count            INTEGER NOT NULL CHECK (count > 0),
    evidence_type_id INTEGER NOT NULL REFERENCES evidence_type (id) ON DELETE RESTRICT,
    reference        TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    voided           INTEGER NOT NULL DEFAULT 0,
    void_reason      TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX incident_date ON incident (date);
CREATE INDEX incident_window ON incident (window_id);
CREATE INDEX incident_clause_date ON incident (clause_code, date);

CREATE TABLE scoring_month (
    id             INTEGER PRIMARY KEY,
    month          TEXT NOT NULL UNIQUE,
    closed         INTEGER NOT NULL DEFAULT 0,
    closed_by      TEXT NOT NULL DEFAULT '',
    closed_at      TEXT,
    results_json   TEXT,
    window_version_id INTEGER REFERENCES standard_version (id) ON DELETE RESTRICT,
    staff_version_id  INTEGER REFERENCES standard_version (id) ON DELETE RESTRICT,
    reopened_at    TEXT,
    reopen_reason  TEXT NOT NULL DEFAULT '',
    snapshot_hash  TEXT NOT NULL DEFAULT ''  -- results + labels + incidents at closing; also in the audit chain
);
-- Closed months not yet sealed (asked on every open, without reading the stored results).
CREATE INDEX scoring_month_unsealed ON scoring_month (month) WHERE closed = 1 AND snapshot_hash = '';

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL DEFAULT '',
    entity_id   TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL DEFAULT '',  -- hash of the row before (the chain)
    hash        TEXT NOT NULL DEFAULT ''   -- hash of this row's content and prev_hash
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE setting (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);

-- A closed month cannot change by any path: the database itself refuses.
CREATE TRIGGER incident_insert_closed BEFORE INSERT ON incident
WHEN EXISTS (SELECT 1 FROM scoring_month WHERE closed = 1 AND month = substr(NEW.date, 1, 7))
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
END;

CREATE TRIGGER incident_update_closed BEFORE UPDATE ON incident
WHEN EXISTS (SELECT 1 FROM scoring_month WHERE closed = 1
             AND month IN (substr(OLD.date, 1, 7), substr(NEW.date, 1, 7)))
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
END;

CREATE TRIGGER incident_delete_closed BEFORE DELETE ON incident
WHEN EXISTS (SELECT 1 FROM scoring_month WHERE closed = 1 AND month = substr(OLD.date, 1, 7))
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
END;

-- A new catalogue version may not take effect in or before a closed month.
CREATE TRIGGER standard_version_insert_closed BEFORE INSERT ON standard_version
WHEN EXISTS (SELECT 1 FROM scoring_month WHERE closed = 1 AND month >= NEW.effective_month)
     AND EXISTS (SELECT 1 FROM standard_version WHERE standard_id = NEW.standard_id)
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
END;

-- A version used by a closed month is frozen.
CREATE TRIGGER clause_variant_update_closed BEFORE UPDATE ON clause_variant
WHEN EXISTS (SELECT 1 FROM scoring_month m JOIN clause c ON c.id = OLD.clause_id
             WHERE m.closed = 1 AND c.version_id IN (m.window_version_id, m.staff_version_id))
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
END;

CREATE TRIGGER clause_variant_delete_closed BEFORE DELETE ON clause_variant
WHEN EXISTS (SELECT 1 FROM scoring_month m JOIN clause c ON c.id = OLD.clause_id
             WHERE m.closed = 1 AND c.version_id IN (m.window_version_id, m.staff_version_id))
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
END;

CREATE TRIGGER category_update_closed BEFORE UPDATE ON category
WHEN EXISTS (SELECT 1 FROM scoring_month m
             WHERE m.closed = 1 AND OLD.version_id IN (m.window_version_id, m.staff_version_id))
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
END;

-- A closed month's stored results can only change by reopening it first.
CREATE TRIGGER scoring_month_snapshot_frozen BEFORE UPDATE OF results_json ON scoring_month
WHEN OLD.closed = 1 AND NEW.closed = 1
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
END;

-- A closed month's snapshot hash is set once (at closing, or when sealing a month closed
-- before version 2) and only changes by reopening.
CREATE TRIGGER scoring_month_hash_frozen BEFORE UPDATE OF snapshot_hash ON scoring_month
WHEN OLD.closed = 1 AND NEW.closed = 1 AND OLD.snapshot_hash != ''
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
END;

-- The audit log is append-only; printed documents are registered by their code (0002).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_append_only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_append_only');
END;

CREATE TABLE issued_document (
    code         TEXT PRIMARY KEY,
    document     TEXT NOT NULL,
    period       TEXT NOT NULL,
    window_code  TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    issued_at    TEXT NOT NULL
);

CREATE TRIGGER issued_document_no_update BEFORE UPDATE ON issued_document
BEGIN
    SELECT RAISE(ABORT, 'audit_append_only');
END;
