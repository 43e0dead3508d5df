package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Feedback: POST /v1/feedback, stored and linked to the request, summarised for admins")
class FeedbackTest {
    static final Map<String, String> OWNER = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    static Map<String, String> bearer(String secret) {
        return Map.of("authorization", "Bearer " + secret);
    }

    /** Sends a chat and returns its request id. */
    static String chat(TestGateway gw, String secret, String model, String user) {
        ObjectNode body = Json.object().put("model", model).put("max_tokens", 8);
        if (user != null) {
            body.put("user", user);
        }
        body.putArray("messages").addObject().put("role", "user").put("content", "hello");
        Http.Response r = gw.http().post("/v1/chat/completions", body, bearer(secret));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.header("x-request-id");
    }

    static Http.Response feedback(TestGateway gw, String secret, String json) {
        return gw.http().post("/v1/feedback", json, bearer(secret));
    }

    static JsonNode keyOf(TestGateway gw, String name, String team) {
        return gw.createKey((ObjectNode) Json.parse(("{\"name\":\"" + name + "\"" + (team == null ? "" : ",\"team\":\"" + team + "\"")
                + "}").getBytes()));
    }

    @Test
    @DisplayName("thumbs, numbers, booleans and categories on one's own requests; listed and summarised by model and name")
    void recordAndSummarise() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "metrics: {}\n", Clock.systemUTC())) {
            String secret = keyOf(gw, "app", "alpha").path("key").asText();
            String first = chat(gw, secret, "gpt-4o-mini", "ann");
            // right after the response: the request log may not have it yet
            Http.Response up = feedback(gw, secret, "{\"request_id\":\"" + first + "\",\"value\":\"up\",\"comment\":\"great\"}");
            assertThat(up.status()).as(up.body()).isEqualTo(201);
            assertThat(up.json().path("name").asText()).isEqualTo("thumbs");
            assertThat(up.json().path("value").asText()).isEqualTo("up");
            assertThat(up.json().path("sentiment").asText()).isEqualTo("positive");
            assertThat(up.json().path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(up.json().path("trace_id").asText()).hasSize(32);
            assertThat(up.json().path("user").asText()).isEqualTo("ann");

            String second = chat(gw, secret, "gpt-4o-mini", null);
            String third = chat(gw, secret, "gpt-4o", null);
            JsonNode trace = gw.logs("request_id=" + third).get(0);
            assertThat(feedback(gw, secret, "{\"request_id\":\"" + second + "\",\"value\":\"down\"}").status()).isEqualTo(201);
            assertThat(feedback(gw, secret, "{\"request_id\":\"" + second + "\",\"name\":\"helpfulness\",\"value\":4}").status()).isEqualTo(201);
            assertThat(feedback(gw, secret, "{\"request_id\":\"" + first + "\",\"name\":\"helpfulness\",\"value\":2.5}").status()).isEqualTo(201);
            Http.Response byTrace = feedback(gw, secret, "{\"trace_id\":\"" + trace.path("trace_id").asText()
                    + "\",\"name\":\"resolved\",\"value\":true,\"user\":\"bob\"}");
            assertThat(byTrace.status()).as(byTrace.body()).isEqualTo(201);
            assertThat(byTrace.json().path("request_id").asText()).isEqualTo(third);
            assertThat(byTrace.json().path("value").asBoolean()).isTrue();
            assertThat(feedback(gw, secret, "{\"request_id\":\"" + third + "\",\"name\":\"topic\",\"value\":\"billing\"}").status()).isEqualTo(201);
            assertThat(gw.gateway().awaitFlushed(java.time.Duration.ofMillis(5_000))).isTrue();

            JsonNode list = gw.http().get("/admin/feedback?request_id=" + second, OWNER).json().path("data");
            assertThat(list).hasSize(2);
            assertThat(gw.http().get("/admin/feedback?name=topic", OWNER).json().path("data").get(0).path("value").asText())
                    .isEqualTo("billing");

            JsonNode byModel = gw.http().get("/admin/feedback/summary?group_by=model", OWNER).json().path("data");
            JsonNode thumbs = find(byModel, "gpt-4o-mini", "thumbs");
            assertThat(thumbs.path("count").asInt()).isEqualTo(2);
            assertThat(thumbs.path("positive_rate").asDouble()).isEqualTo(0.5);
            assertThat(thumbs.path("negative_rate").asDouble()).isEqualTo(0.5);
            JsonNode helpfulness = find(byModel, "gpt-4o-mini", "helpfulness");
            assertThat(helpfulness.path("mean").asDouble()).isCloseTo(3.25, within(1e-9));
            assertThat(helpfulness.path("positive_rate").isNull()).isTrue();
            assertThat(find(byModel, "gpt-4o", "resolved").path("positive_rate").asDouble()).isEqualTo(1.0);

            JsonNode byName = gw.http().get("/admin/feedback/summary?group_by=name", OWNER).json().path("data");
            assertThat(find(byName, "helpfulness", "helpfulness").path("count").asInt()).isEqualTo(2);
            String future = Instant.now().plus(Duration.ofDays(1)).toString();
            assertThat(gw.http().get("/admin/feedback/summary?from=" + future + "&to=" + Instant.now().plus(Duration.ofDays(2)),
                    OWNER).json().path("data")).isEmpty();
            Http.Response badGroup = gw.http().get("/admin/feedback/summary?group_by=colour", OWNER);
            assertThat(badGroup.status()).isEqualTo(400);
            assertThat(badGroup.json().path("error").path("param").asText()).isEqualTo("group_by");
            assertThat(gw.http().get("/admin/feedback/summary?from=yesterday", OWNER).json().path("error").path("param")
                    .asText()).isEqualTo("from");

            Scrape m = Scrape.parse(gw.http().get("/metrics", Map.of()).body());
            assertThat(m.sum("sluice_feedback_total", "name", "thumbs", "sentiment", "negative")).isEqualTo(1);
            assertThat(m.sum("sluice_feedback_total")).isEqualTo(6);
        }
    }

    static JsonNode find(JsonNode rows, String group, String name) {
        for (JsonNode r : rows) {
            if (r.path("group").asText().equals(group) && r.path("name").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no summary row " + group + "/" + name + " in " + rows);
    }

    @Test
    @DisplayName("bad input gets a 400 naming the field; unknown and other teams' requests are 404 request_not_found")
    void validationAndOwnership() {
        try (TestGateway gw = TestGateway.start()) {
            String alpha1 = keyOf(gw, "a1", "alpha").path("key").asText();
            String alpha2 = keyOf(gw, "a2", "alpha").path("key").asText();
            String beta = keyOf(gw, "b", "beta").path("key").asText();
            String loner = keyOf(gw, "solo", null).path("key").asText();
            String id = chat(gw, alpha1, "gpt-4o-mini", null);
            Map<String, String> cases = new HashMap<>();
            cases.put("{\"request_id\":\"" + id + "\",\"value\":\"up\",\"stars\":5}", "stars");
            cases.put("{\"request_id\":\"" + id + "\"}", "value");
            cases.put("{\"value\":\"up\"}", "request_id");
            cases.put("{\"request_id\":\"" + id + "\",\"value\":{\"x\":1}}", "value");
            cases.put("{\"request_id\":\"" + id + "\",\"value\":[1]}", "value");
            cases.put("{\"request_id\":\"" + id + "\",\"value\":3}", "name");
            cases.put("{\"request_id\":\"" + id + "\",\"value\":\"up\",\"name\":\"no spaces please\"}", "name");
            cases.put("{\"request_id\":\"" + id + "\",\"value\":\"up\",\"comment\":7}", "comment");
            cases.put("{\"request_id\":42,\"value\":\"up\"}", "request_id");
            cases.forEach((body, param) -> {
                Http.Response r = feedback(gw, alpha1, body);
                assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
                assertThat(r.json().path("error").path("param").asText()).as(body).isEqualTo(param);
                assertThat(r.json().path("error").path("message").asText()).isNotBlank();
            });
            Http.Response notJson = feedback(gw, alpha1, "{nope");
            assertThat(notJson.status()).isEqualTo(400);
            assertThat(notJson.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(gw.http().post("/v1/feedback", "{\"request_id\":\"" + id + "\",\"value\":\"up\"}", Map.of()).status())
                    .isEqualTo(401);

            Http.Response unknown = feedback(gw, alpha1, "{\"request_id\":\"req_does_not_exist\",\"value\":\"up\"}");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("request_not_found");
            Http.Response otherTeam = feedback(gw, beta, "{\"request_id\":\"" + id + "\",\"value\":\"up\"}");
            assertThat(otherTeam.status()).isEqualTo(404);
            assertThat(otherTeam.json().path("error").path("code").asText()).isEqualTo("request_not_found");
            assertThat(feedback(gw, loner, "{\"request_id\":\"" + id + "\",\"value\":\"up\"}").status()).isEqualTo(404);
            assertThat(feedback(gw, alpha2, "{\"request_id\":\"" + id + "\",\"value\":\"down\"}").status())
                    .as("a key of the same team may rate it").isEqualTo(201);
            String own = chat(gw, loner, "gpt-4o-mini", null);
            assertThat(feedback(gw, loner, "{\"request_id\":\"" + own + "\",\"value\":\"up\"}").status()).isEqualTo(201);
        }
    }

    @Test
    @DisplayName("team-limited admin keys see their team's feedback only; erasure and retention cover feedback")
    void teamAdminsErasureRetention() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "retention: {feedback: 30d}\n", clock)) {
            String alpha = keyOf(gw, "a", "alpha").path("key").asText();
            String beta = keyOf(gw, "b", "beta").path("key").asText();
            String a = chat(gw, alpha, "gpt-4o-mini", "zoe");
            String b = chat(gw, beta, "gpt-4o-mini", "yan");
            assertThat(feedback(gw, alpha, "{\"request_id\":\"" + a + "\",\"value\":\"up\"}").status()).isEqualTo(201);
            assertThat(feedback(gw, beta, "{\"request_id\":\"" + b + "\",\"value\":\"down\"}").status()).isEqualTo(201);
            assertThat(gw.gateway().awaitFlushed(java.time.Duration.ofMillis(5_000))).isTrue();

            Http.Response k = gw.http().post("/admin/admin-keys", "{\"name\":\"v\",\"role\":\"viewer\",\"team\":\"alpha\"}", OWNER);
            assertThat(k.status()).as(k.body()).isEqualTo(201);
            Map<String, String> alphaViewer = bearer(k.json().path("key").asText());
            JsonNode seen = gw.http().get("/admin/feedback", alphaViewer).json().path("data");
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0).path("team").asText()).isEqualTo("alpha");
            assertThat(gw.http().get("/admin/feedback?team=beta", alphaViewer).status()).isEqualTo(403);
            JsonNode summary = gw.http().get("/admin/feedback/summary?group_by=team", alphaViewer).json().path("data");
            assertThat(summary).hasSize(1);
            assertThat(summary.get(0).path("group").asText()).isEqualTo("alpha");
            assertThat(gw.http().get("/admin/feedback", Map.of()).status()).isEqualTo(401);

            Http.Response erased = gw.http().delete("/admin/users/zoe", OWNER);
            assertThat(erased.status()).isEqualTo(200);
            assertThat(erased.json().path("deleted").path("feedback").asInt()).isEqualTo(1);
            assertThat(gw.http().get("/admin/feedback", OWNER).json().path("data")).hasSize(1);

            clock.advance(Duration.ofDays(31));
            assertThat(gw.gateway().runRetention()).containsEntry("feedback", 1);
            assertThat(gw.http().get("/admin/feedback", OWNER).json().path("data")).isEmpty();
        }
    }

    @Test
    @DisplayName("with PostgreSQL as the store: feedback is stored, listed and summarised")
    void postgres() {
        String url = Services.postgres();
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "store:\n  url: \"" + url + "\"\n", Clock.systemUTC())) {
            String secret = keyOf(gw, "pg", "alpha").path("key").asText();
            String id = chat(gw, secret, "gpt-4o-mini", "pat");
            assertThat(feedback(gw, secret, "{\"request_id\":\"" + id + "\",\"value\":\"down\"}").status()).isEqualTo(201);
            assertThat(feedback(gw, secret, "{\"request_id\":\"" + id + "\",\"name\":\"stars\",\"value\":5}").status()).isEqualTo(201);
            assertThat(gw.gateway().awaitFlushed(java.time.Duration.ofMillis(5_000))).isTrue();
            assertThat(gw.http().get("/admin/feedback?request_id=" + id, OWNER).json().path("data")).hasSize(2);
            JsonNode rows = gw.http().get("/admin/feedback/summary?group_by=user", OWNER).json().path("data");
            assertThat(find(rows, "pat", "thumbs").path("negative_rate").asDouble()).isEqualTo(1.0);
            assertThat(find(rows, "pat", "stars").path("mean").asDouble()).isEqualTo(5.0);
            Http.Response erased = gw.http().delete("/admin/users/pat", OWNER);
            assertThat(erased.json().path("deleted").path("feedback").asInt()).isEqualTo(2);
        }
    }
}
