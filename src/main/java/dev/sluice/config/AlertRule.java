package dev.sluice.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * One alert rule: a metric over a sliding window compared to a threshold.
 *
 * @param metric     what is measured: see {@link #METRICS}
 * @param model      only requests for this public model, or null for all
 * @param team       only requests of this team, or null for all
 * @param threshold  rates as a fraction (0.05), latencies in seconds, spend in USD; fires when the value is above it
 * @param minSamples fewer samples in the window than this never fire (spend: requests in the window)
 * @param priority   P1, P2 or P3
 * @param message    what is wrong and where to look; sent with the alert
 * @param cooldown   at most one "firing" notification per cooldown
 * @param drift      for {@code metric: drift}: which figure, and the baseline window the recent {@code window} is
 *                   compared with; null for other metrics
 */
public record AlertRule(String name, String metric, String model, String team, Duration window, double threshold,
                        int minSamples, String priority, String message, Duration cooldown, Drift drift) {

    /**
     * What a drift rule compares: {@code figure} (see {@link #DRIFT_FIGURES}) of the requests in the recent
     * window against those in the {@code baseline} window just before it.
     */
    public record Drift(String figure, Duration baseline) {}

    public AlertRule(String name, String metric, String model, String team, Duration window, double threshold,
                     int minSamples, String priority, String message, Duration cooldown) {
        this(name, metric, model, team, window, threshold, minSamples, priority, message, cooldown, null);
    }

    public static final String DRIFT = "drift";
    /** Share of online evaluator scores that failed their check. */
    public static final String EVALUATOR_FAIL_RATE = "evaluator_fail_rate";
    /** The drift figures: distances between the recent and the baseline window (0 = the same). */
    public static final Set<String> DRIFT_FIGURES = Set.of("centroid_distance", "centroid_shift", "embedding_psi", "unknown_topic_share",
            "prompt_length_psi", "language_psi", "output_length_change", "refusal_rate_change", "tool_call_rate_change",
            "finish_reason_psi");
    public static final String ERROR_RATE = "error_rate";
    public static final String LATENCY_P99 = "latency_p99";
    public static final String TTFT_P99 = "ttft_p99";
    public static final String SPEND = "spend";
    public static final String GUARDRAIL_TRIGGER_RATE = "guardrail_trigger_rate";
    public static final String NEGATIVE_FEEDBACK_RATE = "negative_feedback_rate";
    public static final Set<String> METRICS = Set.of(ERROR_RATE, LATENCY_P99, TTFT_P99, SPEND, GUARDRAIL_TRIGGER_RATE,
            NEGATIVE_FEEDBACK_RATE, DRIFT, EVALUATOR_FAIL_RATE);

    /** Whether the metric is a share of requests (or of feedback), written as {@code 5%} or {@code 0.05}. */
    public boolean isRate() {
        return metric.endsWith("_rate");
    }

    /** Whether the metric is a duration, written as {@code 2s} or {@code 800ms}. */
    public boolean isLatency() {
        return metric.equals(LATENCY_P99) || metric.equals(TTFT_P99);
    }

    /** The threshold as people write it: {@code 5%}, {@code 2.0s}, {@code $10.00}; a drift figure as it is. */
    public String thresholdText() {
        if (metric.equals(DRIFT)) {
            return String.format(Locale.ROOT, "%.3g", threshold);
        }
        if (isRate()) {
            return String.format(Locale.ROOT, "%.4g%%", threshold * 100);
        }
        if (isLatency()) {
            return String.format(Locale.ROOT, "%.3fs", threshold);
        }
        return String.format(Locale.ROOT, "$%.2f", threshold);
    }
}
