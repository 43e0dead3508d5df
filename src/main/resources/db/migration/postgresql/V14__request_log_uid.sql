-- A unique id per logged request, chosen when the record is made (before it is queued or spilled),
-- so writing a record twice (a spill file replayed again after a crash between the replay and the
-- spill file's rewrite) inserts it once: the writer inserts with ON CONFLICT (uid) DO NOTHING.
-- request_id cannot serve: clients may choose it (x-request-id) and reuse it. Rows logged before
-- this column existed have none (NULLs do not conflict).
ALTER TABLE request_log ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX request_log_uid ON request_log (uid);
