-- Virtual API keys. The secret itself is never stored: only its SHA-256 and its last 4 characters.
CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,          -- public id, e.g. key_8f3k2m9q1z
    name           TEXT NOT NULL,
    secret_hash    TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the whole secret
    secret_hint    TEXT NOT NULL,             -- last 4 characters, for humans
    team           TEXT,
    allowed_models TEXT,                      -- JSON array; NULL = every model
    metadata       TEXT,                      -- JSON object
    created_at     INTEGER NOT NULL,          -- epoch millis
    expires_at     INTEGER,
    revoked_at     INTEGER
);

-- One row per request the gateway answered, written asynchronously in batches.
CREATE TABLE request_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    ts             INTEGER NOT NULL,          -- epoch millis when the request arrived
    request_id     TEXT NOT NULL,
    key_id         TEXT,
    end_user       TEXT,
    operation      TEXT NOT NULL,             -- chat | embeddings
    model          TEXT,                      -- public model name requested
    provider       TEXT,
    upstream_model TEXT,
    stream         INTEGER NOT NULL,
    status         INTEGER NOT NULL,
    error_type     TEXT,
    tokens_in      INTEGER,
    tokens_out     INTEGER,
    ttft_ms        INTEGER,
    latency_ms     INTEGER NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_log_ts ON request_log (ts);
CREATE INDEX request_log_request_id ON request_log (request_id);
CREATE INDEX request_log_key_ts ON request_log (key_id, ts);
