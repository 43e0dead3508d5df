-- PostgreSQL twin of sqlite/V20. The prompt registry: prompts, their immutable numbered versions, movable labels and every label move.
CREATE TABLE prompts (
    name        TEXT PRIMARY KEY,          -- e.g. support-answer ([a-z0-9._-], at most 64)
    team        TEXT,                      -- the owning team (its team admins may write it); NULL = organisation
    description TEXT,
    created_at  BIGINT NOT NULL,           -- epoch milliseconds
    created_by  TEXT NOT NULL              -- admin key id, user, or config-owner
);

-- A version never changes once written; its number is the prompt's previous highest plus one.
CREATE TABLE prompt_versions (
    prompt       TEXT NOT NULL REFERENCES prompts (name) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    model        TEXT,                     -- the model it was written for (also inside content)
    content      TEXT NOT NULL,            -- canonical JSON: messages, model, params, guardrail_policy
    content_hash TEXT NOT NULL,            -- SHA-256 (hex) of content: a push with the same hash is a no-op
    message      TEXT,                     -- the commit message
    author       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (prompt, version)
);

-- Movable pointers (production, staging, canary, ...); "latest" is not stored, it is the highest version.
CREATE TABLE prompt_labels (
    prompt     TEXT NOT NULL REFERENCES prompts (name) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (prompt, label)
);

-- Every move of a label, so a rollback can walk back the moves it has not undone yet.
CREATE TABLE prompt_label_moves (
    id           BIGSERIAL PRIMARY KEY,
    prompt       TEXT NOT NULL,
    label        TEXT NOT NULL,
    from_version INTEGER,                  -- NULL when the move created the label
    to_version   INTEGER NOT NULL,
    kind         TEXT NOT NULL,            -- move | rollback
    undone       BOOLEAN NOT NULL DEFAULT FALSE, -- true once a rollback has reversed this move
    ts           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    reason       TEXT
);
CREATE INDEX prompt_label_moves_label ON prompt_label_moves (prompt, label, id);
