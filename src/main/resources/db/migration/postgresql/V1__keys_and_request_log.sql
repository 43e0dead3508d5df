-- PostgreSQL twin of sqlite/V1: the same tables and columns, in PostgreSQL's types.
CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    secret_hash    TEXT NOT NULL UNIQUE,
    secret_hint    TEXT NOT NULL,
    team           TEXT,
    allowed_models TEXT,
    metadata       TEXT,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT,
    revoked_at     BIGINT
);

CREATE TABLE request_log (
    id             BIGSERIAL PRIMARY KEY,
    ts             BIGINT NOT NULL,
    request_id     TEXT NOT NULL,
    key_id         TEXT,
    end_user       TEXT,
    operation      TEXT NOT NULL,
    model          TEXT,
    provider       TEXT,
    upstream_model TEXT,
    stream         INTEGER NOT NULL,
    status         INTEGER NOT NULL,
    error_type     TEXT,
    tokens_in      INTEGER,
    tokens_out     INTEGER,
    ttft_ms        BIGINT,
    latency_ms     BIGINT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_log_ts ON request_log (ts);
CREATE INDEX request_log_request_id ON request_log (request_id);
CREATE INDEX request_log_key_ts ON request_log (key_id, ts);
