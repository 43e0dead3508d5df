package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice stats}: aggregates of the request log as a table (or JSON). */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Requests, errors, latency and TTFT percentiles, tokens, cost and cache hits for a time range.")
final class StatsCommand implements Callable<Integer> {
    @Mixin
    KeysCommand.Target target;

    @Mixin
    AnalyticsFilters filters;

    @Option(names = "--from", defaultValue = "24h",
            description = "Start: ISO time, date, epoch ms, or a time before now like 1h (default ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--to", defaultValue = "now", description = "End, in the same forms (default ${DEFAULT-VALUE}).")
    String to;

    @Option(names = "--bucket", description = "Bucket width, e.g. 5m, 1h, 1d (default: one bucket).")
    String bucket;

    @Option(names = "--group-by", split = ",",
            description = "Up to 3 of model, provider, key, team, user, operation, status, error_type, cache_status,"
                    + " prompt_version, tag:<name>.")
    List<String> groupBy = new ArrayList<>();

    @Override
    public Integer call() {
        StringBuilder q = new StringBuilder("/admin/analytics/stats?");
        AnalyticsFilters.add(q, "from", from);
        AnalyticsFilters.add(q, "to", to);
        AnalyticsFilters.add(q, "bucket", bucket);
        if (!groupBy.isEmpty()) {
            AnalyticsFilters.add(q, "group_by", String.join(",", groupBy));
        }
        q.append(filters.query());
        JsonNode stats = target.client().get(q.toString().replace("?&", "?"));
        if (target.json) {
            System.out.println(stats.toPrettyString());
            return 0;
        }
        List<String> groups = new ArrayList<>();
        stats.path("group_by").forEach(g -> groups.add(g.asText()));
        List<String> header = new ArrayList<>();
        if (bucket != null) {
            header.add("bucket");
        }
        header.addAll(groups);
        header.addAll(List.of("requests", "errors", "p50 ms", "p90 ms", "p99 ms", "ttft p50", "ttft p99", "tokens in",
                "tokens out", "cost $", "cache hits", "feedback"));
        List<List<String>> table = new ArrayList<>();
        table.add(header);
        for (JsonNode row : stats.path("data")) {
            List<String> cells = new ArrayList<>();
            if (bucket != null) {
                cells.add(row.path("bucket_start").asText());
            }
            for (String g : groups) {
                JsonNode v = row.path("group").path(g);
                cells.add(v.isNull() || v.isMissingNode() ? "-" : v.asText());
            }
            cells.add(Long.toString(row.path("count").asLong()));
            cells.add(String.format(Locale.ROOT, "%d (%.1f%%)", row.path("errors").asLong(), 100 * row.path("error_rate").asDouble()));
            cells.add(number(row.path("latency_ms").path("p50")));
            cells.add(number(row.path("latency_ms").path("p90")));
            cells.add(number(row.path("latency_ms").path("p99")));
            cells.add(number(row.path("ttft_ms").path("p50")));
            cells.add(number(row.path("ttft_ms").path("p99")));
            cells.add(Long.toString(row.path("tokens").path("input").asLong()));
            cells.add(Long.toString(row.path("tokens").path("output").asLong()));
            cells.add(String.format(Locale.ROOT, "%.6f", row.path("cost_usd").asDouble()));
            cells.add(String.format(Locale.ROOT, "%d (%.1f%%)", row.path("cache_hits").asLong(), 100 * row.path("cache_hit_rate").asDouble()));
            cells.add(feedback(row.path("feedback")));
            table.add(cells);
        }
        int[] widths = new int[header.size()];
        for (List<String> r : table) {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        for (List<String> r : table) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(LogsCommand.pad(r.get(i), widths[i]));
            }
            System.out.println(line.toString().stripTrailing());
        }
        System.out.println(stats.path("requests").asLong() + " request(s) from " + stats.path("from").asText("the start")
                + " to " + stats.path("to").asText("now") + ".");
        return 0;
    }

    private static String number(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "-" : Long.toString(n.asLong());
    }

    /** The feedback cell: how many, the positive share of thumbs and booleans, the mean score; "-" for none. */
    static String feedback(JsonNode f) {
        long count = f.path("count").asLong();
        if (count == 0) {
            return "-";
        }
        StringBuilder cell = new StringBuilder(Long.toString(count));
        if (f.path("positive_rate").isNumber()) {
            cell.append(String.format(Locale.ROOT, " (%.0f%% positive)", 100 * f.path("positive_rate").asDouble()));
        }
        if (f.path("mean").isNumber()) {
            cell.append(String.format(Locale.ROOT, " mean %.2f", f.path("mean").asDouble()));
        }
        return cell.toString();
    }
}
