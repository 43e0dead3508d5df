-- Captured bodies were keyed by request_id, which may be the client's x-request-id: a team sending
-- another team's id first made that team's body be dropped (insert ignored), and readers joining on
-- the id could pick up the wrong team's body. Bodies are now keyed by the gateway's own id of the
-- request (uid, the request log's uid); request_id stays as the id the client knows.
-- SQLite cannot drop a primary key, so the table is rebuilt; existing rows keep their request id as uid
-- (it was unique).
CREATE TABLE bodies_by_uid (
    uid        TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    ts         INTEGER NOT NULL,
    end_user   TEXT,
    request    TEXT,
    response   TEXT,
    team       TEXT
);
INSERT INTO bodies_by_uid (uid, request_id, ts, end_user, request, response, team)
    SELECT request_id, request_id, ts, end_user, request, response, team FROM bodies;
DROP TABLE bodies;
ALTER TABLE bodies_by_uid RENAME TO bodies;
CREATE INDEX bodies_ts ON bodies (ts);
CREATE INDEX bodies_user ON bodies (end_user);
CREATE INDEX bodies_request ON bodies (request_id);
