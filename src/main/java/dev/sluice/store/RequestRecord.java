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
 * @param uid        unique per logged request, chosen when the record is made (null: a new one), so a
 *                   record written twice (a spill file replayed again) is stored once
 * @param root       the request's root span, stored as columns of this row instead of a span row of its own
 *                   (migration V67); null for none (tracing off, or the root went to the span writer). Its trace,
 *                   session, request id, end user and team are this row's ({@link #carries}).
 */
public record RequestRecord(long ts, String requestId, String keyId, String team, String endUser, String operation,
                            String model,
                            String provider, String upstreamModel, boolean stream, int status, String errorType,
                            Integer tokensIn, Integer tokensOut, long ttftMs, long latencyMs, int attempts,
                            String fallbackModel, String routeReason, String attemptLog, Double costUsd,
                            String cacheStatus, Double cacheSimilarity, Integer savedTokensIn, Integer savedTokensOut,
                            String traceId, String sessionId, String tags, String guardrails, String prompt, Integer promptVersion,
                            String experiment, String variant, Long experimentWindow, String uid, SpanRecord root) {
    public RequestRecord {
        if (uid == null) {
            uid = newUid();
        }
        if (root != null && !carries(traceId, sessionId, requestId, endUser, team, root)) {
            throw new IllegalArgumentException("a root span of another trace, session, request, user or team");
        }
    }

    /** A row without a root span. */
    public RequestRecord(long ts, String requestId, String keyId, String team, String endUser, String operation,
                         String model, String provider, String upstreamModel, boolean stream, int status,
                         String errorType, Integer tokensIn, Integer tokensOut, long ttftMs, long latencyMs, int attempts,
                         String fallbackModel, String routeReason, String attemptLog, Double costUsd, String cacheStatus,
                         Double cacheSimilarity, Integer savedTokensIn, Integer savedTokensOut, String traceId,
                         String sessionId, String tags, String guardrails, String prompt, Integer promptVersion,
                         String experiment, String variant, Long experimentWindow, String uid) {
        this(ts, requestId, keyId, team, endUser, operation, model, provider, upstreamModel, stream, status, errorType,
                tokensIn, tokensOut, ttftMs, latencyMs, attempts, fallbackModel, routeReason, attemptLog, costUsd,
                cacheStatus, cacheSimilarity, savedTokensIn, savedTokensOut, traceId, sessionId, tags, guardrails, prompt,
                promptVersion, experiment, variant, experimentWindow, uid, null);
    }

    /**
     * Whether a log row of this trace, session, request id, end user and team can carry the span as its root: the
     * row's columns stand for the span's (the readers take them from the row).
     */
    public static boolean carries(String traceId, String sessionId, String requestId, String endUser, String team,
                                  SpanRecord span) {
        return span.traceId().equals(traceId) && java.util.Objects.equals(span.sessionId(), sessionId)
                && java.util.Objects.equals(span.requestId(), requestId) && java.util.Objects.equals(span.endUser(), endUser)
                && java.util.Objects.equals(span.team(), team);
    }

    /** A row of a request without a stored prompt, with a new uid. */
    public RequestRecord(long ts, String requestId, String keyId, String team, String endUser, String operation,
                         String model, String provider, String upstreamModel, boolean stream, int status,
                         String errorType, Integer tokensIn, Integer tokensOut, long ttftMs, long latencyMs, int attempts,
                         String fallbackModel, String routeReason, String attemptLog, Double costUsd, String cacheStatus,
                         Double cacheSimilarity, Integer savedTokensIn, Integer savedTokensOut, String traceId,
                         String sessionId, String tags, String guardrails) {
        this(ts, requestId, keyId, team, endUser, operation, model, provider, upstreamModel, stream, status, errorType,
                tokensIn, tokensOut, ttftMs, latencyMs, attempts, fallbackModel, routeReason, attemptLog, costUsd,
                cacheStatus, cacheSimilarity, savedTokensIn, savedTokensOut, traceId, sessionId, tags, guardrails, null, null,
                null, null, null, null, null);
    }

    /** 128 random bits, hex: unique without coordination between gateway instances. */
    private static String newUid() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return java.util.HexFormat.of().toHexDigits(r.nextLong()) + java.util.HexFormat.of().toHexDigits(r.nextLong());
    }
}
