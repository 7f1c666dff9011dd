-- 0004: every open asks whether a closed month is still unsealed (closed before 0002).
-- snapshot_hash lies after results_json in each row, so answering from the table read
-- every closed month's stored results (7 ms on ten years); this index holds the answer.
CREATE INDEX scoring_month_unsealed ON scoring_month (month) WHERE closed = 1 AND snapshot_hash = '';
