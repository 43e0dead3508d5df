-- A gateway root span's row may hold the request's stage spans (dev.sluice.store.StageSpans): its plain internal
-- descendants, each with no attribute but the team, no event and status unset, as one JSON array instead of a
-- row each (four of a chat request's six span rows). Readers expand them back into the spans they were; rows
-- stored before this version keep their own rows and read as before.
ALTER TABLE spans ADD COLUMN stages TEXT;
