-- 0002: a signed month must be provably what was signed.
-- The audit log becomes append-only and hash-chained (the program fills prev_hash
-- and hash; rows written before this version stay unchained and are sealed by the
-- first chained row). A closed month keeps the hash of its snapshot (results, the
-- labels it was printed with and its incidents), which is also written into the chain.
-- Every document printed or exported is registered by its verification code.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_append_only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_append_only');
END;

ALTER TABLE scoring_month ADD COLUMN snapshot_hash TEXT NOT NULL DEFAULT '';

-- A closed month's snapshot hash is set once (at closing, or when sealing a month closed
-- before version 2) and only changes by reopening.
CREATE TRIGGER scoring_month_hash_frozen BEFORE UPDATE OF snapshot_hash ON scoring_month
WHEN OLD.closed = 1 AND NEW.closed = 1 AND OLD.snapshot_hash != ''
BEGIN
    SELECT RAISE(ABORT, 'month_closed');
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
