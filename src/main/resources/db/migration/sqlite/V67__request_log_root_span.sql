-- A gateway request's root span is stored as columns of its request-log row instead of a span row of its own
-- (dev.sluice.observe.RequestLogger, RequestLogSink): one row a request instead of two, and no span-table, primary-key
-- and start-index entries for it (bench/README.md, "Session 12: the root span in the request-log row"). The row's
-- trace_id, session_id, request_id, end_user and team are the span's; these columns hold the rest of it (the span
-- row's columns of the same names). Null: the row carries no span (tracing off, a root stored as its own span row,
-- rows from before this version, or expired by retention.spans while the row stays for retention.request_log).
-- Readers (SpanReader, TraceSummaries, Erasure) read spans from both places; span rows from before this version
-- read as before.
ALTER TABLE request_log ADD COLUMN span_id TEXT;
ALTER TABLE request_log ADD COLUMN span_parent TEXT;
ALTER TABLE request_log ADD COLUMN span_name TEXT;
ALTER TABLE request_log ADD COLUMN span_kind TEXT;
ALTER TABLE request_log ADD COLUMN span_start_ns INTEGER;
ALTER TABLE request_log ADD COLUMN span_end_ns INTEGER;
ALTER TABLE request_log ADD COLUMN span_status TEXT;
ALTER TABLE request_log ADD COLUMN span_status_message TEXT;
ALTER TABLE request_log ADD COLUMN span_service TEXT;
ALTER TABLE request_log ADD COLUMN span_attributes TEXT;
ALTER TABLE request_log ADD COLUMN span_events TEXT;
ALTER TABLE request_log ADD COLUMN span_stages TEXT;

-- How far a retention job has cleared (dev.sluice.store.Retention): 'request_log.spans' = the request-log rows
-- started before upto (epoch ms) carry no span any more. Rows from before this version carry none: the mark starts
-- a day before the newest of them, so the first run does not read the whole log.
CREATE TABLE expiry_marks (
    name TEXT PRIMARY KEY,
    upto INTEGER NOT NULL
);
INSERT INTO expiry_marks (name, upto) SELECT 'request_log.spans', COALESCE(MAX(ts) - 86400000, 0) FROM request_log;

-- Every span, wherever it is stored, for queries by hand (the gateway's readers query the two tables themselves).
CREATE VIEW spans_all AS
SELECT trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status, status_message, service, session_id,
       request_id, end_user, attributes, events, team, stages
FROM spans
UNION ALL
SELECT trace_id, span_id, span_parent, span_name, span_kind, span_start_ns, span_end_ns, span_status, span_status_message,
       span_service, session_id, request_id, end_user, span_attributes, span_events, team, span_stages
FROM request_log WHERE span_id IS NOT NULL;
