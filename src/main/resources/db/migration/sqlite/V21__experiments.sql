-- Experiments on prompt versions and models: A/B splits, canary rollouts and shadow traffic. One row
-- each, shared by every gateway instance on the store.
CREATE TABLE experiments (
    id          TEXT PRIMARY KEY,          -- ab_..., ro_..., sh_...
    kind        TEXT NOT NULL,             -- ab | canary | shadow
    subject     TEXT NOT NULL,             -- prompt:NAME or model:NAME
    status      TEXT NOT NULL,             -- running | paused | promoted | rolled_back | aborted | stopped
    definition  TEXT NOT NULL,             -- JSON: the variants, the rollout plan or the shadow config
    state       TEXT,                      -- JSON: where a rollout is (step, window, last verdict); shadow spend
    revision    INTEGER NOT NULL,          -- +1 on every write; a write names the revision it read
    lease_owner TEXT,                      -- the instance that drives it (canary steps), while its lease lasts
    lease_until INTEGER,                   -- epoch ms; after it, any instance may take the lease
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX experiments_subject ON experiments (subject, status);
CREATE INDEX experiments_status ON experiments (status);
-- At most one running or paused split (A/B or canary) per subject; shadows may run beside one.
CREATE UNIQUE INDEX experiments_one_split ON experiments (subject)
    WHERE kind IN ('ab', 'canary') AND status IN ('running', 'paused');

-- What a shadow candidate answered for a production request (never returned to the client).
CREATE TABLE shadow_results (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment_id TEXT NOT NULL,
    request_id    TEXT NOT NULL,           -- the production request it shadowed
    ts            INTEGER NOT NULL,
    candidate     TEXT NOT NULL,           -- the prompt version or model it ran
    status        INTEGER NOT NULL,        -- HTTP status of the candidate's call
    error_type    TEXT,
    latency_ms    INTEGER NOT NULL,
    tokens_in     INTEGER,
    tokens_out    INTEGER,
    cost_usd      REAL,
    similarity    REAL                     -- to the production answer, in [0, 1]; NULL when either failed
);
CREATE INDEX shadow_results_experiment ON shadow_results (experiment_id, ts);
