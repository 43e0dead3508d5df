package dev.sluice.eval.score;

import dev.sluice.eval.Assertion;
import java.util.Map;

/**
 * Thresholds on what a call took: {@code latency} (milliseconds, wall time as the client saw it)
 * and {@code cost} (USD, as the gateway settled it with its own price catalog).
 */
final class MetricScorers {
    private MetricScorers() {}

    static void register(Map<String, Scorers.Factory> map) {
        map.put("latency", a -> {
            double max = threshold(a, "milliseconds, e.g. threshold: 2000");
            return (answer, ctx) -> Score.of(answer.latencyMs() <= max, "Latency " + answer.latencyMs() + " ms <= " + fmt(max),
                    "Latency " + answer.latencyMs() + " ms is over " + fmt(max) + " ms");
        });
        map.put("cost", a -> {
            double max = threshold(a, "USD, e.g. threshold: 0.001");
            return (answer, ctx) -> {
                if (answer.costUsd() == null) {
                    return Score.fail("The gateway reported no cost for this call (x-sluice-cost missing)");
                }
                return Score.of(answer.costUsd() <= max, "Cost $" + usd(answer.costUsd()) + " <= $" + usd(max),
                        "Cost $" + usd(answer.costUsd()) + " is over $" + usd(max));
            };
        });
    }

    private static double threshold(Assertion a, String unit) {
        if (a.threshold() == null || a.threshold() < 0) {
            throw new IllegalArgumentException("'" + a.label() + "' needs a threshold in " + unit);
        }
        return a.threshold();
    }

    /** Dollars in plain notation with up to 8 decimals ($0.0000369, never 3.69E-5). */
    private static String usd(double d) {
        return new java.math.BigDecimal(d).setScale(8, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
