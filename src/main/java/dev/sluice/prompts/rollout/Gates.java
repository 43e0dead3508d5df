package dev.sluice.prompts.rollout;

import dev.sluice.api.SluiceException;

/**
 * The health checks a canary step must pass before the next one; each is compared with the
 * current version over the same window. Null turns a check off.
 *
 * @param maxErrorRate    e.g. 0.05: the candidate fails above 5% errors when the current version is lower
 * @param maxP99LatencyMs the candidate fails above this p99 when the current version's is lower
 * @param minPositiveRate the candidate fails below this share of positive feedback when the current version's is higher
 * @param minScore        the candidate fails below this mean online score when the current version's is higher
 * @param minSamples      requests the candidate must have served in the window before any verdict
 */
public record Gates(Double maxErrorRate, Long maxP99LatencyMs, Double minPositiveRate, Double minScore, int minSamples) {
    public static final Gates DEFAULT = new Gates(0.05, null, null, null, 50);

    public Gates {
        requireShare(maxErrorRate, "gates.max_error_rate");
        requireShare(minPositiveRate, "gates.min_feedback_positive_rate");
        requireShare(minScore, "gates.min_online_score");
        if (maxP99LatencyMs != null && maxP99LatencyMs <= 0) {
            throw SluiceException.invalidRequest("gates.max_p99_latency_ms", "The p99 latency gate must be positive (milliseconds).");
        }
        if (minSamples < 1 || minSamples > 1_000_000) {
            throw SluiceException.invalidRequest("gates.min_samples", "min_samples must be between 1 and 1,000,000.");
        }
    }

    private static void requireShare(Double v, String param) {
        if (v != null && (v < 0 || v > 1 || v.isNaN())) {
            throw SluiceException.invalidRequest(param, "'" + param + "' is a share between 0 and 1 (e.g. 0.05 for 5%).");
        }
    }
}
