package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's prompts-and-rollouts part: a stored prompt with versions, an A/B split that promotes
 * its winner, a canary of a version whose model's upstream always fails (rolled back by the
 * gateway's gates while traffic flows), and a shadow comparison. Everything goes through the
 * public HTTP API; the output says what happened and how to look at it.
 */
final class DemoPrompts {
    static final String NAME = "support-answer";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String apiKey;
    private final AdminClient admin;
    private int failed;

    DemoPrompts(String base, String apiKey, AdminClient admin) {
        this.base = base;
        this.apiKey = apiKey;
        this.admin = admin;
    }

    /** Runs the four parts; returns how many steps did not go as they should (0 = all fine). */
    int run() throws IOException, InterruptedException {
        System.out.println();
        System.out.println("Prompts and rollouts (prompt '" + NAME + "', rendered by the gateway from {\"prompt\": {...}}):");
        push("You answer questions about {{ company }} in a friendly tone.", "gpt-4o-mini", "v1");
        admin.post("/admin/prompts/" + NAME + "/labels/production", Json.object().put("version", 1));
        push("You answer questions about {{ company }}. Be concise: two sentences at most.", "gpt-4o-mini", "v2: concise");
        System.out.println("  pushed versions 1 and 2; production -> 1");

        // A/B: half the users get each version, sticky per user; the winner is promoted
        ObjectNode ab = Json.object().put("prompt", NAME);
        ab.putArray("variants").add(Json.object().put("name", "friendly").put("target", "1").put("weight", 50))
                .add(Json.object().put("name", "concise").put("target", "2").put("weight", 50));
        String abId = admin.post("/admin/experiments", ab).path("id").asText();
        Map<String, Integer> split = traffic(40, "ab-user-");
        JsonNode status = admin.get("/admin/experiments/" + abId);
        for (int i = 0; i < 40 && served(status) < 40; i++) { // the request log is written just after each answer
            Thread.sleep(50);
            status = admin.get("/admin/experiments/" + abId);
        }
        StringBuilder figures = new StringBuilder();
        for (JsonNode v : status.path("variants")) {
            figures.append(String.format(Locale.ROOT, " %s %d req p50 %s ms;", v.path("name").asText(),
                    v.path("figures").path("requests").asLong(), v.path("figures").path("latency_p50_ms")));
        }
        System.out.println("  A/B " + abId + ": 40 users split " + split + " ->" + figures);
        admin.post("/admin/experiments/" + abId + "/stop", Json.object().put("winner", "concise"));
        System.out.println("  promoted the winner 'concise': production -> 2");

        // canary: version 3 names a model whose upstream fails every call (the demo config's broken-model)
        push("You answer questions about {{ company }}. Be concise.", "broken-model", "v3: new model");
        ObjectNode plan = Json.object().put("prompt", NAME).put("to", 3).put("every", "1m");
        plan.putArray("steps").add(20).add(50).add(100);
        plan.putObject("gates").put("max_error_rate", 0.05).put("min_samples", 5);
        // with require_eval the gateway refuses: no stored eval run has evaluated version 3
        try {
            admin.post("/admin/rollouts", plan.deepCopy().put("require_eval", true));
            failed++;
            System.out.println("  failed: a rollout with require_eval started without a stored eval run");
        } catch (IllegalStateException e) {
            System.out.println("  --require-eval: refused (409): " + e.getMessage().substring(0,
                    e.getMessage().indexOf('.') + 1) + " The demo starts the canary without it, to show the rollback:");
        }
        String roId = admin.post("/admin/rollouts", plan).path("id").asText();
        System.out.println("  canary " + roId + ": version 3 to 20% of production's users, then 50%, 100% (gate: errors <= 5%)");
        JsonNode rollout = null;
        int sent = 0;
        int clientErrors = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (Map.Entry<String, Integer> e : traffic(20, "canary-user-" + sent + "-").entrySet()) {
                clientErrors += e.getKey().contains("HTTP") ? e.getValue() : 0;
            }
            sent += 20;
            rollout = admin.get("/admin/rollouts/" + roId);
            if (!rollout.path("status").asText().equals("running")) {
                break;
            }
            Thread.sleep(500);
        }
        if (rollout != null && rollout.path("status").asText().equals("rolled_back")) {
            System.out.println("  automatic rollback after " + sent + " requests (" + clientErrors + " of them, the canary's"
                    + " share, failed upstream): " + rollout.path("reason").asText());
            System.out.println("  production still -> " + admin.get("/admin/prompts/" + NAME).path("labels").path("production")
                    .asInt() + "; the alert and the audit entry name the gate and both versions' figures");
        } else {
            failed++;
            System.out.println("  failed: the canary was not rolled back: " + (rollout == null ? "no status" : rollout));
        }

