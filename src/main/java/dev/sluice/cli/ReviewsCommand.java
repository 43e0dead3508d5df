package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice reviews list|show|label|add-to-dataset}: the review queue over the admin API
 * ({@code /admin/reviews}), and a labelled item appended to a JSONL dataset as one eval test.
 */
@Command(name = "reviews", mixinStandardHelpOptions = true,
        description = "The review queue: answers with negative feedback or failed online scores.",
        subcommands = {ReviewsCommand.ListItems.class, ReviewsCommand.Show.class, ReviewsCommand.Label.class,
                ReviewsCommand.AddToDataset.class})
final class ReviewsCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List review items, newest first.")
    static final class ListItems implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Option(names = "--status", defaultValue = "open", description = "open, labelled or all (default ${DEFAULT-VALUE}).")
        String status;

        @Option(names = "--team", description = "Only this team's items.")
        String team;

        @Option(names = "--model", description = "Only this model's items.")
        String model;

        @Option(names = {"-n", "--limit"}, defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            StringBuilder query = new StringBuilder("/admin/reviews?status=" + encode(status) + "&limit=" + limit);
            if (team != null) {
                query.append("&team=").append(encode(team));
            }
            if (model != null) {
                query.append("&model=").append(encode(model));
            }
            JsonNode page = target.client().get(query.toString());
            PrintStream out = System.out;
            if (target.json) {
                out.println(page);
                return 0;
            }
            for (JsonNode r : page.path("data")) {
                out.println(r.path("ts").asText() + "  " + r.path("id").asText() + "  "
                        + LogsCommand.pad(r.path("status").asText() + (r.path("label").isTextual()
                        ? ":" + r.path("label").asText() : ""), 18) + " "
                        + LogsCommand.pad(r.path("team").asText("-"), 10) + " "
                        + LogsCommand.pad(r.path("model").asText("-"), 18) + " "
                        + r.path("reason").asText() + "  " + r.path("request_id").asText());
            }
            if (page.path("data").isEmpty()) {
                out.println("(no " + (status.equals("all") ? "" : status + " ") + "review items)");
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print one review item with its captured request and answer.")
    static final class Show implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(index = "0", paramLabel = "ID", description = "The review item id (rv_...).")
        String id;

        @Override
        public Integer call() throws IOException {
            JsonNode item = target.client().get("/admin/reviews/" + encode(id));
            PrintStream out = System.out;
            if (target.json) {
                out.println(item);
                return 0;
            }
            out.println("review    " + item.path("id").asText() + "  " + item.path("ts").asText());
            out.println("status    " + item.path("status").asText() + (item.path("label").isTextual()
                    ? "  label " + item.path("label").asText() + " by " + item.path("labelled_by").asText("-") : ""));
            if (item.path("comment").isTextual()) {
                out.println("comment   " + item.path("comment").asText());
            }
            out.println("reason    " + item.path("reason").asText() + (item.path("score").isNumber()
                    ? String.format(Locale.ROOT, "  score %.2f", item.path("score").asDouble()) : ""));
            out.println("request   " + item.path("request_id").asText() + "  model " + item.path("model").asText("-")
                    + (item.path("prompt").isTextual() ? "  prompt " + item.path("prompt").asText() : ""));
            out.println("key       " + item.path("key_id").asText("-") + "  team " + item.path("team").asText("-"));
            if (!item.path("body_captured").asBoolean()) {
                out.println("(no captured body: set tracing.capture to full to store requests and answers)");
            } else {
                LogsCommand.printBodies(out, item);
            }
            return 0;
        }
    }

    @Command(name = "label", mixinStandardHelpOptions = true, description = "Label a review item (again).")
    static final class Label implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(index = "0", paramLabel = "ID", description = "The review item id (rv_...).")
        String id;

        @Option(names = "--label", required = true, description = "correct, incorrect or harmful.")
        String label;

        @Option(names = "--comment", description = "Why; kept with the label and in the dataset's test.")
        String comment;

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("label", label);
            if (comment != null) {
                body.put("comment", comment);
            }
            JsonNode item = target.client().post("/admin/reviews/" + encode(id) + "/label", body);
            System.out.println(target.json ? item.toString()
                    : "labelled " + item.path("id").asText() + " " + item.path("label").asText());
            return 0;
        }
    }

    @Command(name = "add-to-dataset", mixinStandardHelpOptions = true,
            description = "Append a labelled review item to a JSONL dataset as one sluice eval test.")
    static final class AddToDataset implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(index = "0", paramLabel = "ID", description = "The review item id (rv_...).")
        String id;

        @Option(names = "--dataset", required = true, paramLabel = "FILE.jsonl",
                description = "The dataset to append to (created when missing); a suite reads it with tests: file://FILE.jsonl.")
        Path dataset;

        @Override
        public Integer call() throws IOException {
            if (!dataset.getFileName().toString().endsWith(".jsonl")) {
                throw new IllegalArgumentException("--dataset must be a .jsonl file (a suite reads it with"
                        + " tests: file://NAME.jsonl)");
            }
            if (alreadyIn(dataset, id)) {
                throw new IllegalArgumentException("review item " + id + " is already in " + dataset);
            }
            ObjectNode test = ReviewTestCase.of(target.client().get("/admin/reviews/" + encode(id)));
            String line = Json.string(test) + "\n";
            if (Files.exists(dataset) && Files.size(dataset) > 0 && !endsWithNewline(dataset)) {
                line = "\n" + line;
            }
            if (dataset.toAbsolutePath().getParent() != null) {
                Files.createDirectories(dataset.toAbsolutePath().getParent());
            }
            Files.writeString(dataset, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.println(target.json ? test.toString() : "added " + id + " (" + test.path("metadata").path("label")
                    .asText() + ") to " + dataset);
            return 0;
        }

        /** Whether a line of the dataset came from this review item already. */
        private static boolean alreadyIn(Path dataset, String id) throws IOException {
            if (!Files.exists(dataset)) {
                return false;
            }
            try (var lines = Files.lines(dataset, StandardCharsets.UTF_8)) {
                return lines.filter(l -> l.contains(id)).anyMatch(l -> {
                    try {
                        return Json.MAPPER.readTree(l).path("metadata").path("review_id").asText().equals(id);
                    } catch (IOException e) {
                        return false;
                    }
                });
            }
        }

        private static boolean endsWithNewline(Path file) throws IOException {
            try (var in = Files.newByteChannel(file)) {
                in.position(in.size() - 1);
                java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
                in.read(last);
                return last.get(0) == '\n';
            }
        }
    }
}
