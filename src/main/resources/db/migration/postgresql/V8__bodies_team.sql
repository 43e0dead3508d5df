-- The team of the request whose body was captured: team-limited admin keys read only their team's
-- bodies (GET /admin/logs/{id}/body), even when another team sent a request with the same id.
ALTER TABLE bodies ADD COLUMN team TEXT;
