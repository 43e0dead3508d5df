package dev.sluice.prompts.rollout;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one variant did over a window: counts, error rate and errors by type, latency and
 * time-to-first-token percentiles (nearest rank), tokens, cost, the share of positive feedback
 * among rated requests and the mean online score. Rates, percentiles and means are null when
 * there is nothing to compute them from.
 */
public record VariantFigures(String variant, long requests, long errors, Double errorRate,
                             Map<String, Long> errorsByType, Long latencyP50Ms, Long latencyP99Ms, Long ttftP50Ms,
                             Long ttftP99Ms, long tokensIn, long tokensOut, double costUsd, long rated,
                             Double positiveRate, long scored, Double meanScore) {

    public VariantFigures {
        errorsByType = Map.copyOf(errorsByType);
    }

    public static VariantFigures of(String variant, List<Observation> observations) {
        long errors = 0;
        long tokensIn = 0;
        long tokensOut = 0;
        double cost = 0;
        long rated = 0;
        long positive = 0;
        long scored = 0;
        double scoreSum = 0;
        Map<String, Long> byType = new TreeMap<>();
        long[] latencies = new long[observations.size()];
        long[] ttfts = new long[observations.size()];
        int streams = 0;
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observations.get(i);
            if (o.failed()) {
                errors++;
                byType.merge(o.errorType(), 1L, Long::sum);
            }
            latencies[i] = o.latencyMs();
            if (o.ttftMs() != null) {
                ttfts[streams++] = o.ttftMs();
            }
            tokensIn += o.tokensIn();
            tokensOut += o.tokensOut();
            cost += o.costUsd();
            if (o.feedbackPositive() != null) {
                rated++;
                positive += o.feedbackPositive() ? 1 : 0;
            }
            if (o.score() != null) {
                scored++;
                scoreSum += o.score();
            }
        }
        long n = observations.size();
        return new VariantFigures(variant, n, errors, n == 0 ? null : (double) errors / n, byType,
                nearestRank(latencies, latencies.length, 50), nearestRank(latencies, latencies.length, 99),
                nearestRank(ttfts, streams, 50), nearestRank(ttfts, streams, 99), tokensIn, tokensOut, cost, rated,
                rated == 0 ? null : (double) positive / rated, scored, scored == 0 ? null : scoreSum / scored);
    }

    /** The smallest value with at least p% of the first {@code count} values at or below it; sorts in place. */
    static Long nearestRank(long[] values, int count, double p) {
        if (count == 0) {
            return null;
        }
        Arrays.sort(values, 0, count);
        return values[dev.sluice.analytics.Percentiles.nearestRankIndex(p, count)];
    }
}
