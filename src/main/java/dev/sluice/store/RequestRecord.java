package dev.sluice.store;

/**
 * One row of the request log.
 *
 * @param tokensIn  null when unknown (the request failed before usage was known)
 * @param ttftMs    -1 when no token reached the client
 * @param tags      JSON object of the request's tags (x-sluice-tags and metadata), or null
 * @param costUsd   what it cost, from its usage and the price catalog; null when unknown
 * @param attemptLog JSON array of the upstream attempts ({provider, model, status, error, ms})
 * @param cacheStatus    hit, semantic-hit, miss, bypass; null when no cache applied
 * @param cacheSimilarity on cache hits, the similarity of the cached question (1 for exact hits)
 * @param savedTokensIn  on cache hits, the prompt tokens the cached answer cost originally
 * @param savedTokensOut on cache hits, the completion tokens the cached answer cost originally
 * @param guardrails the guardrail triggers, e.g. {@code input:pii:redact(email);output:toxicity:flag(insult)}; null when none
 * @param prompt     the stored prompt it was rendered from ({@code promptVersion} its version, {@code experiment}
 *                   and {@code variant} the split arm that chose it); all null when none
 */
public record RequestRecord(long ts, String requestId, String keyId, String team, String endUser, String operation,
                            String model,
                            String provider, String upstreamModel, boolean stream, int status, String errorType,
                            Integer tokensIn, Integer tokensOut, long ttftMs, long latencyMs, int attempts,
                            String fallbackModel, String routeReason, String attemptLog, Double costUsd,
                            String cacheStatus, Double cacheSimilarity, Integer savedTokensIn, Integer savedTokensOut,
                            String traceId, String sessionId, String tags, String guardrails, String prompt, Integer promptVersion,
                            String experiment, String variant, Long experimentWindow) {

    /** A row of a request without a stored prompt. */
    public RequestRecord(long ts, String requestId, String keyId, String team, String endUser, String operation,
                         String model, String provider, String upstreamModel, boolean stream, int status,
                         String errorType, Integer tokensIn, Integer tokensOut, long ttftMs, long latencyMs, int attempts,
                         String fallbackModel, String routeReason, String attemptLog, Double costUsd, String cacheStatus,
                         Double cacheSimilarity, Integer savedTokensIn, Integer savedTokensOut, String traceId,
                         String sessionId, String tags, String guardrails) {
        this(ts, requestId, keyId, team, endUser, operation, model, provider, upstreamModel, stream, status, errorType,
                tokensIn, tokensOut, ttftMs, latencyMs, attempts, fallbackModel, routeReason, attemptLog, costUsd,
                cacheStatus, cacheSimilarity, savedTokensIn, savedTokensOut, traceId, sessionId, tags, guardrails, null, null, null, null, null);
    }
}
