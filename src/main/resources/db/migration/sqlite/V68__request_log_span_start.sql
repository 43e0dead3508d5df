-- A gateway-only trace (its only spans one request-log row's root and the stages folded into it) has no
-- trace_summary row any more (dev.sluice.store.TraceSummaries.addStored): the trace list, sessions and the ownership
-- check read such traces from their log row, newest first by the root's start (dev.sluice.store.SpanReader), through
-- this index. Rows already stored keep their summary rows and read from them as before (a trace with a summary row is
-- never read from its log rows). bench/README.md, "Session 15: gateway-only traces without a summary row".
-- The start alone (no trace id: an entry a third the size; ties on the nanosecond are ordered by the few rows they hold).
CREATE INDEX request_log_span_start ON request_log (span_start_ns) WHERE span_id IS NOT NULL;
-- The errors=true search among them: the log rows whose root failed (a gateway-only trace has an error only there).
CREATE INDEX request_log_span_errors ON request_log (span_start_ns) WHERE span_id IS NOT NULL AND span_status = 'error';
-- A team-limited reader's list of them: the team's log rows newest first, without sorting all of the team's rows.
CREATE INDEX request_log_team_span_start ON request_log (team, span_start_ns) WHERE span_id IS NOT NULL;
