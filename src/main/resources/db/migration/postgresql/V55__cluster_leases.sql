-- Jobs that one node at a time runs for the whole cluster (retention): who holds the lease, until when (epoch ms).
CREATE TABLE cluster_leases (
    name     TEXT PRIMARY KEY,
    holder   TEXT,
    until_ms BIGINT NOT NULL
);
INSERT INTO cluster_leases (name, holder, until_ms) VALUES ('retention', NULL, 0);
