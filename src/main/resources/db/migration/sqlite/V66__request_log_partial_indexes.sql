-- The request log's indexes on columns most rows leave empty hold only the rows that fill them (partial), as
-- V59 did for spans_user: a request of a key without a team, with no end user, session, stored prompt or
-- experiment (the default) cost the request-log writer five index entries keyed by NULL that no reader uses,
-- six with tracing off (trace_id). Every reader filters these columns by equality (team = ?, end_user = ?,
-- session_id = ?, trace_id = ?, prompt = ?, experiment = ?), which implies IS NOT NULL, so the same indexes
-- still serve them (RequestLogIndexesTest). bench/README.md, session 9. On a large existing store each index
-- is rebuilt at this migration.
DROP INDEX IF EXISTS request_log_team_ts;
CREATE INDEX request_log_team_ts ON request_log (team, ts) WHERE team IS NOT NULL;
DROP INDEX IF EXISTS request_log_user_ts;
CREATE INDEX request_log_user_ts ON request_log (end_user, ts) WHERE end_user IS NOT NULL;
DROP INDEX IF EXISTS request_log_session;
CREATE INDEX request_log_session ON request_log (session_id) WHERE session_id IS NOT NULL;
DROP INDEX IF EXISTS request_log_trace;
CREATE INDEX request_log_trace ON request_log (trace_id) WHERE trace_id IS NOT NULL;
DROP INDEX IF EXISTS request_log_prompt;
CREATE INDEX request_log_prompt ON request_log (prompt, ts) WHERE prompt IS NOT NULL;
DROP INDEX IF EXISTS request_log_experiment;
CREATE INDEX request_log_experiment ON request_log (experiment, variant, experiment_window) WHERE experiment IS NOT NULL;
