-- Evaluation runs (sluice eval --store): the summary in columns for listing and filtering, the
-- whole run (every case, trial and check) as the JSON the CLI writes with -o run.json.
CREATE TABLE eval_runs (
    id          TEXT PRIMARY KEY,          -- eval-YYYYMMDD-HHMMSS-xxxx, also the eval_run tag of its requests
    created_at  BIGINT NOT NULL,          -- epoch ms when it was stored
    started_at  TEXT NOT NULL,             -- ISO-8601, when the run started
    team        TEXT,                      -- the storing admin key's team; null = organisation
    created_by  TEXT NOT NULL,             -- admin key id
    description TEXT,
    suite       TEXT,                      -- the suite file as given to sluice eval
    prompts     TEXT NOT NULL,             -- JSON array of prompt labels
    targets     TEXT NOT NULL,             -- JSON array of provider labels (models)
    cases       INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    pass_rate   DOUBLE PRECISION NOT NULL,
    cost_usd    DOUBLE PRECISION NOT NULL,
    body        TEXT NOT NULL              -- the run's JSON
);
CREATE INDEX eval_runs_created ON eval_runs (created_at);
CREATE INDEX eval_runs_team ON eval_runs (team, created_at);
