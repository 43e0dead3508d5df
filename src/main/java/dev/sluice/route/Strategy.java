package dev.sluice.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a model's deployments are ranked for a request. The router tries them in this order,
 * skipping deployments whose breaker is open or that are full, and moving ones that already
 * failed for this request to the back.
 */
public enum Strategy {
    /** Random, proportional to weight. */
    WEIGHTED,
    /** Fewest requests in flight first (ties at random). */
    LEAST_BUSY,
    /** Lowest moving-average latency first; deployments never measured first, to measure them. */
    LOWEST_LATENCY,
    /** Cheapest for this request (catalog price × estimated tokens) first; unpriced counts as free. */
    LOWEST_COST,
    /** Config order. */
    PRIORITY;

    public static Strategy of(String configName) {
        return valueOf(configName.toUpperCase(java.util.Locale.ROOT));
    }

    /** The deployments in the order to try them. */
    List<Deployment> rank(List<Deployment> deployments, int estimatedInputTokens, int estimatedOutputTokens) {
        if (deployments.size() <= 1) {
            return deployments;
        }
        List<Deployment> ranked = new ArrayList<>(deployments);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        switch (this) {
            case PRIORITY -> { }
            case WEIGHTED -> weightedShuffle(ranked, random);
            case LEAST_BUSY -> {
                java.util.Collections.shuffle(ranked, random);
                ranked.sort(Comparator.comparingInt(Deployment::inFlight));
            }
            case LOWEST_LATENCY -> {
                java.util.Collections.shuffle(ranked, random);
                ranked.sort(Comparator.comparingDouble(d -> Double.isNaN(d.latencyMillis()) ? -1 : d.latencyMillis()));
            }
            case LOWEST_COST -> ranked.sort(Comparator.comparingDouble(d -> d.price() == null ? 0
                    : d.price().estimate(estimatedInputTokens, estimatedOutputTokens)));
        }
        return ranked;
    }

    /** Orders by repeated weighted draws without replacement (Efraimidis–Spirakis keys). */
    private static void weightedShuffle(List<Deployment> list, ThreadLocalRandom random) {
        double[] keys = new double[list.size()];
        Deployment[] items = list.toArray(new Deployment[0]);
        for (int i = 0; i < items.length; i++) {
            int w = items[i].weight();
            keys[i] = w <= 0 ? Double.NEGATIVE_INFINITY : Math.log(random.nextDouble()) / w;
        }
        Integer[] order = new Integer[items.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(keys[b], keys[a]));
        list.clear();
        for (int i : order) {
            list.add(items[i]);
        }
    }
}
