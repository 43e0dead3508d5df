-- Trace summaries (issues 19, 20): one row per trace and owner, maintained by the span writer in the same
-- transaction as the spans it inserts (dev.sluice.store.TraceSummaries), so trace search, the sessions list
-- and the Traces page read one row per trace instead of grouping raw spans.
--
-- owner: '*' sums every span of the trace (what admins not limited to a team see); '=' || team sums only
-- that team's spans ('=' alone: spans without a team). A team-limited reader compares owner exactly, so a
-- summary never includes a figure computed from another team's spans (issue 14, finding 6).
-- names, services: the trace's distinct span names and services, each between U+001F separators
-- (U+001F|a|U+001F|b|U+001F), at most 64 of each; what the name and service filters search.
-- day: the partition key, the UTC day (epoch ns at midnight) of the trace's start when its row was first
-- written; retention drops whole days like the spans' partitions (dev.sluice.store.Partitions).
CREATE TABLE trace_summary (
    trace_id      TEXT NOT NULL,
    owner         TEXT NOT NULL,
    day           BIGINT NOT NULL,
    start_ns      BIGINT NOT NULL,
    end_ns        BIGINT NOT NULL,
    spans         INTEGER NOT NULL,
    errors        INTEGER NOT NULL,
    root_name     TEXT,
    root_service  TEXT,
    root_start_ns BIGINT,
    session_id    TEXT,
    model         TEXT,
    names         TEXT NOT NULL,
    services      TEXT NOT NULL,
    PRIMARY KEY (trace_id, owner, day)
) PARTITION BY RANGE (day);
CREATE TABLE trace_summary_default PARTITION OF trace_summary DEFAULT;
CREATE INDEX trace_summary_start ON trace_summary (owner, start_ns, trace_id);
CREATE INDEX trace_summary_session ON trace_summary (owner, session_id, start_ns, trace_id) WHERE session_id IS NOT NULL;
CREATE INDEX trace_summary_errors ON trace_summary (owner, start_ns, trace_id) WHERE errors > 0;
-- retention deletes the rows of the day its cutoff falls in by start_ns
CREATE INDEX trace_summary_expiry ON trace_summary (start_ns);

-- The union of two separated lists, first-seen order, at most 64 entries (the upsert of a summary row).
CREATE OR REPLACE FUNCTION sluice_merge_list(a TEXT, b TEXT) RETURNS TEXT AS $$
    SELECT CASE
        WHEN b IS NULL OR b = '' OR a = b THEN a
        WHEN a IS NULL OR a = '' THEN b
        ELSE (SELECT COALESCE(chr(31) || string_agg(x, chr(31) ORDER BY o) || chr(31), '')
              FROM (SELECT x, MIN(o) AS o
                    FROM unnest(string_to_array(a || b, chr(31))) WITH ORDINALITY AS t(x, o)
                    WHERE x <> '' GROUP BY x ORDER BY MIN(o) LIMIT 64) u)
    END
$$ LANGUAGE sql IMMUTABLE;

-- The same day partitions the spans have (and yesterday to 7 days ahead).
DO $$
DECLARE
    p RECORD;
    d DATE;
BEGIN
    FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'spans'::regclass AND c.relname ~ '_p\d{8}$' LOOP
        PERFORM sluice_partition_day('trace_summary', to_date(substring(p.relname FROM '(\d{8})$'), 'YYYYMMDD'), TRUE);
    END LOOP;
    d := CURRENT_DATE - 1;
    WHILE d <= CURRENT_DATE + 7 LOOP
        IF to_regclass('trace_summary_p' || to_char(d, 'YYYYMMDD')) IS NULL THEN
            PERFORM sluice_partition_day('trace_summary', d, TRUE);
        END IF;
        d := d + 1;
    END LOOP;
END
$$;

-- Summaries of the spans already stored (as the writer would have made them).
INSERT INTO trace_summary (trace_id, owner, day, start_ns, end_ns, spans, errors, root_name, root_service, root_start_ns,
                           session_id, model, names, services)
SELECT trace_id, owner, MIN(start_ns) - MIN(start_ns) % 86400000000000, MIN(start_ns), MAX(end_ns), COUNT(*),
       COUNT(*) FILTER (WHERE status = 'error'),
       (array_agg(name ORDER BY start_ns) FILTER (WHERE parent_span_id IS NULL))[1],
       (array_agg(service ORDER BY start_ns) FILTER (WHERE parent_span_id IS NULL))[1],
       MIN(start_ns) FILTER (WHERE parent_span_id IS NULL),
       (array_agg(session_id ORDER BY start_ns) FILTER (WHERE session_id IS NOT NULL))[1],
       (array_agg(substring(attributes FROM '"gen_ai\.request\.model":"([^"\\]{1,200})"') ORDER BY start_ns)
            FILTER (WHERE attributes LIKE '%"gen_ai.request.model":"%'))[1],
       COALESCE(chr(31) || array_to_string((array_agg(DISTINCT left(replace(name, chr(31), ' '), 200)))[1:64], chr(31))
                || chr(31), ''),
       COALESCE(chr(31) || array_to_string((array_agg(DISTINCT left(replace(service, chr(31), ' '), 200))
                FILTER (WHERE service IS NOT NULL))[1:64], chr(31)) || chr(31), '')
FROM (SELECT s.*, o.owner FROM spans s
      CROSS JOIN LATERAL (VALUES ('*'), ('=' || COALESCE(s.team, ''))) AS o(owner)) x
GROUP BY trace_id, owner;
