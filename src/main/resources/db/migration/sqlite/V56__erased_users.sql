-- Erasure tombstones: records of an end user made before they were erased (epoch ms) are not written,
-- wherever they were still waiting (another node's queue or spill file, the telemetry stream).
CREATE TABLE erased_users (
    end_user  TEXT PRIMARY KEY,
    erased_at BIGINT NOT NULL
);
