package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Conversations;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Body capture: full, metadata or none, sampled, with PII and secrets masked before they reach disk")
class BodyCaptureTest {
    private static final String GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

    record Body(String user, JsonNode request, JsonNode response, String rawRequest, String rawResponse) {}

    /** The body captured for a request, read through {@code GET /admin/logs/{id}/body}, or null (404). */
    static Body body(TestGateway gw, String requestId) {
        gw.flushLog();
        Http.Response r = gw.http().get("/admin/logs/" + requestId + "/body", auth(TestGateway.ADMIN_KEY));
        if (r.status() == 404) {
            return null;
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode b = r.json();
        assertThat(b.path("request_id").asText()).isEqualTo(requestId);
        return new Body(b.path("user").isNull() ? null : b.path("user").asText(), b.path("request"), b.path("response"),
                b.path("request").toString(), b.path("response").toString());
    }

    static TestGateway start(String tracing) {
        return TestGateway.start(SimOptions.defaults(), tracing, Clock.systemUTC());
    }

    static Map<String, String> auth(String key) {
        return Http.bearer(key);
    }

    @Test
    @DisplayName("full: request and answer are stored with emails, phone numbers and tokens masked, for plain and streamed calls")
    void fullWithRedaction() throws Exception {
        try (TestGateway gw = start("""
                tracing:
                  capture: full
                """)) {
            String key = gw.createKey("capture");
            ObjectNode body = Conversations.toolResult("gpt-4o-mini",
                    "Owner: jane.doe@example.com, phone +1 415-867-5309, token " + GITHUB_TOKEN);
            body.put("user", "ann");
            Http.Response plain = gw.http().post("/v1/chat/completions", body, auth(key));
            assertThat(plain.status()).isEqualTo(200);
            // the client still gets the answer unchanged: capture only masks what is stored
            assertThat(plain.body()).contains("jane.doe@example.com");
            body.put("stream", true);
            Http.Response streamed = gw.http().post("/v1/chat/completions", body, auth(key));
            assertThat(streamed.status()).isEqualTo(200);

            Body p = body(gw, plain.header("x-request-id"));
            assertThat(p).isNotNull();
            assertThat(p.user()).isEqualTo("ann");
            assertThat(p.request().path("messages").path(2).path("content").asText())
                    .contains("[EMAIL]").contains("[PHONE]").contains("[GITHUB_TOKEN]");
            assertThat(p.response().path("choices").path(0).path("message").path("content").asText())
                    .startsWith("The lookup tool returned: Owner: [EMAIL]");
            Body s = body(gw, streamed.header("x-request-id"));
            assertThat(s.response().path("stream").asBoolean()).isTrue();
            assertThat(s.response().path("choices").path(0).path("message").path("content").asText())
                    .startsWith("The lookup tool returned: Owner: [EMAIL]");
            assertThat(s.response().path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
            for (Body b : List.of(p, s)) {
                assertThat(b.rawRequest() + b.rawResponse()).doesNotContain("jane.doe", "867-5309", GITHUB_TOKEN);
            }
        }
    }

    @Test
    @DisplayName("refused requests are captured with their error; erasing the user deletes their bodies")
    void errorsAndErasure() throws Exception {
        try (TestGateway gw = start("""
                tracing:
                  capture: full
                """)) {
            String key = gw.createKey("capture");
            Http.Response unknown = gw.http().post("/v1/chat/completions",
                    "{\"model\":\"no-such-model\",\"user\":\"bob\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", auth(key));
            assertThat(unknown.status()).isEqualTo(404);
            Body b = body(gw, unknown.header("x-request-id"));
            assertThat(b.response().path("error").path("code").asText()).isEqualTo("model_not_found");

            Http.Response erased = gw.http().delete("/admin/users/bob", auth(TestGateway.ADMIN_KEY));
            assertThat(erased.json().path("deleted").path("bodies").asInt()).isEqualTo(1);
            assertThat(body(gw, unknown.header("x-request-id"))).isNull();
        }
    }

    @Test
    @DisplayName("metadata keeps the shape (roles, sizes, finish reasons, usage) without any content")
    void metadataOnly() throws Exception {
        try (TestGateway gw = start("""
                tracing:
                  capture: metadata
                """)) {
            String key = gw.createKey("capture");
            Http.Response r = gw.http().post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"tell me a secret story\"}]}", auth(key));
            Http.Response e = gw.http().post("/v1/embeddings",
                    "{\"model\":\"text-embedding-3-small\",\"input\":[\"first text\",\"second\"]}", auth(key));
            assertThat(e.status()).isEqualTo(200);
            Body chat = body(gw, r.header("x-request-id"));
            assertThat(chat.request().path("messages").path(0).path("role").asText()).isEqualTo("user");
            assertThat(chat.request().path("messages").path(0).path("content").asText()).isEqualTo("[22 chars]");
            assertThat(chat.response().path("choices").path(0).path("message").path("content").asText()).matches("\\[\\d+ chars]");
            assertThat(chat.response().path("usage").path("total_tokens").asInt()).isPositive();
            assertThat(chat.rawRequest() + chat.rawResponse()).doesNotContain("secret story");
            Body emb = body(gw, e.header("x-request-id"));
            assertThat(emb.request().path("input").toString()).isEqualTo("[\"[10 chars]\",\"[6 chars]\"]");
            assertThat(emb.response().path("data").path(0).path("embedding").toString()).matches("\\[\"\\[\\d+ numbers]\"]");
        }
    }

    @Test
    @DisplayName("none stores nothing, and a sample rate captures about that share of requests")
    void noneAndSampling() throws Exception {
        try (TestGateway gw = start("")) {
            String key = gw.createKey("capture");
            Http.Response r = gw.http().post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", auth(key));
            assertThat(r.status()).isEqualTo(200);
            assertThat(body(gw, r.header("x-request-id"))).isNull();
        }
        try (TestGateway gw = start("""
                tracing:
                  capture: full
                  sample_rate: 0.5
                """)) {
            String key = gw.createKey("capture");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ids.add(gw.http().post("/v1/chat/completions",
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", auth(key))
                        .header("x-request-id"));
            }
            gw.flushLog();
            long captured = ids.stream().filter(id -> gw.http().get("/admin/logs/" + id + "/body",
                    auth(TestGateway.ADMIN_KEY)).status() == 200).count();
            // binomial(200, 0.5): outside 60..140 has a probability below 1e-8
            assertThat(captured).isBetween(60L, 140L);
        }
    }
}
