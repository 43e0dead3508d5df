package dev.sluice.analytics;

import java.util.Arrays;

/**
 * A growable list of longs with exact nearest-rank percentiles; {@link #nearestRankIndex} is the rank rule the
 * gateway's other percentiles (alerts, canary gates, the demo's summary, guard eval) use too.
 */
public final class Percentiles {
    private long[] values = new long[16];
    private int size;
    private boolean sorted = true;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        if (size > 0 && v < values[size - 1]) {
            sorted = false;
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    /** Counts every value into a rollup histogram (see {@link dev.sluice.store.Rollups#bucket}). */
    void addTo(long[] histogram) {
        for (int i = 0; i < size; i++) {
            histogram[dev.sluice.store.Rollups.bucket(values[i])]++;
        }
    }

    /**
     * The nearest-rank percentile: the smallest value with at least p% of the values at or below
     * it (rank {@code ceil(p/100 * n)}); null when there are no values.
     */
    Long percentile(double p) {
        if (size == 0) {
            return null;
        }
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
        return values[nearestRankIndex(p, size)];
    }

    /**
     * Where the nearest-rank percentile {@code percent} is among {@code count} values in ascending order: rank
     * {@code ceil(percent/100 * count)}, as an index from 0 (0 when there are no values).
     */
    public static int nearestRankIndex(double percent, int count) {
        return Math.clamp((int) Math.ceil(percent / 100.0 * count) - 1, 0, Math.max(0, count - 1));
    }
}
