-- Spans of every trace: the gateway's own (one root per request, a child per stage and per upstream
-- attempt) and those applications send to POST /v1/traces, so a RAG or agent request is one tree.
CREATE TABLE spans (
    trace_id       TEXT NOT NULL,             -- 32 hex characters
    span_id        TEXT NOT NULL,             -- 16 hex characters
    parent_span_id TEXT,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,             -- internal | server | client | producer | consumer
    start_ns       BIGINT NOT NULL,          -- epoch nanoseconds
    end_ns         BIGINT NOT NULL,
    status         TEXT NOT NULL,             -- unset | ok | error
    status_message TEXT,
    service        TEXT,                      -- the resource's service.name ("sluice" for the gateway)
    session_id     TEXT,                      -- x-sluice-session, or the span's session.id attribute
    request_id     TEXT,                      -- gateway spans: the request id
    end_user       TEXT,                      -- for erasure
    attributes     TEXT,                      -- JSON object
    events         TEXT,                      -- JSON array of {name, time_ns, attributes}
    PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX spans_start ON spans (start_ns);
CREATE INDEX spans_session ON spans (session_id);
CREATE INDEX spans_request ON spans (request_id);
CREATE INDEX spans_user ON spans (end_user);

-- Captured request and response bodies (per store.capture), redacted before they reach disk.
CREATE TABLE bodies (
    request_id TEXT PRIMARY KEY,
    ts         BIGINT NOT NULL,
    end_user   TEXT,
    request    TEXT,
    response   TEXT
);
CREATE INDEX bodies_ts ON bodies (ts);
CREATE INDEX bodies_user ON bodies (end_user);

-- Links from the request log to traces and sessions, and the request's tags.
ALTER TABLE request_log ADD COLUMN trace_id TEXT;
ALTER TABLE request_log ADD COLUMN session_id TEXT;
ALTER TABLE request_log ADD COLUMN tags TEXT;              -- JSON object: x-sluice-tags and metadata
CREATE INDEX request_log_trace ON request_log (trace_id);
CREATE INDEX request_log_session ON request_log (session_id);