        // shadow: production stays on 2, a copy of each request goes to version 1 for comparison
        ObjectNode shadow = Json.object().put("prompt", NAME).put("candidate", "1").put("share", 1.0)
                .put("budget_usd", 0.50).put("max_per_minute", 600);
        String shId = admin.post("/admin/shadows", shadow).path("id").asText();
        traffic(10, "shadow-user-");
        JsonNode report = admin.get("/admin/shadows/" + shId);
        for (int i = 0; i < 50 && report.path("results").path("calls").asLong() < 10; i++) {
            Thread.sleep(100);
            report = admin.get("/admin/shadows/" + shId);
        }
        JsonNode r = report.path("results");
        System.out.println(String.format(Locale.ROOT, "  shadow %s: %d copies to version 1, %d failed, mean similarity to"
                        + " production %.2f (the simulator answers random text), %.1f ms mean, $%.6f; clients only ever saw version 2", shId,
                r.path("calls").asLong(), r.path("failures").asLong(), r.path("mean_similarity").asDouble(),
                r.path("mean_latency_ms").asDouble(), r.path("cost_usd").asDouble()));
        admin.post("/admin/shadows/" + shId + "/stop", Json.object());
        return failed;
    }

    private static long served(JsonNode experiment) {
        long n = 0;
        for (JsonNode v : experiment.path("variants")) {
            n += v.path("figures").path("requests").asLong();
        }
        return n;
    }

    private void push(String system, String model, String message) {
        ObjectNode body = Json.object().put("message", message);
        ObjectNode def = body.putArray("prompts").addObject().put("name", NAME).put("model", model);
        def.putArray("messages").add(Json.object().put("role", "system").put("content", system))
                .add(Json.object().put("role", "user").put("content", "{{ question }}"));
        admin.post("/admin/prompts", body);
    }

    /** One request per user; returns how many got each version (x-sluice-prompt), failures as HTTP status. */
    private Map<String, Integer> traffic(int users, String prefix) throws IOException, InterruptedException {
        Map<String, Integer> versions = new TreeMap<>();
        for (int u = 0; u < users; u++) {
            ObjectNode body = Json.object();
            ObjectNode prompt = body.putObject("prompt").put("id", NAME);
            prompt.putObject("variables").put("company", "Acme").put("question", "How do I reset my password?");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                    .header("authorization", "Bearer " + apiKey).header("content-type", "application/json")
                    .header("x-sluice-user", prefix + u).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.string(body))).build(), HttpResponse.BodyHandlers.ofString());
            String version = r.headers().firstValue("x-sluice-prompt").orElse("?");
            versions.merge(r.statusCode() == 200 ? version : version + " HTTP " + r.statusCode(), 1, Integer::sum);
        }
        return versions;
    }

    static List<String> tryIt(String base, String adminKey) {
        String env = "SLUICE_ADMIN_KEY=" + adminKey + " ";
        return List.of(
                "Prompts:     " + env + "./sluice prompts list --url " + base,
                "Rollouts:    " + env + "./sluice experiments list --url " + base);
    }
}
