package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.prompts.PromptDefinition;
import dev.sluice.prompts.PromptFiles;
import dev.sluice.prompts.PromptRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice prompts push|pull|list|show|diff|label|rollback|rollout}: prompts as code, over the
 * admin API. {@code push} creates a version only for files whose content changed and prints a diff
 * per prompt; {@code pull} writes the files back.
 */
@Command(name = "prompts", mixinStandardHelpOptions = true, description = "Manage stored prompts: versions, labels, rollouts.",
        subcommands = {PromptsCommand.Push.class, PromptsCommand.Pull.class, PromptsCommand.ListPrompts.class,
                PromptsCommand.Show.class, PromptsCommand.Diff.class, PromptsCommand.Label.class,
                PromptsCommand.Rollback.class, PromptsCommand.Rollout.class})
final class PromptsCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** The body with {@code reason} when one was given. */
    static ObjectNode withReason(ObjectNode body, String reason) {
        if (reason != null) {
            body.put("reason", reason);
        }
        return body;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Create a new version of every prompt in DIR/*.yaml whose content changed (idempotent).")
    static final class Push implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "DIR", description = "The directory of prompt files (e.g. prompts/).")
        Path dir;

        @Option(names = {"-m", "--message"}, description = "The commit message recorded with each new version.")
        String message;

        @Override
        public Integer call() {
            List<PromptFiles.Loaded> files = PromptFiles.readDirectory(dir);
            if (files.isEmpty()) {
                System.out.println("No prompt files (*.yaml) in " + dir + ".");
                return 0;
            }
            ObjectNode body = Json.object();
            if (message != null) {
                body.put("message", message);
            }
            ArrayNode prompts = body.putArray("prompts");
            for (PromptFiles.Loaded f : files) {
                prompts.add(json(f.definition()));
            }
            JsonNode answer = target.client().post("/admin/prompts", body);
            if (target.json) {
                System.out.println(answer.toPrettyString());
                return 0;
            }
            for (JsonNode r : answer.path("data")) {
                String status = r.path("status").asText();
                System.out.println(r.path("name").asText() + ": " + switch (status) {
                    case "unchanged" -> "unchanged (version " + r.path("version").asInt() + ")";
                    case "created" -> "created, version " + r.path("version").asInt();
                    default -> "new version " + r.path("version").asInt();
                });
                if (!r.path("diff").asText().isEmpty()) {
                    System.out.print(r.path("diff").asText());
                }
            }
            return 0;
        }

        static ObjectNode json(PromptDefinition d) {
            ObjectNode o = Json.object().put("name", d.name());
            if (d.team() != null) {
                o.put("team", d.team());
            }
            if (d.description() != null) {
                o.put("description", d.description());
            }
            o.setAll(d.content().toJson());
            return o;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = "Write prompts to DIR/NAME.yaml (each at a label, default latest).")
    static final class Pull implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "DIR", description = "Where to write the files.")
        Path dir;

        @Option(names = "--label", defaultValue = "latest", description = "Which version of each prompt (default: ${DEFAULT-VALUE}).")
        String label;

        @Option(names = "--prompt", description = "Only these prompts (default: all).", split = ",")
        List<String> only;

        @Override
        public Integer call() {
            AdminClient client = target.client();
            List<String> names = new ArrayList<>();
            if (only != null) {
                names.addAll(only);
            } else {
                client.get("/admin/prompts").path("data").forEach(p -> names.add(p.path("name").asText()));
            }
            for (String name : names) {
                JsonNode prompt = client.get("/admin/prompts/" + encode(name));
                JsonNode v = client.get("/admin/prompts/" + encode(name) + "/versions/" + encode(label));
                Path file = PromptFiles.write(dir, definition(prompt, v), header(v));
                System.out.println("Wrote " + file + " (" + v.path("ref").asText() + ").");
            }
            return 0;
        }
    }

    /** A definition from the admin API's prompt and version JSON. */
    static PromptDefinition definition(JsonNode prompt, JsonNode version) {
        ObjectNode node = Json.object().put("name", prompt.path("name").asText());
        if (prompt.hasNonNull("team")) {
            node.put("team", prompt.path("team").asText());
        }
        if (prompt.hasNonNull("description")) {
            node.put("description", prompt.path("description").asText());
        }
        if (version.hasNonNull("model")) {
            node.set("model", version.get("model"));
        }
        if (version.path("params").size() > 0) {
            node.set("params", version.get("params"));
        }
        if (version.hasNonNull("guardrail_policy")) {
            node.set("guardrail_policy", version.get("guardrail_policy"));
        }
        node.set("messages", version.get("messages"));
        return PromptDefinition.fromJson(node, null);
    }

    static List<String> header(JsonNode v) {
        List<String> labels = new ArrayList<>();
        v.path("labels").forEach(l -> labels.add(l.asText()));
        return List.of(v.path("ref").asText() + (labels.isEmpty() ? "" : " (" + String.join(", ", labels) + ")")
                + ", pulled by sluice prompts pull; edit and push to create a new version");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List prompts with their labels.")
    static final class ListPrompts implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Override
        public Integer call() {
            JsonNode list = target.client().get("/admin/prompts");
            if (target.json) {
                System.out.println(list.toPrettyString());
                return 0;
            }
            String format = "%-28s %-12s %-7s %s%n";
            System.out.printf(format, "NAME", "TEAM", "LATEST", "LABELS");
            for (JsonNode p : list.path("data")) {
                List<String> labels = new ArrayList<>();
                p.path("labels").properties().forEach(e -> labels.add(e.getKey() + "=" + e.getValue().asInt()));
                System.out.printf(format, p.path("name").asText(), p.path("team").asText("-"),
                        p.path("latest_version").asInt(), String.join(" ", labels));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a version: NAME, NAME@VERSION or NAME:LABEL.")
    static final class Show implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "REF", description = "NAME (latest), NAME@VERSION or NAME:LABEL.")
        String ref;

        @Override
        public Integer call() {
            PromptRef r = PromptRef.parse(ref, "REF");
            String which = r.version() != null ? r.version().toString() : r.label() != null ? r.label() : "latest";
            AdminClient client = target.client();
            JsonNode v = client.get("/admin/prompts/" + encode(r.name()) + "/versions/" + encode(which));
            if (target.json) {
                System.out.println(v.toPrettyString());
                return 0;
            }
            JsonNode prompt = client.get("/admin/prompts/" + encode(r.name()));
            System.out.print(PromptFiles.yaml(definition(prompt, v), header(v)));
            System.out.println("# variables: " + v.path("variables") + ", by " + v.path("author").asText() + " at "
                    + v.path("created_at").asText() + (v.hasNonNull("message") ? ": " + v.path("message").asText() : ""));
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = "The unified diff between two versions.")
    static final class Diff implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "A")
        int from;

        @Parameters(index = "2", paramLabel = "B")
        int to;

        @Override
        public Integer call() {
            JsonNode d = target.client().get("/admin/prompts/" + encode(name) + "/diff?from=" + from + "&to=" + to);
            System.out.print(target.json ? d.toPrettyString() + "\n" : d.path("diff").asText());
            return 0;
        }
    }

    @Command(name = "label", mixinStandardHelpOptions = true, description = "Point LABEL of NAME at VERSION (audited).")
    static final class Label implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "VERSION")
        int version;

        @Parameters(index = "2", paramLabel = "LABEL")
        String label;

        @Option(names = "--reason", description = "Why (recorded with the move).")
        String reason;

        @Override
        public Integer call() {
            ObjectNode body = withReason(Json.object().put("version", version), reason);
            JsonNode m = target.client().post("/admin/prompts/" + encode(name) + "/labels/" + encode(label), body);
            System.out.println(target.json ? m.toPrettyString() : move(m));
            return 0;
        }
    }

    static String move(JsonNode m) {
        return m.path("prompt").asText() + ":" + m.path("label").asText() + " " + (m.path("from_version").isNull() ? "(new)"
                : m.path("from_version").asInt()) + " -> " + m.path("to_version").asInt();
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Move a label back to the version it pointed at before its last move.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--label", defaultValue = "production", description = "Default: ${DEFAULT-VALUE}.")
        String label;

        @Option(names = "--reason", description = "Why (recorded with the move).")
        String reason;

        @Override
        public Integer call() {
            JsonNode m = target.client().post("/admin/prompts/" + encode(name) + "/labels/" + encode(label) + "/rollback",
                    withReason(Json.object(), reason));
            System.out.println(target.json ? m.toPrettyString() : "Rolled back " + move(m));
            return 0;
        }
    }

    @Command(name = "rollout", mixinStandardHelpOptions = true,
            description = "Start a canary: serve VERSION to a growing share of LABEL's traffic, with gates.")
    static final class Rollout implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--to", required = true, description = "The version to roll out.")
        int to;

        @Option(names = "--label", defaultValue = "production", description = "Whose traffic (default: ${DEFAULT-VALUE}).")
        String label;

        @Mixin
        RolloutOptions options;

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("prompt", name).put("label", label).put("to", to);
            return options.start(target, body, name + " on " + label);
        }
    }
}
