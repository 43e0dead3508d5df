-- Trace search, sessions and trace ownership read trace_summary (V60) since this version; spans are read
-- only by trace id (a trace's waterfall: the primary key), by end user (erasure: spans_user) and by start
-- (retention: spans_start). These three indexes served the old span-grouping searches and cost every span
-- insert an index entry each (half the span writer's index work): dropped.
DROP INDEX IF EXISTS spans_session;
DROP INDEX IF EXISTS spans_team_start;
DROP INDEX IF EXISTS spans_request;
