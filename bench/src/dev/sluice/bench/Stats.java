package dev.sluice.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds and the figures a report needs. */
final class Stats {
    private long[] samples = new long[1024];
    private int size;
    private long errors;

    synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized void error() {
        errors++;
    }

    synchronized void addAll(Stats other) {
        for (int i = 0; i < other.size; i++) {
            add(other.samples[i]);
        }
        errors += other.errors;
    }

    synchronized int count() {
        return size;
    }

    synchronized long errors() {
        return errors;
    }

    /** The p-th percentile (nearest rank) in microseconds. */
    synchronized double percentileMicros(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size) - 1;
        return sorted[Math.clamp(rank, 0, size - 1)] / 1000.0;
    }
}
