-- Trace summaries (issues 19, 20): one row per trace and owner, maintained by the span writer in the same
-- transaction as the spans it inserts (dev.sluice.store.TraceSummaries), so trace search, the sessions list
-- and the Traces page read one row per trace instead of grouping raw spans.
--
-- owner: '*' sums every span of the trace (what admins not limited to a team see); '=' || team sums only
-- that team's spans ('=' alone: spans without a team). A team-limited reader compares owner exactly, so a
-- summary never includes a figure computed from another team's spans (issue 14, finding 6).
-- names, services: the trace's distinct span names and services, each between U+001F separators
-- (U+001F|a|U+001F|b|U+001F), at most 64 of each; what the name and service filters search.
-- day: PostgreSQL's partition key; here always the UTC day of start_ns (retention deletes by start_ns).
CREATE TABLE trace_summary (
    trace_id      TEXT NOT NULL,
    owner         TEXT NOT NULL,
    day           INTEGER NOT NULL,
    start_ns      INTEGER NOT NULL,
    end_ns        INTEGER NOT NULL,
    spans         INTEGER NOT NULL,
    errors        INTEGER NOT NULL,
    root_name     TEXT,
    root_service  TEXT,
    root_start_ns INTEGER,
    session_id    TEXT,
    model         TEXT,
    names         TEXT NOT NULL,
    services      TEXT NOT NULL,
    PRIMARY KEY (trace_id, owner)
);
CREATE INDEX trace_summary_start ON trace_summary (owner, start_ns, trace_id);
CREATE INDEX trace_summary_session ON trace_summary (owner, session_id, start_ns, trace_id) WHERE session_id IS NOT NULL;
CREATE INDEX trace_summary_errors ON trace_summary (owner, start_ns, trace_id) WHERE errors > 0;
-- retention deletes the rows of the day its cutoff falls in by start_ns
CREATE INDEX trace_summary_expiry ON trace_summary (start_ns);

-- Summaries of the spans already stored (as the writer would have made them).
WITH e AS (
    SELECT trace_id, '*' AS owner, start_ns, end_ns, status, parent_span_id, name, service, session_id, attributes
    FROM spans
    UNION ALL
    SELECT trace_id, '=' || COALESCE(team, ''), start_ns, end_ns, status, parent_span_id, name, service, session_id,
           attributes
    FROM spans
), n AS (
    SELECT trace_id, owner, char(31) || group_concat(v, char(31)) || char(31) AS l
    FROM (SELECT DISTINCT trace_id, owner, substr(replace(name, char(31), ' '), 1, 200) AS v FROM e)
    GROUP BY trace_id, owner
), sv AS (
    SELECT trace_id, owner, char(31) || group_concat(v, char(31)) || char(31) AS l
    FROM (SELECT DISTINCT trace_id, owner, substr(replace(service, char(31), ' '), 1, 200) AS v FROM e
          WHERE service IS NOT NULL)
    GROUP BY trace_id, owner
), g AS (
    SELECT trace_id, owner, MIN(start_ns) AS start_ns, MAX(end_ns) AS end_ns, COUNT(*) AS spans,
           SUM(status = 'error') AS errors,
           -- the earliest root's name and service, the earliest session: the value after a sortable start
           substr(MIN(printf('%020d', start_ns) || name) FILTER (WHERE parent_span_id IS NULL), 21) AS root_name,
           substr(MIN(printf('%020d', start_ns) || service) FILTER (WHERE parent_span_id IS NULL), 21) AS root_service,
           MIN(start_ns) FILTER (WHERE parent_span_id IS NULL) AS root_start_ns,
           substr(MIN(printf('%020d', start_ns) || session_id) FILTER (WHERE session_id IS NOT NULL), 21) AS session_id,
           substr(MIN(printf('%020d', start_ns) || substr(attributes, instr(attributes, '"gen_ai.request.model":"') + 24,
                      instr(substr(attributes, instr(attributes, '"gen_ai.request.model":"') + 24), '"') - 1))
                  FILTER (WHERE instr(attributes, '"gen_ai.request.model":"') > 0), 21) AS model
    FROM e GROUP BY trace_id, owner
)
INSERT INTO trace_summary (trace_id, owner, day, start_ns, end_ns, spans, errors, root_name, root_service,
                           root_start_ns, session_id, model, names, services)
SELECT g.trace_id, g.owner, g.start_ns - g.start_ns % 86400000000000, g.start_ns, g.end_ns, g.spans, g.errors,
       g.root_name, g.root_service, g.root_start_ns, g.session_id, NULLIF(g.model, ''), COALESCE(n.l, ''),
       COALESCE(sv.l, '')
FROM g LEFT JOIN n ON n.trace_id = g.trace_id AND n.owner = g.owner
       LEFT JOIN sv ON sv.trace_id = g.trace_id AND sv.owner = g.owner;
