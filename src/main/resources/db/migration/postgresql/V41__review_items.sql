-- PostgreSQL twin of sqlite/V41.
-- The review queue (issue 18): answers with negative feedback or a failed online evaluator score, for an admin to
-- label (correct | incorrect | harmful, with a comment) and turn into evaluation test cases.
CREATE TABLE review_items (
    id          TEXT PRIMARY KEY,          -- rv_...
    ts          BIGINT NOT NULL,           -- epoch millis when it was queued
    request_id  TEXT NOT NULL,             -- the answered request
    trace_id    TEXT,
    key_id      TEXT,                      -- the request's virtual key
    team        TEXT NOT NULL DEFAULT '',  -- the request's team ('' for none, so the unique key holds without a team)
    model       TEXT,                      -- the public model
    prompt      TEXT,                      -- the stored prompt as name@version, when the request used one
    reason      TEXT NOT NULL,             -- what queued it, e.g. feedback:thumbs down, eval:valid-json 0.00
    score       DOUBLE PRECISION,          -- the score that queued it (thumbs/boolean: 0)
    status      TEXT NOT NULL DEFAULT 'open',  -- open | labelled
    label       TEXT,                      -- correct | incorrect | harmful
    comment     TEXT,
    labelled_by TEXT,                      -- the admin key that labelled it
    labelled_at BIGINT                     -- epoch millis
);
-- one request is queued once, however many bad scores it gets
CREATE UNIQUE INDEX review_items_request ON review_items (team, request_id);
CREATE INDEX review_items_status_ts ON review_items (status, ts);
