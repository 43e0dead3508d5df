package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice rollouts start|list}: canary rollouts of a prompt version or of a model ({@code /admin/rollouts});
 * pause, resume, abort and status are {@code sluice experiments pause|resume|abort|status ID}.
 */
@Command(name = "rollouts", mixinStandardHelpOptions = true,
        description = "Canary rollouts of prompt versions and models, with gates and automatic rollback.",
        subcommands = {RolloutsCommand.Start.class, RolloutsCommand.ListRollouts.class})
final class RolloutsCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** Exactly one of a prompt or a model. */
    static final class Subject {
        @Option(names = "--prompt", required = true, description = "Roll out a version of this prompt.")
        String prompt;

        @Option(names = "--model", required = true, description = "Roll out another model for this model's traffic (owner key).")
        String model;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a canary: --prompt NAME --to VERSION [--label L], or --model NAME --to MODEL.")
    static final class Start implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Subject subject;

        @Option(names = "--to", required = true, description = "The candidate: a version number (prompt) or a model.")
        String to;

        @Option(names = "--label", defaultValue = "production", description = "A prompt's label whose traffic is split"
                + " (default: ${DEFAULT-VALUE}).")
        String label;

        @Mixin
        RolloutOptions options;

        @Override
        public Integer call() {
            ObjectNode body = Json.object();
            if (subject.model != null) {
                body.put("model", subject.model).put("to", to);
                return options.start(target, body, "model " + subject.model);
            }
            int version;
            try {
                version = Integer.parseInt(to);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--to must be a version number for a prompt, got '" + to + "'");
            }
            body.put("prompt", subject.prompt).put("label", label).put("to", version);
            return options.start(target, body, subject.prompt + " on " + label);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Rollouts, newest first.")
    static final class ListRollouts implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Option(names = "--active", description = "Only running and paused ones.")
        boolean active;

        @Override
        public Integer call() {
            JsonNode page = target.client().get("/admin/rollouts" + (active ? "?status=active" : ""));
            if (target.json) {
                System.out.println(page);
                return 0;
            }
            for (JsonNode r : page.path("data")) {
                System.out.println(r.path("id").asText() + "  " + LogsCommand.pad(r.path("status").asText(), 12)
                        + LogsCommand.pad(r.path("subject").asText(), 28) + " " + r.path("baseline").asText() + " -> "
                        + r.path("candidate").asText() + "  " + r.path("candidate_percent").asInt() + "%"
                        + (r.path("reason").isTextual() ? "  (" + r.path("reason").asText() + ")" : ""));
            }
            if (page.path("data").isEmpty()) {
                System.out.println("(no rollouts)");
            }
            return 0;
        }
    }
}
