package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice keys create|list|revoke}: manages virtual keys over the admin API. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage virtual API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Rotate.class,
                KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** Where the gateway is and how to authenticate to its admin API. */
    static final class Target {
        @Option(names = "--url", defaultValue = "${env:SLUICE_URL:-http://127.0.0.1:8080}",
                description = "Gateway URL (default: $SLUICE_URL or ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--admin-key", defaultValue = "${env:SLUICE_ADMIN_KEY}",
                description = "Admin key (default: $SLUICE_ADMIN_KEY).")
        String adminKey;

        @Option(names = "--json", description = "Print the raw JSON answer.")
        boolean json;

        AdminClient client() {
            return new AdminClient(url, adminKey);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; its secret is shown once.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--name", required = true, description = "A name to tell the key apart.")
        String name;

        @Option(names = "--models", split = ",", description = "Models the key may use (default: all).")
        List<String> models;

        @Option(names = "--expires-in", description = "Lifetime, e.g. 12h or 30d (default: never expires).")
        String expiresIn;

        @Option(names = "--team", description = "Team the key belongs to.")
        String team;

        @Mixin
        QuotaOptions quota;

        @Override
        public Integer call() {
            ObjectNode body = Json.object().put("name", name);
            if (models != null) {
                body.set("models", Json.MAPPER.valueToTree(models));
            }
            if (expiresIn != null) {
                body.put("expires_in", expiresIn);
            }
            if (team != null) {
                body.put("team", team);
            }
            quota.addTo(body);
            JsonNode key = target.client().post("/admin/keys", body);
            if (target.json) {
                System.out.println(key.toPrettyString());
            } else {
                System.out.println("Created key " + key.path("id").asText() + " (" + key.path("name").asText() + ")");
                System.out.println("Secret (shown once, store it now): " + key.path("key").asText());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() {
            JsonNode list = target.client().get("/admin/keys");
            if (target.json) {
                System.out.println(list.toPrettyString());
                return 0;
            }
            String format = "%-16s %-20s %-8s %-10s %-24s %s%n";
            System.out.printf(format, "ID", "NAME", "STATUS", "SECRET", "EXPIRES", "MODELS");
            for (JsonNode k : list.path("data")) {
                List<String> allowed = new java.util.ArrayList<>();
                k.path("models").forEach(m -> allowed.add(m.asText()));
                System.out.printf(format, k.path("id").asText(), k.path("name").asText(), k.path("status").asText(),
                        k.path("hint").asText(), k.path("expires_at").isNull() ? "never" : k.path("expires_at").asText(),
                        allowed.isEmpty() ? "all" : String.join(",", allowed));
            }
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Give a key a new secret; the old one keeps working for the grace period.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "ID", description = "The key's id (key_...).")
        String id;

        @Option(names = "--grace", defaultValue = "24h", description = "How long the old secret still works (default ${DEFAULT-VALUE}).")
        String grace;

        @Override
        public Integer call() {
            JsonNode key = target.client().post("/admin/keys/" + id + "/rotate", Json.object().put("grace", grace));
            if (target.json) {
                System.out.println(key.toPrettyString());
            } else {
                System.out.println("Rotated key " + id + "; the old secret works until "
                        + key.path("previous_secret_valid_until").asText("now (no grace)") + ".");
                System.out.println("New secret (shown once, store it now): " + key.path("key").asText());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key at once.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "ID", description = "The key's id (key_...).")
        String id;

        @Override
        public Integer call() {
            JsonNode result = target.client().delete("/admin/keys/" + id);
            if (target.json) {
                System.out.println(result.toPrettyString());
            } else {
                System.out.println(result.path("already_revoked").asBoolean() ? "Key " + id + " was already revoked."
                        : "Revoked key " + id + ".");
            }
            return 0;
        }
    }
}
