-- 0003: scoring a month looks up the year's incidents of the few clauses that carry a
-- consequence (取消评优); by clause and date that is a short index range instead of a
-- walk over the whole year's rows.
CREATE INDEX incident_clause_date ON incident (clause_code, date);
