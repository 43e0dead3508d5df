-- PostgreSQL twin of sqlite/V40.
-- Silent model changes: the model (and optionally system fingerprint) each deployment was last seen answering with,
-- shared by every gateway on the store, and one row per change any of them confirmed.
CREATE TABLE deployment_models (
    deployment  TEXT PRIMARY KEY,          -- provider/upstream model, e.g. openai/gpt-4o
    model       TEXT NOT NULL,             -- the model name its answers carry (gen_ai.response.model)
    fingerprint TEXT NOT NULL DEFAULT '',  -- system_fingerprint when tracked, else ''
    since       BIGINT NOT NULL           -- epoch millis
);

CREATE TABLE model_changes (
    id               BIGSERIAL PRIMARY KEY,
    ts               BIGINT NOT NULL,     -- epoch millis when the change was confirmed
    deployment       TEXT NOT NULL,
    provider         TEXT NOT NULL,
    upstream_model   TEXT NOT NULL,
    from_model       TEXT NOT NULL,
    from_fingerprint TEXT NOT NULL,
    to_model         TEXT NOT NULL,
    to_fingerprint   TEXT NOT NULL
);
CREATE INDEX model_changes_ts ON model_changes (ts);
