package dev.sluice.analytics;

import java.util.Arrays;

/** A growable list of longs with exact nearest-rank percentiles. */
final class Percentiles {
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
        int rank = (int) Math.ceil(p / 100.0 * size);
        return values[Math.clamp(rank - 1, 0, size - 1)];
    }
}
