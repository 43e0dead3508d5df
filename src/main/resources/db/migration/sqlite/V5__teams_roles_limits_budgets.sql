-- Teams own keys, limits and budgets.
CREATE TABLE teams (
    id             TEXT PRIMARY KEY,          -- a slug, e.g. "search"
    name           TEXT NOT NULL,
    metadata       TEXT,
    rpm            INTEGER,                   -- NULL = the config default
    tpm            INTEGER,
    concurrency    INTEGER,
    daily_budget   REAL,                      -- USD; NULL = none
    monthly_budget REAL,
    created_at     INTEGER NOT NULL
);

-- Keys for the admin API, each with a role (owner, team_admin, viewer) and, for team roles, a team.
CREATE TABLE admin_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    secret_hint TEXT NOT NULL,
    role        TEXT NOT NULL,
    team        TEXT,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

-- Every admin action: who, what, when, before/after.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ts         INTEGER NOT NULL,
    actor      TEXT NOT NULL,                 -- admin key id, or "config-owner"
    role       TEXT NOT NULL,
    action     TEXT NOT NULL,                 -- e.g. key.create, key.rotate, team.update
    target     TEXT,
    team       TEXT,
    before_json TEXT,                         -- JSON, secrets never included
    after_json TEXT,
    request_id TEXT
);
CREATE INDEX audit_log_ts ON audit_log (ts);

-- Key rotation keeps the previous secret valid for a grace period; per-key limits and budgets.
ALTER TABLE api_keys ADD COLUMN previous_hash TEXT;
ALTER TABLE api_keys ADD COLUMN previous_valid_until INTEGER;
ALTER TABLE api_keys ADD COLUMN rpm INTEGER;
ALTER TABLE api_keys ADD COLUMN tpm INTEGER;
ALTER TABLE api_keys ADD COLUMN concurrency INTEGER;
ALTER TABLE api_keys ADD COLUMN daily_budget REAL;
ALTER TABLE api_keys ADD COLUMN monthly_budget REAL;
CREATE INDEX api_keys_previous_hash ON api_keys (previous_hash);

-- Who paid: the team, and the request's cost in USD.
ALTER TABLE request_log ADD COLUMN team TEXT;
ALTER TABLE request_log ADD COLUMN cost_usd REAL;
CREATE INDEX request_log_team_ts ON request_log (team, ts);
CREATE INDEX request_log_user_ts ON request_log (end_user, ts);
