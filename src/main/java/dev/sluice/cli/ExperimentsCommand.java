package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice experiments start|list|status|stop|promote|pause|resume|abort|shadow}: A/B splits,
 * canary rollouts ({@code ro_...}, started by {@code sluice prompts rollout}) and shadow traffic
 * ({@code sh_...}), over the admin API.
 */
@Command(name = "experiments", mixinStandardHelpOptions = true,
        description = "A/B experiments, canary rollouts and shadow traffic.",
        subcommands = {ExperimentsCommand.Start.class, ExperimentsCommand.ListAll.class, ExperimentsCommand.Status.class,
                ExperimentsCommand.Stop.class, ExperimentsCommand.Promote.class, ExperimentsCommand.Pause.class,
                ExperimentsCommand.Resume.class, ExperimentsCommand.Abort.class, ExperimentsCommand.Shadow.class})
final class ExperimentsCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** The admin path of an experiment by its id's prefix. */
    static String path(String id) {
        String kind = id.startsWith("ro_") ? "rollouts" : id.startsWith("sh_") ? "shadows" : "experiments";
        return "/admin/" + kind + "/" + PromptsCommand.encode(id);
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start an A/B split of a prompt's label (or of a model) between variants by weight.")
    static final class Start implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "NAME", description = "The prompt (or, with --model, the public model).")
        String name;

        @Option(names = "--variants", required = true, split = ",",
                description = "NAME=TARGET[:WEIGHT],... e.g. control=1:50,concise=2:50 (TARGET: a version, or a model).")
        List<String> variants;

        @Option(names = "--label", defaultValue = "production", description = "The prompt label to split (default: ${DEFAULT-VALUE}).")
        String label;

        @Option(names = "--model", description = "Split a model's traffic instead of a prompt's.")
        boolean model;

        @Override
        public Integer call() {
            ObjectNode body = Json.object();
            if (model) {
                body.put("subject", "model:" + name);
            } else {
                body.put("prompt", name).put("label", label);
            }
            ArrayNode list = body.putArray("variants");
            for (String v : variants) {
                int eq = v.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("a variant is NAME=TARGET[:WEIGHT], e.g. control=1:50; got '" + v + "'");
                }
                String spec = v.substring(eq + 1);
                int colon = spec.lastIndexOf(':');
                int weight = colon > 0 ? Integer.parseInt(spec.substring(colon + 1)) : 1;
                list.addObject().put("name", v.substring(0, eq)).put("target", colon > 0 ? spec.substring(0, colon) : spec)
                        .put("weight", weight);
            }
            JsonNode e = target.client().post("/admin/experiments", body);
            System.out.println(target.json ? e.toPrettyString() : "Started experiment " + e.path("id").asText() + " on "
                    + e.path("subject").asText() + ". Follow it: sluice experiments status " + e.path("id").asText());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Recent A/B experiments, rollouts and shadows.")
    static final class ListAll implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Override
        public Integer call() {
            AdminClient client = target.client();
            String format = "%-22s %-7s %-28s %-12s %s%n";
            System.out.printf(format, "ID", "TYPE", "SUBJECT", "STATUS", "DETAIL");
            for (JsonNode e : client.get("/admin/experiments").path("data")) {
                System.out.printf(format, e.path("id").asText(), "ab", e.path("subject").asText(), e.path("status").asText(),
                        "label " + e.path("label").asText("-"));
            }
            for (JsonNode r : client.get("/admin/rollouts").path("data")) {
                System.out.printf(format, r.path("id").asText(), "canary", r.path("subject").asText(), r.path("status").asText(),
                        r.path("baseline").asText() + " -> " + r.path("candidate").asText() + " at "
                                + r.path("candidate_percent").asInt() + "%");
            }
            for (JsonNode s : client.get("/admin/shadows").path("data")) {
                System.out.printf(format, s.path("id").asText(), "shadow", s.path("subject").asText(), s.path("status").asText(),
                        "candidate " + s.path("candidate").asText());
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "An experiment, rollout or shadow with its live figures.")
    static final class Status implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            JsonNode e = target.client().get(path(id));
            if (target.json) {
                System.out.println(e.toPrettyString());
                return 0;
            }
            System.out.print(render(e));
            return 0;
        }
    }

    /** A human summary of an experiment's, rollout's or shadow's JSON. */
    static String render(JsonNode e) {
        StringBuilder out = new StringBuilder();
        String object = e.path("object").asText();
        out.append(e.path("id").asText()).append("  ").append(e.path("subject").asText()).append("  ")
                .append(e.path("status").asText()).append('\n');
        switch (object) {
            case "rollout" -> {
                out.append("  ").append(e.path("baseline").asText()).append(" -> ").append(e.path("candidate").asText())
                        .append(" on ").append(e.path("label").asText()).append(": step ").append(e.path("step").asInt())
                        .append(" of ").append(e.path("steps").size()).append(" (").append(e.path("candidate_percent").asInt())
                        .append("%)\n");
                if (e.hasNonNull("reason")) {
                    out.append("  reason: ").append(e.path("reason").asText()).append('\n');
                }
                for (JsonNode c : e.path("last_checks")) {
                    out.append(String.format(Locale.ROOT, "  gate %-28s %-8s candidate %s, current %s, threshold %s%n",
                            c.path("gate").asText(), c.path("outcome").asText(), c.path("candidate"), c.path("baseline"),
                            c.path("threshold")));
                }
                JsonNode w = e.path("window");
                if (!w.isMissingNode()) {
                    out.append(figures("baseline", w.path("baseline"))).append(figures("candidate", w.path("candidate")));
                }
            }
            case "experiment" -> {
                for (JsonNode v : e.path("variants")) {
                    out.append("  ").append(v.path("name").asText()).append(" -> ").append(v.path("target").asText())
                            .append(" (weight ").append(v.path("weight").asInt()).append(")\n");
                    if (v.has("figures")) {
                        out.append(figures(v.path("name").asText(), v.path("figures")));
                    }
                }
                for (JsonNode c : e.path("comparisons")) {
                    for (JsonNode t : c.path("tests")) {
                        out.append(String.format(Locale.ROOT, "  %s vs %s %-24s p=%s%s%n", c.path("variant").asText(),
                                c.path("control").asText(), t.path("metric").asText(), t.path("p_value"),
                                t.path("significant").asBoolean() ? " (significant)" : ""));
                    }
                }
            }
            case "shadow" -> {
                JsonNode r = e.path("results");
                out.append("  candidate ").append(e.path("candidate").asText()).append(", share ").append(e.path("share"))
                        .append(", budget $").append(e.path("budget_usd")).append('\n');
                out.append(String.format(Locale.ROOT, "  calls %d, failures %d, mean latency %s ms, mean similarity %s,"
                        + " cost $%s%n", r.path("calls").asLong(), r.path("failures").asLong(), r.path("mean_latency_ms"),
                        r.path("mean_similarity"), r.path("cost_usd")));
            }
            default -> out.append(e.toPrettyString()).append('\n');
        }
        return out.toString();
    }

    private static String figures(String name, JsonNode f) {
        return String.format(Locale.ROOT, "    %-10s requests %d, errors %d (rate %s), p50 %s ms, p99 %s ms, cost $%s,"
                + " positive feedback %s%n", name, f.path("requests").asLong(), f.path("errors").asLong(),
                f.path("error_rate"), f.path("latency_p50_ms"), f.path("latency_p99_ms"), f.path("cost_usd"),
                f.path("feedback_positive_rate"));
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop an A/B experiment (or a shadow) without a winner.")
    static final class Stop implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            JsonNode e = target.client().post(path(id) + "/stop", Json.object());
            System.out.println(target.json ? e.toPrettyString() : "Stopped " + id + ".");
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Stop an A/B experiment and point its label at the winning variant's version.")
    static final class Promote implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "VARIANT")
        String variant;

        @Override
        public Integer call() {
            JsonNode e = target.client().post(path(id) + "/stop", Json.object().put("winner", variant));
            System.out.println(target.json ? e.toPrettyString() : "Promoted " + variant + " of " + id + ".");
            return 0;
        }
    }

    /** Pauses, resumes or aborts a rollout and prints its state. */
    static int control(KeysCommand.Target target, String id, String action, String reason) {
        System.out.print(render(target.client().post(path(id) + "/" + action, PromptsCommand.withReason(Json.object(), reason))));
        return 0;
    }

    /** A rollout action that may carry a reason ({@code pause}, {@code abort}). */
    abstract static class ReasonedAction implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--reason")
        String reason;

        abstract String action();

        @Override
        public Integer call() {
            return control(target, id, action(), reason);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a rollout: the split stays, nothing is decided.")
    static final class Pause extends ReasonedAction {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused rollout (a fresh window).")
    static final class Resume implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return control(target, id, "resume", null);
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true, description = "Abort a rollout: all traffic back on the current version.")
    static final class Abort extends ReasonedAction {
        @Override
        String action() {
            return "abort";
        }
    }

    @Command(name = "shadow", mixinStandardHelpOptions = true,
            description = "Send a share of a prompt's (or model's) requests to a candidate too; its answers are only compared.")
    static final class Shadow implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "NAME", description = "The prompt (or, with --model, the public model).")
        String name;

        @Option(names = "--candidate", required = true, description = "A prompt version (or, with --model, a model).")
        String candidate;

        @Option(names = "--model", description = "Shadow a model's traffic instead of a prompt's.")
        boolean model;

        @Option(names = "--share", defaultValue = "0.1", description = "Share of requests copied (default: ${DEFAULT-VALUE}).")
        double share;

        @Option(names = "--budget-usd", defaultValue = "5", description = "Total candidate spend cap (default: ${DEFAULT-VALUE}).")
        double budget;

        @Option(names = "--max-per-minute", defaultValue = "60", description = "Copies per minute per instance (default: ${DEFAULT-VALUE}).")
        int perMinute;

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("subject", (model ? "model:" : "prompt:") + name).put("candidate", candidate)
                    .put("share", share).put("budget_usd", budget).put("max_per_minute", perMinute);
            JsonNode s = target.client().post("/admin/shadows", body);
            System.out.println(target.json ? s.toPrettyString() : "Started shadow " + s.path("id").asText()
                    + ". Report: sluice experiments status " + s.path("id").asText());
            return 0;
        }
    }
}
