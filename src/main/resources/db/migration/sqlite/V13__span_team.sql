-- The team a span belongs to, compared exactly by team-limited readers (trace search, sessions,
-- one trace) and never derived from attribute text: the sending key's team for spans sent to
-- POST /v1/traces, the caller's for the gateway's root span, whose stage and attempt spans inherit
-- it. NULL for keys without a team and with auth off. Spans stored before this column existed have
-- none, so only admin keys not limited to a team see them (they age out with retention.spans).
ALTER TABLE spans ADD COLUMN team TEXT;
CREATE INDEX spans_team_start ON spans (team, start_ns);
