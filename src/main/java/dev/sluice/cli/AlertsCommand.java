package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice alerts}: the alert rules with their state and the alerts the gateway node sent, newest first
 * ({@code GET /admin/alerts}).
 */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Alert rules (firing or ok, last value) and the recent alerts of the node answering.")
final class AlertsCommand implements Callable<Integer> {
    @Mixin
    KeysCommand.Target target;

    @Option(names = "--status", description = "Only alerts with this status: firing, resolved or notice.")
    String status;

    @Option(names = "--since", description = "Only alerts since this time: 15m, 1h, 7d or an ISO instant.")
    String since;

    @Option(names = "--team", description = "Only this team's rules and alerts.")
    String team;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "At most this many alerts (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        StringBuilder query = new StringBuilder("/admin/alerts?limit=" + limit);
        if (status != null) {
            query.append("&status=").append(ReviewsCommand.encode(status));
        }
        if (since != null) {
            query.append("&since=").append(ReviewsCommand.encode(since));
        }
        if (team != null) {
            query.append("&team=").append(ReviewsCommand.encode(team));
        }
        JsonNode page = target.client().get(query.toString());
        PrintStream out = System.out;
        if (target.json) {
            out.println(page);
            return 0;
        }
        out.println("Rules:");
        if (page.path("rules").isEmpty()) {
            out.println("  (no alert rules configured)");
        }
        for (JsonNode r : page.path("rules")) {
            String what = r.path("metric").asText() + (r.path("figure").isTextual() ? " " + r.path("figure").asText() : "");
            String scope = (r.path("model").isTextual() ? " model " + r.path("model").asText() : "")
                    + (r.path("team").isTextual() ? " team " + r.path("team").asText() : "");
            String value = r.path("value").isNumber()
                    ? String.format(java.util.Locale.ROOT, "value %.4g over %d samples", r.path("value").asDouble(),
                    r.path("samples").asInt()) : "not evaluated yet";
            out.println("  " + LogsCommand.pad(r.path("state").asText().toUpperCase(java.util.Locale.ROOT), 8)
                    + LogsCommand.pad(r.path("name").asText(), 22) + " " + r.path("priority").asText() + "  " + what
                    + " > " + r.path("threshold_text").asText() + " over " + r.path("window").asText() + scope
                    + "  (" + value + ")");
        }
        out.println("Recent alerts (this node, newest first):");
        if (page.path("data").isEmpty()) {
            out.println("  (none)");
        }
        for (JsonNode a : page.path("data")) {
            out.println("  " + a.path("time").asText() + "  " + a.path("priority").asText() + "  "
                    + LogsCommand.pad(a.path("status").asText(), 9) + a.path("title").asText());
        }
        return 0;
    }
}
