package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice eval list|show|compare}: runs stored with {@code sluice eval --store}, through the admin API. */
final class EvalRunsCommand {
    private EvalRunsCommand() {}

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The stored evaluation runs, newest first.")
    static final class List implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Option(names = "--suite", description = "Only the runs of this suite file.")
        String suite;

        @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "How many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            JsonNode page = target.client().get("/admin/evals?limit=" + limit + (suite == null ? "" : "&suite=" + enc(suite)));
            if (target.json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(page));
                return 0;
            }
            System.out.printf("%-28s %-20s %7s %7s %10s  %s%n", "run", "started", "passed", "rate", "cost", "suite / models");
            for (JsonNode r : page.path("data")) {
                System.out.printf(Locale.ROOT, "%-28s %-20s %3d/%-3d %6.1f%% $%9.5f  %s %s%n", r.path("id").asText(),
                        r.path("started_at").asText().replace('T', ' ').replaceAll("\\..*|Z$", ""),
                        r.path("passed").asInt(), r.path("cases").asInt(), 100 * r.path("pass_rate").asDouble(),
                        r.path("cost_usd").asDouble(), r.path("suite").asText(""), r.path("targets"));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One stored run: its cases and verdicts.")
    static final class Show implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(index = "0", paramLabel = "RUN")
        String id;

        @Override
        public Integer call() throws Exception {
            JsonNode found = target.client().get("/admin/evals/" + enc(id));
            JsonNode run = found.path("run");
            if (target.json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(run));
                return 0;
            }
            System.out.printf(Locale.ROOT, "Run %s (%s), %s: %d/%d passed, $%.5f%n", run.path("id").asText(),
                    run.path("started_at").asText(), run.path("suite").asText(""), run.path("stats").path("passed").asInt(),
                    run.path("stats").path("cases").asInt(), run.path("stats").path("cost_usd").asDouble());
            for (JsonNode c : run.path("results")) {
                System.out.printf(Locale.ROOT, "  %s %.2f  %s%s%n", c.path("pass").asBoolean() ? "PASS" : "FAIL",
                        c.path("score").asDouble(), c.path("key").asText(),
                        c.path("pass").asBoolean() ? "" : "\n         " + c.path("reason").asText());
            }
            return 0;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare a stored run with a baseline run: newly failing, newly passing, score and cost deltas.")
    static final class Compare implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target;

        @Parameters(index = "0", paramLabel = "BASELINE")
        String baseline;

        @Parameters(index = "1", paramLabel = "RUN")
        String run;

        @Override
        public Integer call() throws Exception {
            JsonNode c = target.client().get("/admin/evals/" + enc(run) + "/compare/" + enc(baseline));
            if (target.json) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(c));
                return 0;
            }
            System.out.println("Run " + run + " against baseline " + baseline + ":");
            System.out.print(c.path("table").asText());
            return 0;
        }
    }
}
