-- What a stored evaluation run evaluated, for the rollout gate (require_eval): per registry prompt version
-- the gateway served in the run (x-sluice-prompt), the cases it answered and how many passed.
CREATE TABLE eval_run_prompts (
    run_id      TEXT NOT NULL,
    prompt      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    cases       INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    team        TEXT,                      -- the run's team; null = organisation
    created_at  BIGINT NOT NULL,             -- when the run was stored (epoch ms)
    PRIMARY KEY (run_id, prompt, version)
);
CREATE INDEX eval_run_prompts_version ON eval_run_prompts (prompt, version, created_at);

-- End users whose data a stored run holds: cases whose test came from a logged request (a dataset grown from
-- the request log) carry that user's input and the model's answers to it; erasing the user scrubs those cases.
CREATE TABLE eval_run_users (
    run_id            TEXT NOT NULL,
    end_user          TEXT NOT NULL,
    source_request_id TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    PRIMARY KEY (run_id, end_user, source_request_id)
);
CREATE INDEX eval_run_users_user ON eval_run_users (end_user);
