package dev.sluice.store;

/**
 * One answer in the review queue.
 *
 * @param team       the request's team, {@code ""} for none
 * @param prompt     the stored prompt as {@code name@version}, or null
 * @param reason     what queued it, e.g. {@code feedback:thumbs down} or {@code eval:valid-json 0.00}
 * @param score      the score that queued it (thumbs down / false: 0), or null
 * @param status     {@code open} or {@code labelled}
 * @param label      {@code correct}, {@code incorrect} or {@code harmful}; null while open
 * @param labelledBy the admin key that labelled it
 */
public record ReviewItem(String id, long ts, String requestId, String traceId, String keyId, String team, String model,
                         String prompt, String reason, Double score, String status, String label, String comment,
                         String labelledBy, Long labelledAt) {
    public static final String OPEN = "open";
    public static final String LABELLED = "labelled";
    public static final java.util.List<String> LABELS = java.util.List.of("correct", "incorrect", "harmful");

    /** A newly queued item (open, unlabelled; the prompt is looked up when it is stored). */
    public static ReviewItem queued(String id, long ts, String requestId, String traceId, String keyId, String team,
                                    String model, String reason, Double score) {
        return new ReviewItem(id, ts, requestId, traceId, keyId, team == null ? "" : team, model, null, reason, score,
                OPEN, null, null, null, null);
    }

    /** The team, or null for a request without one. */
    public String teamOrNull() {
        return team == null || team.isEmpty() ? null : team;
    }
}
