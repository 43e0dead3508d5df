-- What the response cache did for each request, and what a hit saved (tokens as the cached answer
-- cost when it was first produced; cost saved follows from these and the price catalog).
ALTER TABLE request_log ADD COLUMN cache_status TEXT;            -- hit | semantic-hit | miss | bypass | NULL (no cache)
ALTER TABLE request_log ADD COLUMN cache_similarity DOUBLE PRECISION;        -- on hits: cosine similarity (1 for exact)
ALTER TABLE request_log ADD COLUMN saved_tokens_in INTEGER;      -- on hits: prompt tokens not sent upstream
ALTER TABLE request_log ADD COLUMN saved_tokens_out INTEGER;     -- on hits: completion tokens not generated
