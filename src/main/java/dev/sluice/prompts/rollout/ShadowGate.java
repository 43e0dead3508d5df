package dev.sluice.prompts.rollout;

import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decides, per production request and without blocking it, whether a shadow copy goes out: the
 * request is in the sampled share (by a hash of its id, so the decision is reproducible), the
 * budget is not spent, and the per-minute rate has room (a token bucket refilled continuously from
 * an injected clock). Spend is added by the caller as the candidate's calls are priced.
 */
public final class ShadowGate {
    /** Why a request was or was not copied (counted in metrics and shown in the report). */
    public enum Verdict { SEND, NOT_SAMPLED, BUDGET_SPENT, RATE_LIMITED }

    private final String experimentId;
    private final ShadowConfig config;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private double tokens;
    private long refilledAt;
    private double spentUsd;

    /** @param spentUsd what the candidate has already cost (from the store, after a restart) */
    public ShadowGate(String experimentId, ShadowConfig config, Clock clock, double spentUsd) {
        this.experimentId = experimentId;
        this.config = config;
        this.clock = clock;
        this.tokens = config.maxPerMinute();
        this.refilledAt = clock.millis();
        this.spentUsd = spentUsd;
    }

    public Verdict admit(String requestId) {
        if (!sampled(requestId)) {
            return Verdict.NOT_SAMPLED;
        }
        lock.lock();
        try {
            if (spentUsd >= config.budgetUsd()) {
                return Verdict.BUDGET_SPENT;
            }
            long now = clock.millis();
            tokens = Math.min(config.maxPerMinute(), tokens + (now - refilledAt) * config.maxPerMinute() / 60_000.0);
            refilledAt = now;
            if (tokens < 1) {
                return Verdict.RATE_LIMITED;
            }
            tokens -= 1;
            return Verdict.SEND;
        } finally {
            lock.unlock();
        }
    }

    /** Adds the cost of a finished candidate call. */
    public void spent(double usd) {
        lock.lock();
        try {
            spentUsd += usd;
        } finally {
            lock.unlock();
        }
    }

    public double spentUsd() {
        lock.lock();
        try {
            return spentUsd;
        } finally {
            lock.unlock();
        }
    }

    private boolean sampled(String requestId) {
        int bucket = Buckets.of(experimentId, new StickyKey("request", requestId));
        return bucket < Math.round(config.share() * Buckets.COUNT);
    }
}
