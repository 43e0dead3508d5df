package dev.sluice.config;

/**
 * Limits and budgets set on a key or a team; a null field means "not set here" (the config's
 * default applies, or none).
 *
 * @param rpm         requests per minute
 * @param tpm         tokens per minute (prompt + completion)
 * @param concurrency requests in flight at once
 * @param dailyUsd    spend per UTC day
 * @param monthlyUsd  spend per UTC month
 */
public record Quota(Integer rpm, Integer tpm, Integer concurrency, Double dailyUsd, Double monthlyUsd) {
    public static final Quota NONE = new Quota(null, null, null, null, null);

    /** This quota, with {@code defaults} filling the fields it leaves unset. */
    public Quota orElse(Quota defaults) {
        if (isEmpty()) {
            return defaults; // the usual case per request: a key without its own quota takes the configured one
        }
        if (defaults.isEmpty()) {
            return this;
        }
        return new Quota(rpm != null ? rpm : defaults.rpm, tpm != null ? tpm : defaults.tpm,
                concurrency != null ? concurrency : defaults.concurrency, dailyUsd != null ? dailyUsd : defaults.dailyUsd,
                monthlyUsd != null ? monthlyUsd : defaults.monthlyUsd);
    }

    public boolean isEmpty() {
        return rpm == null && tpm == null && concurrency == null && dailyUsd == null && monthlyUsd == null;
    }
}
