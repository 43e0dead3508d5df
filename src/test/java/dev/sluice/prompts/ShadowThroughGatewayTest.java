package dev.sluice.prompts;

import static dev.sluice.prompts.CanaryThroughGatewayTest.FLAKY;
import static dev.sluice.prompts.CanaryThroughGatewayTest.ask;
import static dev.sluice.prompts.CanaryThroughGatewayTest.pushVersions;
import static dev.sluice.prompts.PromptRequestsTest.ADMIN;
import static dev.sluice.prompts.PromptRequestsTest.promptRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.RecordedRequest;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Shadow traffic: copies to a candidate that never reach the client")
class ShadowThroughGatewayTest {

    static String startShadow(TestGateway gw, String candidate, double budget) {
        ObjectNode body = Json.object().put("prompt", "support").put("candidate", candidate).put("share", 1.0)
                .put("budget_usd", budget).put("max_per_minute", 10_000);
        Http.Response r = gw.http().post("/admin/shadows", body, ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asText();
    }

    static JsonNode report(TestGateway gw, String id) {
        return gw.http().get("/admin/shadows/" + id, ADMIN).json();
    }

    @Test
    @DisplayName("the client gets the production answer, streamed or not; the candidate's answers are stored with latency, cost and similarity")
    void comparesWithoutChangingTheAnswer() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults().withOutputTokens(8), FLAKY, Clock.systemUTC())) {
            pushVersions(gw);
            String key = gw.createKey("app");
            String before = ask(gw, key, "u0").json().path("choices").get(0).path("message").path("content").asText();
            String id = startShadow(gw, "2", 5.0);
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Http.Response r = ask(gw, key, "u0");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-sluice-prompt")).isEqualTo("support@1");
                answers.add(r.json().path("choices").get(0).path("message").path("content").asText());
            }
            assertThat(answers).as("the same request gets the same production answer as before the shadow").containsOnly(before);
            ObjectNode streamed = Json.object().put("stream", true);
            streamed.set("prompt", promptRef("support", Map.of("q", "hello")));
            Http.Response stream = gw.http().postStreaming("/v1/chat/completions", streamed,
                    Http.bearer(key, "x-sluice-user", "u1"), (line, t) -> { });
            assertThat(stream.body()).contains("data: [DONE]");
            await().atMost(Duration.ofSeconds(10)).until(() -> report(gw, id).path("results").path("calls").asLong() == 11);
            JsonNode results = report(gw, id).path("results");
            assertThat(results.path("failures").asLong()).isZero();
            assertThat(results.path("mean_similarity").asDouble()).isBetween(0.0, 1.0);
            assertThat(results.path("mean_latency_ms").isNumber()).isTrue();
            List<RecordedRequest> upstream = gw.sim().recorded();
            assertThat(upstream.stream().filter(r -> r.body().path("messages").toString().contains("v2 hello")).count())
                    .as("the candidate's copies went upstream").isEqualTo(11);
            gw.flushLog();
            JsonNode logged = gw.http().get("/admin/analytics/stats?from=1h&group_by=experiment,variant", ADMIN).json();
            assertThat(logged.toString()).contains(id, "shadow");
        }
    }

    @Test
    @DisplayName("a failing candidate never affects the client; a spent budget stops the copies")
    void failingCandidateAndBudget() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults().withOutputTokens(8), FLAKY, Clock.systemUTC())) {
            pushVersions(gw);
            String key = gw.createKey("app");
            String broken = startShadow(gw, "3", 5.0);
            for (int i = 0; i < 5; i++) {
                Http.Response r = ask(gw, key, "u" + i);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-sluice-prompt")).isEqualTo("support@1");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> report(gw, broken).path("results").path("calls").asLong() == 5);
            assertThat(report(gw, broken).path("results").path("failures").asLong()).isEqualTo(5);
            assertThat(gw.http().post("/admin/shadows/" + broken + "/stop", Json.object(), ADMIN).json().path("status")
                    .asText()).isEqualTo("stopped");

            String cheap = startShadow(gw, "2", 1e-9);
            ask(gw, key, "first");
            await().atMost(Duration.ofSeconds(10)).until(() -> report(gw, cheap).path("results").path("calls").asLong() == 1);
            for (int i = 0; i < 5; i++) {
                ask(gw, key, "more" + i);
            }
            gw.flushLog();
            assertThat(report(gw, cheap).path("results").path("calls").asLong()).as("the budget is spent").isEqualTo(1);
        }
    }

    @Test
    @DisplayName("models too: an A/B split of a public model sends each user to one variant's model; a model shadow compares another")
    void models() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults().withOutputTokens(4), FLAKY, Clock.systemUTC())) {
            String key = gw.createKey("app");
            ObjectNode ab = Json.object().put("subject", "model:gpt-4o-mini");
            ab.putArray("variants").add(Json.object().put("name", "small").put("target", "gpt-4o-mini").put("weight", 1))
                    .add(Json.object().put("name", "large").put("target", "gpt-4o").put("weight", 1));
            Http.Response started = gw.http().post("/admin/experiments", ab, ADMIN);
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            ObjectNode shadow = Json.object().put("subject", "model:gpt-4o-mini").put("candidate", "gpt-4o").put("share", 1.0)
                    .put("budget_usd", 1.0).put("max_per_minute", 10_000);
            String sh = gw.http().post("/admin/shadows", shadow, ADMIN).json().path("id").asText();
            java.util.Set<String> variants = new java.util.HashSet<>();
            for (int u = 0; u < 30; u++) {
                ObjectNode body = Json.object().put("model", "gpt-4o-mini");
                body.putArray("messages").addObject().put("role", "user").put("content", "hi");
                Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key, "x-sluice-user", "m" + u));
                assertThat(r.status()).isEqualTo(200);
                variants.add(r.header("x-sluice-variant") + "=" + r.json().path("model").asText());
            }
            assertThat(variants).containsExactlyInAnyOrder("small=gpt-4o-mini", "large=gpt-4o");
            await().atMost(Duration.ofSeconds(10)).until(() -> report(gw, sh).path("results").path("calls").asLong() == 30);
            gw.flushLog(); // the variants' figures are read from the request log
            JsonNode status = gw.http().get("/admin/experiments/" + started.json().path("id").asText(), ADMIN).json();
            assertThat(status.path("variants").findValues("requests").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(30);
        }
    }
}
