package dev.sluice.sim;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Response ids ({@code chatcmpl-...}, {@code msg_...}, request ids). Each response gets a fresh id
 * like a real provider's, yet the sequence is reproducible for a given seed and request order.
 * Tool call ids are not drawn here: they derive from the prompt, so they repeat with it.
 */
final class Ids {
    private final long seed;
    private final AtomicLong counter = new AtomicLong();

    Ids(long seed) {
        this.seed = Hashing.mix(~seed);
    }

    String next(String prefix, int length) {
        return prefix + Hashing.base62(Hashing.nth(seed, counter.incrementAndGet()), length);
    }
}
