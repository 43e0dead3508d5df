package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice teams create|list|delete}: manages teams over the admin API. */
@Command(name = "teams", mixinStandardHelpOptions = true, description = "Manage teams (they own keys, limits and budgets).",
        subcommands = {TeamsCommand.Create.class, TeamsCommand.ListTeams.class, TeamsCommand.Delete.class})
final class TeamsCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a team.")
    static final class Create implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "ID", description = "A slug: lower-case letters, digits, '-' or '_'.")
        String id;

        @Option(names = "--name", description = "Display name (default: the id).")
        String name;

        @Mixin
        QuotaOptions quota;

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("id", id);
            if (name != null) {
                body.put("name", name);
            }
            quota.addTo(body);
            JsonNode team = target.client().post("/admin/teams", body);
            System.out.println(target.json ? team.toPrettyString() : "Created team " + team.path("id").asText() + ".");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List teams with their limits and budgets.")
    static final class ListTeams implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Override
        public Integer call() {
            JsonNode list = target.client().get("/admin/teams");
            if (target.json) {
                System.out.println(list.toPrettyString());
                return 0;
            }
            String format = "%-16s %-20s %-8s %-10s %-6s %-10s %s%n";
            System.out.printf(format, "ID", "NAME", "RPM", "TPM", "CONC", "DAILY $", "MONTHLY $");
            for (JsonNode t : list.path("data")) {
                JsonNode l = t.path("limits");
                JsonNode b = t.path("budget");
                System.out.printf(format, t.path("id").asText(), t.path("name").asText(), or(l.path("rpm")),
                        or(l.path("tpm")), or(l.path("concurrency")), or(b.path("daily_usd")), or(b.path("monthly_usd")));
            }
            return 0;
        }

        private static String or(JsonNode v) {
            return v.isNull() || v.isMissingNode() ? "-" : v.asText();
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a team without active keys.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            target.client().delete("/admin/teams/" + id);
            System.out.println("Deleted team " + id + ".");
            return 0;
        }
    }
}
