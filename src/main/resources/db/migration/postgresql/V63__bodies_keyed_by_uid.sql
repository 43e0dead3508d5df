-- Captured bodies were keyed by request_id (with ts, the day partitions' key), which may be the client's
-- x-request-id: a team sending another team's id first made that team's body be dropped (insert
-- ignored), and readers joining on the id could pick up the wrong team's body. Bodies are now keyed by
-- the gateway's own id of the request (uid, the request log's uid); request_id stays as the id the
-- client knows. Existing rows keep their request id as uid (it was unique per day).
ALTER TABLE bodies ADD COLUMN uid TEXT;
UPDATE bodies SET uid = request_id WHERE uid IS NULL;
ALTER TABLE bodies ALTER COLUMN uid SET NOT NULL;
DO $$
DECLARE
    pk TEXT;
BEGIN
    SELECT conname INTO pk FROM pg_constraint WHERE conrelid = 'bodies'::regclass AND contype = 'p';
    IF pk IS NOT NULL THEN
        EXECUTE format('ALTER TABLE bodies DROP CONSTRAINT %I', pk);
    END IF;
END
$$;
-- a unique index of a partitioned table must hold the partition key
CREATE UNIQUE INDEX bodies_uid ON bodies (uid, ts);
CREATE INDEX bodies_request ON bodies (request_id);
