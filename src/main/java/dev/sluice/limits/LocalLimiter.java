package dev.sluice.limits;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Limits kept in this process: token buckets refilling continuously for per-minute limits, lease
 * sets for concurrency, and spend counters per period for budgets. One lock makes a check across
 * several buckets atomic; the critical section is a few map lookups.
 */
public final class LocalLimiter implements Limiter {
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, double[]> buckets = new HashMap<>();
    private final Map<String, Set<String>> leases = new HashMap<>();
    private final Map<String, Spend> spend = new HashMap<>();
    private long nextPrune;

    private static final class Spend {
        double amount;
        final long expiresAt;

        Spend(double amount, long expiresAt) {
            this.amount = amount;
            this.expiresAt = expiresAt;
        }
    }

    public LocalLimiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Decision acquire(List<Bucket> asked, String leaseId) {
        long now = clock.millis();
        lock.lock();
        try {
            prune(now);
            List<Decision.State> states = new ArrayList<>(asked.size());
            for (Bucket b : asked) {
                double available = available(b, now);
                if (available < b.amount() || (b.kind() == Bucket.Kind.CONCURRENCY && available < 1)) {
                    return new Decision(b, retryAfter(b, available, now), states, this);
                }
            }
            for (Bucket b : asked) {
                take(b, leaseId, now);
                states.add(new Decision.State(b, available(b, now), resetMillis(b, now)));
            }
            return new Decision(null, 0, states, this);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void settle(List<Bucket> asked, String leaseId, double tokenCorrection, double costCorrection) {
        long now = clock.millis();
        lock.lock();
        try {
            for (Bucket b : asked) {
                switch (b.kind()) {
                    case CONCURRENCY -> {
                        Set<String> held = leases.get(b.id());
                        if (held != null) {
                            held.remove(leaseId);
                        }
                    }
                    case TOKENS_PER_MINUTE -> {
                        double[] state = refilled(b, now);
                        state[0] -= tokenCorrection;
                    }
                    case DAILY_USD, MONTHLY_USD -> spendOf(b, now).amount += costCorrection;
                    case REQUESTS_PER_MINUTE -> { }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public double spent(Bucket budget) {
        lock.lock();
        try {
            Spend s = spend.get(budget.id());
            return s == null ? 0 : s.amount;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public double[] available(List<Bucket> asked) {
        long now = clock.millis();
        double[] out = new double[asked.size()];
        lock.lock();
        try {
            for (int i = 0; i < out.length; i++) {
                Bucket b = asked.get(i);
                out[i] = switch (b.kind()) {
                    case REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE -> {
                        double[] state = buckets.get(b.id()); // read without creating: a look takes nothing
                        yield state == null ? b.limit() : Math.min(b.limit(), state[0] + (now - state[1]) * b.refillPerMilli());
                    }
                    case CONCURRENCY -> b.limit() - leases.getOrDefault(b.id(), Set.of()).size();
                    case DAILY_USD, MONTHLY_USD -> {
                        Spend spent = spend.get(b.id());
                        yield b.limit() - (spent == null ? 0 : spent.amount);
                    }
                };
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Starts a budget period's counter at what the store says was already spent (after a restart). */
    public void seedSpend(Bucket budget, double amount) {
        lock.lock();
        try {
            spendOf(budget, clock.millis()).amount = amount;
        } finally {
            lock.unlock();
        }
    }

    private double available(Bucket b, long now) {
        return switch (b.kind()) {
            case REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE -> refilled(b, now)[0];
            case CONCURRENCY -> b.limit() - leases.getOrDefault(b.id(), Set.of()).size();
            case DAILY_USD, MONTHLY_USD -> b.limit() - spendOf(b, now).amount;
        };
    }

    private void take(Bucket b, String leaseId, long now) {
        switch (b.kind()) {
            case REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE -> refilled(b, now)[0] -= b.amount();
            case CONCURRENCY -> leases.computeIfAbsent(b.id(), k -> new HashSet<>()).add(leaseId);
            case DAILY_USD, MONTHLY_USD -> spendOf(b, now).amount += b.amount();
        }
    }

    /** The bucket's [tokens, lastRefill], refilled up to now and capped at the limit. */
    private double[] refilled(Bucket b, long now) {
        double[] state = buckets.get(b.id()); // not computeIfAbsent: its lambda would capture b and now per call
        if (state == null) {
            state = new double[] {b.limit(), now};
            buckets.put(b.id(), state);
        }
        double tokens = Math.min(b.limit(), state[0] + (now - state[1]) * b.refillPerMilli());
        state[0] = tokens;
        state[1] = now;
        return state;
    }

    private Spend spendOf(Bucket b, long now) {
        Spend s = spend.get(b.id());
        if (s == null) {
            s = new Spend(0, now + b.ttlMillis());
            spend.put(b.id(), s);
        }
        return s;
    }

    private long retryAfter(Bucket b, double available, long now) {
        return switch (b.kind()) {
            case REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE -> b.amount() > b.limit() ? -1
                    : (long) Math.ceil((b.amount() - available) / b.refillPerMilli());
            case CONCURRENCY -> 1000;
            case DAILY_USD, MONTHLY_USD -> Periods.untilEnd(b.kind(), now);
        };
    }

    private long resetMillis(Bucket b, long now) {
        return switch (b.kind()) {
            case REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE ->
                    (long) Math.ceil((b.limit() - refilled(b, now)[0]) / b.refillPerMilli());
            case CONCURRENCY -> 0;
            case DAILY_USD, MONTHLY_USD -> Periods.untilEnd(b.kind(), now);
        };
    }

    /**
     * At most once a minute: drops budget counters of past periods, per-minute buckets idle for a
     * minute (they have refilled to their limit, which is also what a missing bucket starts at),
     * and concurrency buckets holding no lease. Bucket ids carry end-user ids from requests, so
     * without this every user ever seen would stay in memory.
     */
    private void prune(long now) {
        if (now < nextPrune) {
            return;
        }
        nextPrune = now + 60_000;
        spend.values().removeIf(s -> s.expiresAt < now);
        buckets.values().removeIf(state -> now - state[1] >= IDLE_MILLIS);
        leases.values().removeIf(Set::isEmpty);
    }

    /** A per-minute bucket refills completely in a minute. */
    private static final long IDLE_MILLIS = 60_000;

    /** Buckets, lease sets and budget counters held, for tests of the bounds. */
    int size() {
        lock.lock();
        try {
            return buckets.size() + leases.size() + spend.size();
        } finally {
            lock.unlock();
        }
    }
}
