-- Evaluation datasets: named sets of inputs (variables or chat messages) with an optional expected
-- answer, usable as tests (tests: sluice://datasets/NAME) and grown from the request log.
CREATE TABLE eval_datasets (
    name        TEXT PRIMARY KEY,
    team        TEXT,                      -- null = organisation
    description TEXT,
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL
);

CREATE TABLE eval_dataset_items (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset           TEXT NOT NULL,
    input_hash        TEXT NOT NULL,       -- SHA-256 of the normalised input: the same input is kept once
    vars              TEXT NOT NULL,       -- JSON object: the test's variables (from logs: input, messages, output)
    expected          TEXT,                -- the reference answer, when known
    metadata          TEXT,                -- JSON object
    source_request_id TEXT,                -- the logged request it came from
    created_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX eval_dataset_items_input ON eval_dataset_items (dataset, input_hash);
