package dev.sluice.limits;

import java.util.List;

/**
 * The answer of a limiter for one request: admitted or not, and the state of every bucket it
 * touched (for the x-ratelimit-* headers).
 *
 * @param refused          the first bucket that refused, or null when admitted
 * @param retryAfterMillis when refused: how long until it would admit this request (-1: never, it is
 *                         larger than the limit itself)
 * @param decidedBy        the limiter that decided, which must also settle the request
 */
public record Decision(Bucket refused, long retryAfterMillis, List<State> states, Limiter decidedBy) {

    /** A bucket after the check: what is left, and when it is full (per-minute) or resets (budgets). */
    public record State(Bucket bucket, double remaining, long resetMillis) {}

    public boolean admitted() {
        return refused == null;
    }
}
