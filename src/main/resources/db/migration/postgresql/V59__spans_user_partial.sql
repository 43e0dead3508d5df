-- The end-user index of spans holds only the spans that name one (partial): five of the six spans of a
-- gateway request name none, yet each cost the span writer an index entry. Erasure finds a user's spans
-- with end_user = ?, which implies end_user IS NOT NULL, so it still reads this index (SpanIndexesTest).
DROP INDEX IF EXISTS spans_user;
CREATE INDEX spans_user ON spans (end_user) WHERE end_user IS NOT NULL;
