-- User feedback and scores on answered requests (POST /v1/feedback), linked to the request and its trace.
CREATE TABLE feedback (
    id          TEXT PRIMARY KEY,          -- fb_...
    ts          INTEGER NOT NULL,          -- epoch milliseconds when it was received
    request_id  TEXT NOT NULL,             -- the rated request
    trace_id    TEXT,                      -- its trace
    key_id      TEXT,                      -- the rated request's virtual key
    team        TEXT,                      -- the rated request's team
    model       TEXT,                      -- the rated request's public model
    name        TEXT NOT NULL,             -- e.g. thumbs, helpfulness, category
    kind        TEXT NOT NULL,             -- thumbs | boolean | number | category
    value_num   REAL,                      -- number: the score; thumbs/boolean: 1 (up/true) or 0 (down/false)
    value_text  TEXT,                      -- thumbs: up/down; boolean: true/false; category: the category
    sentiment   TEXT NOT NULL,             -- positive | negative | neutral (numbers and categories)
    comment     TEXT,
    end_user    TEXT,                      -- who gave it (or the rated request's user); for erasure
    rated_by    TEXT                       -- the key that sent the feedback
);
CREATE INDEX feedback_ts ON feedback (ts);
CREATE INDEX feedback_request ON feedback (request_id);
CREATE INDEX feedback_trace ON feedback (trace_id);
CREATE INDEX feedback_user ON feedback (end_user);
CREATE INDEX feedback_team_ts ON feedback (team, ts);
