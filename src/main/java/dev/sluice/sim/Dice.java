package dev.sluice.sim;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's seeded PRNG for fault decisions. It is counter-based (the n-th roll is a pure
 * function of the seed and n), so concurrent requests need no lock, and a test that sends
 * requests one at a time sees the same failures on every run with the same seed.
 */
final class Dice {
    private final long seed;
    private final AtomicLong rolls = new AtomicLong();

    Dice(long seed) {
        this.seed = Hashing.mix(seed);
    }

    /** True with the given probability; 0 and 1 are certain and consume no roll. */
    boolean roll(double probability) {
        if (probability <= 0) {
            return false;
        }
        if (probability >= 1) {
            return true;
        }
        return Hashing.unit(Hashing.nth(seed, rolls.incrementAndGet())) < probability;
    }
}
