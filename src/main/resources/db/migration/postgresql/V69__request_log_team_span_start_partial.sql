-- request_log_team_span_start (V68) serves a team-limited reader's list of gateway-only traces (team = ?, newest
-- first by the root's start). It held an entry for every log row carrying a root, including those of keys without a
-- team (the default), keyed by a NULL team no reader looks up: one B-tree entry a request for nothing. Every reader
-- of it filters team = ?, which implies team IS NOT NULL, so the narrower index still serves them
-- (RequestLogIndexesTest). bench/README.md, "Session 18: the store writer". On a large existing store the index is
-- rebuilt at this migration.
DROP INDEX IF EXISTS request_log_team_span_start;
CREATE INDEX request_log_team_span_start ON request_log (team, span_start_ns) WHERE span_id IS NOT NULL AND team IS NOT NULL;
