package dev.sluice.limits;

/**
 * One limit a request draws on, e.g. "key key_ab12's requests per minute" or "team search's
 * daily budget".
 *
 * @param id     a stable name, e.g. {@code key:key_ab12:rpm} or {@code team:search:usd:d:20261123}
 * @param kind   what is counted
 * @param limit  requests or tokens per minute, requests in flight, or USD per period
 * @param amount what this request takes: 1 request, its estimated tokens, 1 slot, its estimated cost
 * @param ttlMillis for budgets: how long the period's counter lives (the period plus a margin)
 */
public record Bucket(String id, Kind kind, String scope, String subject, double limit, double amount, long ttlMillis) {

    public enum Kind {
        REQUESTS_PER_MINUTE("requests"),
        TOKENS_PER_MINUTE("tokens"),
        CONCURRENCY("concurrent requests"),
        DAILY_USD("daily budget"),
        MONTHLY_USD("monthly budget");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public boolean budget() {
            return this == DAILY_USD || this == MONTHLY_USD;
        }

        public boolean perMinute() {
            return this == REQUESTS_PER_MINUTE || this == TOKENS_PER_MINUTE;
        }
    }

    /** Per-minute buckets refill continuously: this many units per millisecond. */
    public double refillPerMilli() {
        return limit / 60_000.0;
    }
}
