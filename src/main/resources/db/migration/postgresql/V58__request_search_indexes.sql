-- PostgreSQL only (issue 20: request search with filters p95 <= 100 ms at 10M rows): indexes whose order is the
-- search's (newest first by id, dev.sluice.store.RequestSearch), so a page of 50 is the first rows of a backward
-- index scan in each day partition merged (Merge Append) instead of every matching row of the range read and
-- sorted. Measured before them (1M requests over 30 days, load ~25): one key over 30 days p95 212 ms (~20,000 rows
-- read by (key_id, ts), then sorted), one end user 124 ms, model + errors over 24 h 177 ms.
--   (key_id, id), (end_user, id): one key's or one user's newest requests;
--   (model, id) WHERE status >= 400: a model's newest errors (the Requests page's "errors" filter), holding only
--   the failed requests, so it costs ingest little.
-- The (key_id, ts) and (end_user, ts) indexes stay: aggregates over a time range use them.
-- On an existing large store each index is built at this migration (a few minutes for tens of millions of rows).
CREATE INDEX request_log_key_id ON request_log (key_id, id);
CREATE INDEX request_log_user_id ON request_log (end_user, id);
CREATE INDEX request_log_model_errors ON request_log (model, id) WHERE status >= 400;
