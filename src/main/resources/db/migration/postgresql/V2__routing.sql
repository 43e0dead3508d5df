-- Extra permissions per key, e.g. ["route:override"] to pin a deployment with x-sluice-deployment.
ALTER TABLE api_keys ADD COLUMN scopes TEXT;

-- Routing outcome of each request.
ALTER TABLE request_log ADD COLUMN fallback_model TEXT;   -- the public model that served it, when a fallback did
ALTER TABLE request_log ADD COLUMN route_reason TEXT;     -- e.g. the complexity router's verdict
ALTER TABLE request_log ADD COLUMN attempt_log TEXT;      -- JSON: [{provider, model, status, error, ms}, ...]
