package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.app.Registries;
import dev.sluice.auth.Secrets;
import dev.sluice.config.ConfigException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.app.Gateway;
import dev.sluice.server.PortInUseException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice demo}: the whole product from one command. Starts the gateway on the built-in
 * demo config (simulator upstream, keys, request log), creates a key through the admin API, sends
 * sample traffic through the gateway, prints a summary and a curl line, and keeps serving.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the gateway on embedded defaults with the simulator, send sample traffic, keep serving.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "${env:SLUICE_PORT:-8080}", description = "Gateway port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--rounds", defaultValue = "5", description = "Rounds of sample traffic (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--db", defaultValue = "${env:SLUICE_DB:-.sluice/demo.db}",
            description = "SQLite file for keys and the request log (default ${DEFAULT-VALUE}).")
    String db;

    @Option(names = "--no-wait", description = "Exit after the sample traffic instead of serving until Ctrl-C.")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("SLUICE_PORT", Integer.toString(port));
        env.put("SLUICE_DB", db);
        SluiceConfig config;
        try {
            config = Registries.configLoader(env).loadDemo();
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        String adminKey = config.auth().adminKey() != null ? config.auth().adminKey() : new Secrets().newAdminKey();
        Gateway gateway;
        try {
            gateway = Gateway.start(config, adminKey, Clock.systemUTC());
        } catch (PortInUseException e) {
            System.err.println("error: port " + e.port() + " is already in use. Run with --port N (or SLUICE_PORT=N).");
            return 2;
        }
        try {
            String base = "http://127.0.0.1:" + gateway.port();
            JsonNode key = new AdminClient(base, adminKey).post("/admin/keys",
                    Json.object().put("name", "demo").put("expires_in", "7d"));
            String secret = key.path("key").asText();
            System.out.println();
            System.out.println("Sluice demo: gateway at " + base + "/v1, upstream = built-in simulator");
            System.out.println("Models: " + String.join(", ", config.modelNames()));
            System.out.println("Sending sample traffic (plain and streaming chat, Anthropic translation, a tool call, embeddings,"
                    + " cache hits, guardrails, feedback)...");
            DemoTraffic traffic = new DemoTraffic(base + "/v1", secret);
            DemoTraffic.Summary summary = traffic.run(rounds);
            printSummary(summary);
            String traceId = null;
            try {
                traceId = traffic.ragTrace();
                System.out.println("  RAG trace: app spans (OTLP to /v1/traces) + the gateway's spans of its chat call, one tree");
            } catch (java.io.IOException e) {
                System.out.println("  failed: RAG trace -> " + e.getMessage());
            }
            boolean evalRan = DemoEval.run(base + "/v1", secret);
            int promptFailures;
            try {
                promptFailures = new DemoPrompts(base, secret, new AdminClient(base, adminKey)).run();
            } catch (java.io.IOException | RuntimeException e) {
                promptFailures = 1;
                System.out.println("  failed: prompts and rollouts -> " + e.getMessage());
            }
            boolean driftFired;
            try {
                driftFired = new DemoDrift(base, secret, new AdminClient(base, adminKey), gateway::awaitQualityWork).run();
            } catch (java.io.IOException | RuntimeException e) {
                driftFired = false;
                System.out.println("  failed: drift alert -> " + e.getMessage());
            }
            System.out.println();
            System.out.println("Try it yourself:");
            System.out.println("  curl " + base + "/v1/chat/completions \\");
            System.out.println("    -H 'Authorization: Bearer " + secret + "' \\");
            System.out.println("    -H 'Content-Type: application/json' \\");
            System.out.println("    -d '{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}'");
            System.out.println();
            System.out.println("Admin key:   " + adminKey);
            if (config.dashboard().enabled()) {
                System.out.println("Dashboard:   " + base + "/ui   (log in with the admin key above)");
            }
            System.out.println("Request log: curl -H 'Authorization: Bearer " + adminKey + "' " + base + "/admin/logs?limit=5");
            System.out.println("Keys:        SLUICE_ADMIN_KEY=" + adminKey + " ./sluice keys list --url " + base);
            if (traceId != null) {
                System.out.println("Trace tree:  curl -H 'Authorization: Bearer " + adminKey + "' " + base + "/admin/traces/" + traceId);
            }
            System.out.println("Stats:       SLUICE_ADMIN_KEY=" + adminKey + " ./sluice stats --from 1h --group-by model --url " + base);
            System.out.println("Live log:    SLUICE_ADMIN_KEY=" + adminKey + " ./sluice logs tail -f --url " + base);
            JsonNode newest = new AdminClient(base, adminKey).get("/admin/logs?limit=1").path("data");
            if (!newest.isEmpty()) {
                System.out.println("One request: SLUICE_ADMIN_KEY=" + adminKey + " ./sluice logs show "
                        + newest.get(0).path("request_id").asText() + " --url " + base + "   (its log row and captured bodies)");
            }
            if (config.metrics() != null) {
                System.out.println("Metrics:     curl " + base + "/metrics   (Prometheus; Grafana dashboard in"
                        + " deploy/grafana/sluice-dashboard.json)");
            }
            DemoPrompts.tryIt(base, adminKey).forEach(System.out::println);
            System.out.println("Alerts:      SLUICE_ADMIN_KEY=" + adminKey + " ./sluice alerts --url " + base
                    + "   (the rules, firing or not, and this node's recent alerts)");
            System.out.println("Feedback:    curl -H 'Authorization: Bearer " + adminKey + "' " + base
                    + "/admin/feedback/summary?group_by=model");
            System.out.println("Reviews:     SLUICE_ADMIN_KEY=" + adminKey + " ./sluice reviews list --url " + base
                    + "   (answers with a thumbs down or a failed online evaluator score; label them, then"
                    + " reviews add-to-dataset ID --dataset reviewed.jsonl)");
            if (!noWait) {
                System.out.println();
                System.out.println("Serving until Ctrl-C.");
                Signals.awaitTermination();
                System.out.println("Draining in-flight requests...");
            }
            System.out.println("Evals:       ./sluice eval examples/evals/promptfooconfig.yaml --url " + base + " --key " + secret);
            return summary.errors() == 0 && traceId != null && evalRan && promptFailures == 0 && driftFired ? 0 : 1;
        } finally {
            gateway.close();
        }
    }

    private static void printSummary(DemoTraffic.Summary s) {
        System.out.println();
        System.out.printf("  requests %d   errors %d   latency p50 %.1f ms   p99 %.1f ms   tokens in %d / out %d%n",
                s.results().size(), s.errors(), s.percentileMicros(50) / 1000.0, s.percentileMicros(99) / 1000.0,
                s.tokensIn(), s.tokensOut());
        if (!s.cacheStatuses().isEmpty()) {
            System.out.println("  cache: " + s.cacheStatuses().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                    .collect(java.util.stream.Collectors.joining(", "))
                    + "   (x-sluice-cache; a repeated question and a paraphrase are answered without the model)");
        }
        for (DemoTraffic.Result r : s.routing()) {
            System.out.println("  " + r.label() + " -> HTTP " + r.status() + " (" + r.route() + ")");
        }
        s.results().stream().filter(r -> r.status() != r.expectedStatus()).forEach(r ->
                System.out.println("  failed: " + r.label() + " -> HTTP " + r.status() + " " + r.error()));
        for (DemoTraffic.Result r : s.guardrails()) {
            System.out.println("  " + r.label() + " -> HTTP " + r.status()
                    + (r.guardrail() != null ? " (x-sluice-guardrail: " + r.guardrail() + ")" : ""));
        }
        s.results().stream().filter(r -> r.expectedStatus() == 201).forEach(r ->
                System.out.println("  " + r.label() + " -> HTTP " + r.status()));
    }
}
