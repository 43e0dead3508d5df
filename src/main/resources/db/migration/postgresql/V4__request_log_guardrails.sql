-- Guardrail triggers of a request, summarised: "input:pii:redact(email);output:toxicity:flag(insult)".
-- NULL when no guardrail fired. The full events (with scores) go to traces.
ALTER TABLE request_log ADD COLUMN guardrails TEXT;
