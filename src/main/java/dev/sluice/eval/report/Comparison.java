package dev.sluice.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run against a baseline (an earlier run's JSON, written with {@code -o} or stored in the
 * gateway), case by case: newly failing, newly passing, and the score, cost and latency deltas.
 * Cases match by test, prompt and target; a case whose prompt was edited (an inline prompt's label
 * is its text) matches the baseline's case of the same test and target at the same prompt
 * position. Drives the regression gate and the regression table.
 */
public record Comparison(List<Row> rows, int regressions, int fixes, int added, int removed, double baselineCostUsd,
                         double currentCostUsd, double baselineLatencyMs, double currentLatencyMs) {

    /** One case in both runs (or in only one: then the other side's pass is null). */
    public record Row(String key, Boolean before, Boolean after, double scoreBefore, double scoreAfter,
                      Double costBefore, Double costAfter) {
        public String change() {
            if (before == null) {
                return "new";
            }
            if (after == null) {
                return "removed";
            }
            if (before && !after) {
                return "REGRESSED";
            }
            if (!before && after) {
                return "fixed";
            }
            return after ? "still passing" : "still failing";
        }
    }

    public static Comparison of(JsonNode baseline, JsonNode current) {
        Map<String, JsonNode> before = JsonReport.casesByKey(baseline);
        Map<String, JsonNode> after = JsonReport.casesByKey(current);
        matchEditedPrompts(before, after);
        List<Row> rows = new ArrayList<>();
        int regressions = 0;
        int fixes = 0;
        int added = 0;
        for (Map.Entry<String, JsonNode> e : after.entrySet()) {
            JsonNode a = e.getValue();
            JsonNode b = before.get(e.getKey());
            Row row = new Row(e.getKey(), b == null ? null : b.path("pass").asBoolean(), a.path("pass").asBoolean(),
                    b == null ? 0 : b.path("score").asDouble(), a.path("score").asDouble(),
                    b == null || !b.has("cost_usd") ? null : b.path("cost_usd").asDouble(),
                    a.has("cost_usd") ? a.path("cost_usd").asDouble() : null);
            rows.add(row);
            switch (row.change()) {
                case "REGRESSED" -> regressions++;
                case "fixed" -> fixes++;
                case "new" -> added++;
                default -> { }
            }
        }
        int removed = 0;
        for (Map.Entry<String, JsonNode> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                removed++;
                JsonNode b = e.getValue();
                rows.add(new Row(e.getKey(), b.path("pass").asBoolean(), null, b.path("score").asDouble(), 0,
                        b.has("cost_usd") ? b.path("cost_usd").asDouble() : null, null));
            }
        }
        return new Comparison(rows, regressions, fixes, added, removed,
                baseline.path("stats").path("cost_usd").asDouble(), current.path("stats").path("cost_usd").asDouble(),
                baseline.path("stats").path("mean_latency_ms").asDouble(), current.path("stats").path("mean_latency_ms").asDouble());
    }

    /**
     * Re-keys the baseline's unmatched cases to the current run's unmatched case of the same test,
     * target and prompt position, so an edited prompt compares with its previous version.
     */
    private static void matchEditedPrompts(Map<String, JsonNode> before, Map<String, JsonNode> after) {
        Map<String, String> currentByPosition = new java.util.HashMap<>();
        for (Map.Entry<String, JsonNode> e : after.entrySet()) {
            if (!before.containsKey(e.getKey())) {
                currentByPosition.put(position(e.getValue()), e.getKey());
            }
        }
        for (Map.Entry<String, JsonNode> e : List.copyOf(before.entrySet())) {
            if (after.containsKey(e.getKey())) {
                continue;
            }
            String currentKey = currentByPosition.remove(position(e.getValue()));
            if (currentKey != null) {
                before.remove(e.getKey());
                before.put(currentKey, e.getValue());
            }
        }
    }

    private static String position(JsonNode c) {
        return c.path("test").asText() + "\u0000" + c.path("prompt_index").asInt(-1) + "\u0000" + c.path("target").asText();
    }

    /** Relative change in percent ({@code +12.5}); 0 when the baseline is 0. */
    public static double increasePercent(double before, double after) {
        return before <= 0 ? 0 : 100 * (after - before) / before;
    }

    public double costIncreasePercent() {
        return increasePercent(baselineCostUsd, currentCostUsd);
    }

    public double latencyIncreasePercent() {
        return increasePercent(baselineLatencyMs, currentLatencyMs);
    }

    /** The regression table: every case whose verdict or score changed, then the totals. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        int width = Math.min(70, rows.stream().mapToInt(r -> r.key().length()).max().orElse(10));
        sb.append(String.format(Locale.ROOT, "%-" + width + "s  %-14s %-15s %s%n", "case", "change", "score", "cost"));
        for (Row r : rows) {
            boolean changed = !r.change().startsWith("still") || Math.abs(r.scoreAfter() - r.scoreBefore()) > 1e-9;
            if (!changed) {
                continue;
            }
            String key = r.key().length() > width ? r.key().substring(0, width - 3) + "..." : r.key();
            sb.append(String.format(Locale.ROOT, "%-" + width + "s  %-14s %.2f -> %.2f   %s%n", key, r.change(),
                    r.scoreBefore(), r.scoreAfter(), cost(r.costBefore()) + " -> " + cost(r.costAfter())));
        }
        sb.append(String.format(Locale.ROOT, "%d regressed, %d fixed, %d new, %d removed; cost %+.1f%%, latency %+.1f%%%n",
                regressions, fixes, added, removed, costIncreasePercent(), latencyIncreasePercent()));
        return sb.toString();
    }

    private static String cost(Double c) {
        return c == null ? "-" : String.format(Locale.ROOT, "$%.5f", c);
    }
}
