package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sluice users erase USER}: the right to erasure, over the admin API (owner key). */
@Command(name = "users", mixinStandardHelpOptions = true, description = "End users' data.",
        subcommands = {UsersCommand.Erase.class})
final class UsersCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "erase", mixinStandardHelpOptions = true,
            description = "Delete everything stored about an end user: request log, spans, bodies, feedback.")
    static final class Erase implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(paramLabel = "USER", description = "The end user, as sent in the request's user field or x-sluice-user.")
        String user;

        @Override
        public Integer call() {
            JsonNode result = target.client().delete("/admin/users/" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                    .replace("+", "%20"));
            if (target.json) {
                System.out.println(result.toPrettyString());
            } else {
                StringBuilder counts = new StringBuilder();
                result.path("deleted").properties().forEach(e -> counts.append(counts.isEmpty() ? "" : ", ")
                        .append(e.getValue().asInt()).append(' ').append(e.getKey()));
                System.out.println("Erased " + user + ": " + counts + ".");
            }
            return 0;
        }
    }
}
