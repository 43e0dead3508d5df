package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.config.Durations;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice logs tail}: the newest request-log rows, and with {@code -f} every new one as it is
 * written; {@code sluice logs show ID}: one request with its captured body.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "The request log.",
        subcommands = {LogsCommand.Tail.class, LogsCommand.Show.class})
final class LogsCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = "Print the newest requests (oldest first); with -f keep printing new ones.")
    static final class Tail implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Mixin
        AnalyticsFilters filters;

        @Option(names = {"-n", "--lines"}, defaultValue = "20", description = "How many recent requests (default ${DEFAULT-VALUE}).")
        int lines;

        @Option(names = {"-f", "--follow"}, description = "Keep polling for new requests until interrupted.")
        boolean follow;

        @Option(names = "--interval", defaultValue = "1s", description = "How often -f polls (default ${DEFAULT-VALUE}).")
        String interval;

        @Option(names = "--polls", hidden = true, description = "Stop -f after this many polls (for tests).")
        Integer polls;

        @Option(names = "--after", hidden = true, description = "Follow from this tail_cursor instead of now (for tests).")
        Long after;

        @Override
        public Integer call() throws InterruptedException {
            Duration every = Durations.parse(interval);
            if (every == null || every.toMillis() < 100) {
                throw new IllegalArgumentException("--interval '" + interval + "' is not a duration of at least 100ms (e.g. 1s, 500ms)");
            }
            if (lines < 0 || lines > 1000) {
                throw new IllegalArgumentException("-n must be between 0 and 1000");
            }
            AdminClient client = target.client();
            PrintStream out = System.out;
            String filter = filters.query();
            JsonNode page = client.get("/admin/analytics/requests?limit=" + Math.max(1, lines) + filter);
            List<JsonNode> rows = new ArrayList<>();
            page.path("data").forEach(rows::add);
            for (int i = Math.min(lines, rows.size()) - 1; i >= 0; i--) {
                print(out, rows.get(i));
            }
            out.flush();
            String cursor = after != null ? after.toString() : page.path("tail_cursor").asText();
            int done = 0;
            while (follow && (polls == null || done < polls)) {
                Thread.sleep(every.toMillis());
                done++;
                JsonNode newer;
                do {
                    newer = client.get("/admin/analytics/requests?limit=500&after=" + cursor + filter);
                    newer.path("data").forEach(r -> print(out, r));
                    cursor = newer.path("tail_cursor").asText();
                } while (newer.path("data").size() == 500);
                out.flush();
            }
            return 0;
        }

        private void print(PrintStream out, JsonNode r) {
            if (target.json) {
                out.println(r.toString());
                return;
            }
            StringBuilder line = new StringBuilder();
            line.append(r.path("ts").asText()).append("  ").append(r.path("status").asInt()).append("  ")
                    .append(pad(r.path("model").asText("-"), 18)).append(' ')
                    .append(pad(r.path("provider").asText("-"), 10)).append(' ')
                    .append(String.format(Locale.ROOT, "%6dms", r.path("latency_ms").asLong()));
            line.append(r.path("ttft_ms").isNull() ? "          " : String.format(Locale.ROOT, " ttft %4dms", r.path("ttft_ms").asLong()));
            line.append(String.format(Locale.ROOT, "  %5d>%-5d tok", r.path("tokens_in").asLong(), r.path("tokens_out").asLong()));
            line.append(r.path("cost_usd").isNull() ? "            " : String.format(Locale.ROOT, "  $%.6f", r.path("cost_usd").asDouble()));
            line.append("  ").append(r.path("key_id").asText("-")).append("  ").append(r.path("request_id").asText());
            if (!r.path("error_type").isNull()) {
                line.append("  ").append(r.path("error_type").asText());
            }
            if (!r.path("cache_status").isNull()) {
                line.append("  cache:").append(r.path("cache_status").asText());
            }
            out.println(line);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print one request: its request-log row and its captured request and answer (tracing.capture).")
    static final class Show implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "The request id (x-request-id of the answer).")
        String requestId;

        @Override
        public Integer call() throws java.io.IOException {
            AdminClient client = target.client();
            String id = URLEncoder.encode(requestId, StandardCharsets.UTF_8).replace("+", "%20");
            JsonNode rows = client.get("/admin/logs?limit=1&request_id=" + id).path("data");
            JsonNode row = rows.isEmpty() ? null : rows.get(0);
            JsonNode body = client.getOrNull("/admin/logs/" + id + "/body");
            if (row == null && body == null) {
                throw new IllegalArgumentException("no request '" + requestId + "' in the request log (or not one this"
                        + " admin key may read)");
            }
            PrintStream out = System.out;
            if (target.json) {
                ObjectNode both = Json.object();
                both.set("log", row == null ? NullNode.getInstance() : row);
                both.set("body", body == null ? NullNode.getInstance() : body);
                out.println(both);
                return 0;
            }
            if (row != null) {
                out.println("request   " + row.path("request_id").asText() + "  " + row.path("ts").asText());
                out.println("status    " + row.path("status").asInt() + (row.path("error_type").isNull() ? ""
                        : " " + row.path("error_type").asText()) + "  latency " + row.path("latency_ms").asLong() + "ms");
                out.println("model     " + row.path("model").asText("-") + " via " + row.path("provider").asText("-")
                        + "  tokens " + row.path("tokens_in").asLong() + ">" + row.path("tokens_out").asLong()
                        + (row.path("cost_usd").isNull() ? "" : String.format(Locale.ROOT, "  $%.6f",
                        row.path("cost_usd").asDouble())));
                out.println("key       " + row.path("key_id").asText("-") + "  team " + row.path("team").asText("-")
                        + "  user " + row.path("user").asText("-"));
                if (!row.path("trace_id").isNull() && !row.path("trace_id").isMissingNode()) {
                    out.println("trace     " + row.path("trace_id").asText());
                }
            }
            if (body == null) {
                out.println("(no captured body: set tracing.capture to metadata or full to store bodies)");
            } else {
                printBodies(out, body);
            }
            return 0;
        }
    }

    /** A captured request and answer ({@code request} and {@code response} of {@code captured}), pretty-printed. */
    static void printBodies(PrintStream out, JsonNode captured) throws java.io.IOException {
        out.println("--- request");
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(captured.path("request")));
        out.println("--- response");
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(captured.path("response")));
    }

    static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
