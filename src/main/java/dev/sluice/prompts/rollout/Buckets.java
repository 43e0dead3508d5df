package dev.sluice.prompts.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Sticky assignment by hashing: {@code SHA-256(salt + "\n" + key)} read as an unsigned 64-bit
 * number, modulo {@link #COUNT}, gives the key's bucket. Each experiment salts with its own id, so
 * a user's buckets in two experiments are independent. A canary at p% serves the candidate to
 * buckets below {@code p * 100}: raising p only adds users, nobody switches back and forth.
 * (The scheme Statsig and others use; SHA-256 costs well under a microsecond for short keys.)
 */
public final class Buckets {
    /** Buckets per experiment: weights and percentages resolve to 0.01%. */
    public static final int COUNT = 10_000;

    private Buckets() {}

    /** Cloned per call: much cheaper than a provider lookup, and a clone is never shared between threads. */
    private static final MessageDigest SHA_256;

    static {
        try {
            SHA_256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static int of(String salt, StickyKey key) {
        MessageDigest sha;
        try {
            sha = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
        sha.update(salt.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
        byte[] d = sha.digest(key.toString().getBytes(StandardCharsets.UTF_8));
        long high = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (d[i] & 0xFF);
        }
        return (int) Long.remainderUnsigned(high, COUNT);
    }

    /** The variant whose slice of the buckets holds this bucket; slices follow the weights in order. */
    public static Variant pick(List<Variant> variants, int bucket) {
        long total = 0;
        for (Variant v : variants) {
            total += v.weight();
        }
        if (total <= 0) {
            throw new IllegalArgumentException("variants need a positive total weight");
        }
        long cumulative = 0;
        for (Variant v : variants) {
            cumulative += v.weight();
            if (bucket < cumulative * COUNT / total) {
                return v;
            }
        }
        return variants.getLast();
    }

    /** Whether a canary at {@code percent} serves the candidate to this bucket. */
    public static boolean inCanary(int bucket, double percent) {
        return bucket < Math.round(percent * COUNT / 100.0);
    }
}
