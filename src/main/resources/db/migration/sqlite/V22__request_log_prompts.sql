-- Which stored prompt a request used (issue 16): its name and version, and the experiment arm that
-- chose the version (an A/B variant or a canary side). NULL for requests without a prompt.
ALTER TABLE request_log ADD COLUMN prompt TEXT;
ALTER TABLE request_log ADD COLUMN prompt_version INTEGER;
ALTER TABLE request_log ADD COLUMN experiment TEXT;      -- ab_... or ro_... (NULL when no split applied)
ALTER TABLE request_log ADD COLUMN variant TEXT;         -- the arm: an A/B variant name, or baseline / candidate
-- A canary's step window the request fell in (the step's start, epoch ms, as the rollout's row says): gates
-- compare the two sides over one window, whatever the instances' clocks say.
ALTER TABLE request_log ADD COLUMN experiment_window INTEGER;
-- Canary gates and experiment figures read one prompt's requests over a window.
CREATE INDEX request_log_prompt ON request_log (prompt, ts);
CREATE INDEX request_log_experiment ON request_log (experiment, variant, experiment_window);
