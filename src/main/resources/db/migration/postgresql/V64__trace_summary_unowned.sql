-- Spans without a team no longer get a summary row of their own (owner '='): no reader lists "no team"'s traces,
-- and the one question asked of those rows, whether a trace holds spans of no team (a key without a team may add
-- spans only to such traces), is answered by a count on the trace's '*' row. A gateway request of a key without
-- a team (the default) now writes one summary row instead of two (dev.sluice.store.TraceSummaries).
-- Carried forward: each '=' row's span count moves to its trace's '*' row of the same day (both are written by the
-- same batches); its other figures were the same spans' times, names and services, which the '*' row already sums
-- and the spans themselves still hold.
ALTER TABLE trace_summary ADD COLUMN unowned INTEGER NOT NULL DEFAULT 0;
UPDATE trace_summary s SET unowned = e.spans
FROM trace_summary e
WHERE s.owner = '*' AND e.owner = '=' AND e.trace_id = s.trace_id AND e.day = s.day;
DELETE FROM trace_summary WHERE owner = '=';
