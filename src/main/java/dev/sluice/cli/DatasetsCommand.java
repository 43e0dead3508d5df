package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice datasets create|list|show|export|import|add}: evaluation datasets in the gateway,
 * usable in a suite as {@code tests: sluice://datasets/NAME}.
 */
@Command(name = "datasets", mixinStandardHelpOptions = true, description = "Evaluation datasets (tests: sluice://datasets/NAME).",
        subcommands = {DatasetsCommand.Create.class, DatasetsCommand.ListDatasets.class, DatasetsCommand.Show.class,
                DatasetsCommand.Export.class, DatasetsCommand.Import.class, DatasetsCommand.Add.class})
final class DatasetsCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an empty dataset.")
    static final class Create implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--description")
        String description;

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("name", name);
            if (description != null) {
                body.put("description", description);
            }
            target.client().post("/admin/datasets", body);
            System.out.println("Created dataset " + name + " (use it as tests: sluice://datasets/" + name + ")");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The datasets and their sizes.")
    static final class ListDatasets implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Override
        public Integer call() {
            for (JsonNode d : target.client().get("/admin/datasets").path("data")) {
                System.out.printf(Locale.ROOT, "%-30s %6d items  %s%n", d.path("name").asText(), d.path("items").asLong(),
                        d.path("description").asText(""));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A dataset's items.")
    static final class Show implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            JsonNode d = target.client().get("/admin/datasets/" + enc(name));
            if (target.json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(d));
                return 0;
            }
            System.out.println(name + ": " + d.path("items").asLong() + " items");
            for (JsonNode item : d.path("data")) {
                String vars = item.path("vars").toString();
                System.out.println("  " + (vars.length() > 140 ? vars.substring(0, 137) + "..." : vars)
                        + (item.has("expected") ? "  -> " + item.path("expected").asText() : ""));
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a dataset as JSONL (one item a line) or CSV.")
    static final class Export implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = {"-o", "--output"}, required = true, description = "FILE.jsonl or FILE.csv")
        Path out;

        @Override
        public Integer call() throws Exception {
            JsonNode d = target.client().get("/admin/datasets/" + enc(name));
            StringBuilder sb = new StringBuilder();
            if (out.toString().endsWith(".csv")) {
                java.util.LinkedHashSet<String> columns = new java.util.LinkedHashSet<>();
                d.path("data").forEach(i -> i.path("vars").fieldNames().forEachRemaining(columns::add));
                sb.append(String.join(",", columns)).append(",expected\n");
                for (JsonNode i : d.path("data")) {
                    for (String c : columns) {
                        JsonNode v = i.path("vars").path(c);
                        sb.append(csv(v.isTextual() ? v.asText() : v.isMissingNode() ? "" : v.toString())).append(',');
                    }
                    sb.append(csv(i.path("expected").asText(""))).append('\n');
                }
            } else {
                for (JsonNode i : d.path("data")) {
                    ObjectNode line = Json.object();
                    line.set("vars", i.path("vars"));
                    if (i.has("expected")) {
                        line.set("expected", i.get("expected"));
                    }
                    if (i.has("metadata")) {
                        line.set("metadata", i.get("metadata"));
                    }
                    if (i.path("source_request_id").isTextual()) {
                        line.set("source_request_id", i.get("source_request_id"));
                    }
                    sb.append(Json.string(line)).append('\n');
                }
            }
            Files.writeString(out, sb.toString());
            System.out.println("Wrote " + d.path("data").size() + " items to " + out);
            return 0;
        }

        private static String csv(String s) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Add items from JSONL ({\"vars\": {...}, \"expected\"?: ...} a line) or CSV (variables as columns, an 'expected' column).")
    static final class Import implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            ArrayNode items = Json.array();
            String text = Files.readString(file);
            if (file.toString().endsWith(".csv")) {
                List<List<String>> rows = dev.sluice.eval.DatasetFiles.csvRows(text, file.toString());
                List<String> header = rows.isEmpty() ? List.of() : rows.getFirst();
                for (List<String> row : rows.subList(Math.min(1, rows.size()), rows.size())) {
                    ObjectNode item = items.addObject();
                    ObjectNode vars = item.putObject("vars");
                    for (int c = 0; c < header.size(); c++) {
                        String cell = c < row.size() ? row.get(c) : "";
                        if (header.get(c).equals("expected")) {
                            item.put("expected", cell);
                        } else {
                            vars.put(header.get(c), cell);
                        }
                    }
                }
            } else {
                int n = 0;
                for (String line : text.split("\n")) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node = Json.MAPPER.readTree(line);
                    if (!node.path("vars").isObject()) {
                        throw new IllegalArgumentException(file + ":" + n + ": each line needs vars (an object)");
                    }
                    items.add(node);
                }
            }
            JsonNode r = target.client().post("/admin/datasets/" + enc(name) + "/items", Json.object().set("items", items));
            System.out.println("Added " + r.path("added").asInt() + " items to " + name + " (" + r.path("duplicates").asInt()
                    + " duplicates skipped)");
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add logged requests chosen by the analytics filters (needs captured bodies: tracing.capture).")
    static final class Add implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;
        @Mixin
        AnalyticsFilters filters;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--from-logs", required = true, description = "Take the items from the request log.")
        boolean fromLogs;
        @Option(names = "--feedback", description = "negative: only requests that got negative feedback.")
        String feedback;
        @Option(names = "--since", defaultValue = "7d", description = "How far back (default ${DEFAULT-VALUE}).")
        String since;
        @Option(names = "--limit", defaultValue = "100", description = "At most this many requests (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            StringBuilder q = new StringBuilder("?from=" + enc(since) + "&limit=" + limit);
            AnalyticsFilters.add(q, "feedback", feedback);
            q.append(filters.query());
            JsonNode r = target.client().post("/admin/datasets/" + enc(name) + "/from-logs" + q, Json.object());
            System.out.println("Matched " + r.path("matched").asInt() + " requests: added " + r.path("added").asInt()
                    + ", " + r.path("duplicates").asInt() + " duplicates, " + r.path("without_captured_body").asInt()
                    + " without a captured body");
            if (r.has("hint")) {
                System.out.println(r.path("hint").asText());
            }
            return 0;
        }
    }
}
