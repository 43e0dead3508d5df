package dev.sluice.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Review queue: negative feedback and failed online scores queue the answer; admins list, read and label it")
class ReviewQueueTest {
    static final Map<String, String> OWNER = Http.bearer(TestGateway.ADMIN_KEY);

    static String post(TestGateway gw, String path, String body) {
        Http.Response r = gw.http().post(path, body, OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("key").asText();
    }

    static String chat(TestGateway gw, String key, String model, String text) {
        Http.Response r = gw.http().post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"" + text + "\"}]}", Http.bearer(key));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.header("x-request-id");
    }

    static void feedback(TestGateway gw, String key, String json) {
        Http.Response r = gw.http().post("/v1/feedback", json, Http.bearer(key));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    static JsonNode list(TestGateway gw, String query, String adminKey) {
        Http.Response r = gw.http().get("/admin/reviews" + query, Http.bearer(adminKey));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("data");
    }

    static JsonNode byRequest(JsonNode items, String requestId) {
        for (JsonNode i : items) {
            if (i.path("request_id").asText().equals(requestId)) {
                return i;
            }
        }
        return null;
    }

    static Http.Response label(TestGateway gw, String id, String body, String adminKey) {
        return gw.http().post("/admin/reviews/" + id + "/label", body, Http.bearer(adminKey));
    }

    @Test
    @DisplayName("thumbs down, false and a failed evaluator queue the request once; team admins see and label their team's only")
    void queueListLabel() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                tracing:
                  capture: full
                evaluators:
                  - name: says-colour
                    assert: {type: icontains, value: "zzz-never"}
                    models: [gpt-4o]
                    sample_rate: 1
                """, Clock.systemUTC())) {
            for (String team : new String[] {"alpha", "beta"}) {
                assertThat(gw.http().post("/admin/teams", "{\"id\":\"" + team + "\"}", OWNER).status()).isEqualTo(201);
            }
            String alphaKey = post(gw, "/admin/keys", "{\"name\":\"a\",\"team\":\"alpha\"}");
            String betaKey = post(gw, "/admin/keys", "{\"name\":\"b\",\"team\":\"beta\"}");
            String alphaAdmin = post(gw, "/admin/admin-keys", "{\"name\":\"aa\",\"role\":\"team_admin\",\"team\":\"alpha\"}");
            String alphaViewer = post(gw, "/admin/admin-keys", "{\"name\":\"av\",\"role\":\"viewer\",\"team\":\"alpha\"}");

            String bad = chat(gw, alphaKey, "gpt-4o-mini", "What is the capital of France?");
            String good = chat(gw, alphaKey, "gpt-4o-mini", "Say hello.");
            feedback(gw, alphaKey, "{\"request_id\":\"" + bad + "\",\"value\":\"down\",\"comment\":\"wrong city\"}");
            feedback(gw, alphaKey, "{\"request_id\":\"" + bad + "\",\"name\":\"correct\",\"value\":false}");
            feedback(gw, alphaKey, "{\"request_id\":\"" + good + "\",\"value\":\"up\"}");
            feedback(gw, alphaKey, "{\"request_id\":\"" + good + "\",\"name\":\"stars\",\"value\":1}");
            String scored = chat(gw, betaKey, "gpt-4o", "Name a colour.");
            assertThat(gw.gateway().awaitQualityWork(Duration.ofSeconds(30))).isTrue();

            JsonNode all = list(gw, "", TestGateway.ADMIN_KEY);
            assertThat(all).hasSize(2);
            JsonNode mine = byRequest(all, bad);
            assertThat(mine).isNotNull();
            assertThat(mine.path("object").asText()).isEqualTo("review_item");
            assertThat(mine.path("id").asText()).startsWith("rv_");
            assertThat(mine.path("team").asText()).isEqualTo("alpha");
            assertThat(mine.path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(mine.path("reason").asText()).isEqualTo("feedback:thumbs down");
            assertThat(mine.path("score").asDouble()).isZero();
            assertThat(mine.path("status").asText()).isEqualTo("open");
            assertThat(mine.path("label").isNull()).isTrue();
            JsonNode evaluated = byRequest(all, scored);
            assertThat(evaluated.path("reason").asText()).isEqualTo("eval:says-colour 0.00");
            assertThat(evaluated.path("team").asText()).isEqualTo("beta");
            assertThat(list(gw, "?model=gpt-4o", TestGateway.ADMIN_KEY)).hasSize(1);
            assertThat(list(gw, "?team=beta", TestGateway.ADMIN_KEY)).hasSize(1);

            // team-limited keys: their team's items only; another team's is not found
            JsonNode alphaList = list(gw, "", alphaAdmin);
            assertThat(alphaList).hasSize(1);
            assertThat(alphaList.path(0).path("request_id").asText()).isEqualTo(bad);
            assertThat(gw.http().get("/admin/reviews?team=beta", Http.bearer(alphaAdmin)).status()).isEqualTo(403);
            String betaItem = evaluated.path("id").asText();
            assertThat(gw.http().get("/admin/reviews/" + betaItem, Http.bearer(alphaAdmin)).status()).isEqualTo(404);
            assertThat(label(gw, betaItem, "{\"label\":\"correct\"}", alphaAdmin).status()).isEqualTo(404);

            // one item with its captured request and answer
            String item = mine.path("id").asText();
            Http.Response shown = gw.http().get("/admin/reviews/" + item, Http.bearer(alphaViewer));
            assertThat(shown.status()).as(shown.body()).isEqualTo(200);
            assertThat(shown.json().path("body_captured").asBoolean()).isTrue();
            assertThat(shown.json().path("request").path("messages").path(0).path("content").asText())
                    .isEqualTo("What is the capital of France?");
            assertThat(shown.json().path("response").path("choices").path(0).path("message").path("content").asText())
                    .isNotBlank();

            // labelling: viewers cannot, bad input is a clear 400
            Http.Response viewer = label(gw, item, "{\"label\":\"incorrect\"}", alphaViewer);
            assertThat(viewer.status()).isEqualTo(403);
            Http.Response wrong = label(gw, item, "{\"label\":\"wrong\"}", alphaAdmin);
            assertThat(wrong.status()).isEqualTo(400);
            assertThat(wrong.json().path("error").path("param").asText()).isEqualTo("label");
            assertThat(wrong.json().path("error").path("message").asText()).contains("correct, incorrect, harmful");
            assertThat(label(gw, item, "{\"comment\":\"no label\"}", alphaAdmin).status()).isEqualTo(400);
            assertThat(label(gw, item, "{\"label\":\"correct\",\"note\":\"x\"}", alphaAdmin).json()
                    .path("error").path("param").asText()).isEqualTo("note");
            assertThat(label(gw, item, "{\"label\":7}", alphaAdmin).status()).isEqualTo(400);

            Http.Response ok = label(gw, item, "{\"label\":\"incorrect\",\"comment\":\"Paris, not Lyon\"}", alphaAdmin);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.json().path("status").asText()).isEqualTo("labelled");
            assertThat(ok.json().path("label").asText()).isEqualTo("incorrect");
            assertThat(ok.json().path("comment").asText()).isEqualTo("Paris, not Lyon");
            assertThat(ok.json().path("labelled_at").asText()).isNotBlank();
            assertThat(list(gw, "", alphaAdmin)).isEmpty();
            JsonNode labelled = list(gw, "?status=labelled", alphaAdmin);
            assertThat(labelled).hasSize(1);
            assertThat(labelled.path(0).path("labelled_by").asText()).isNotBlank();
            assertThat(list(gw, "?status=all", TestGateway.ADMIN_KEY)).hasSize(2);
            assertThat(gw.http().get("/admin/reviews?status=closed", OWNER).status()).isEqualTo(400);

            // a later thumbs down on the same request does not queue it again
            feedback(gw, alphaKey, "{\"request_id\":\"" + bad + "\",\"value\":\"down\"}");
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
            assertThat(list(gw, "?status=all", TestGateway.ADMIN_KEY)).hasSize(2);

            JsonNode audit = gw.http().get("/admin/audit?action=review.label", OWNER).json().path("data");
            assertThat(audit).hasSize(1);
            assertThat(audit.path(0).path("target").asText()).isEqualTo(item);
            assertThat(audit.path(0).path("after").toString()).contains("incorrect");
            assertThat(gw.http().get("/admin/audit?action=review.read", OWNER).json().path("data")).isNotEmpty();
            assertThat(gw.http().get("/admin/reviews", Map.of()).status()).isEqualTo(401);
        }
    }

    @Test
    @DisplayName("with PostgreSQL as the store: a thumbs down is queued, listed, shown and labelled")
    void postgres() {
        String url = Services.postgres();
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "store:\n  url: \"" + url + "\"\n",
                Clock.systemUTC())) {
            String key = gw.createKey("pg");
            String id = chat(gw, key, "gpt-4o-mini", "hello");
            feedback(gw, key, "{\"request_id\":\"" + id + "\",\"value\":\"down\"}");
            feedback(gw, key, "{\"request_id\":\"" + id + "\",\"name\":\"ok\",\"value\":false}");
            // a request rendered from a stored prompt names it as name@version
            Http.Response pushed = gw.http().post("/admin/prompts", """
                    {"message": "v1", "prompts": [{"name": "greet", "model": "gpt-4o-mini",
                      "messages": [{"role": "user", "content": "Greet {{ who }}."}]}]}""", OWNER);
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
            Http.Response prompted = gw.http().post("/v1/chat/completions", """
                    {"prompt": {"id": "greet", "version": "1", "variables": {"who": "Ann"}}}""", Http.bearer(key));
            assertThat(prompted.status()).as(prompted.body()).isEqualTo(200);
            feedback(gw, key, "{\"request_id\":\"" + prompted.header("x-request-id") + "\",\"value\":\"down\"}");
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
            JsonNode all = list(gw, "", TestGateway.ADMIN_KEY);
            assertThat(all).hasSize(2);
            assertThat(byRequest(all, prompted.header("x-request-id")).path("prompt").asText()).isEqualTo("greet@1");
            JsonNode plain = byRequest(all, id);
            assertThat(plain).isNotNull();
            assertThat(plain.path("team").isNull()).isTrue();
            assertThat(plain.path("prompt").isNull()).isTrue();
            String item = plain.path("id").asText();
            Http.Response shown = gw.http().get("/admin/reviews/" + item, OWNER);
            assertThat(shown.status()).as(shown.body()).isEqualTo(200);
            assertThat(shown.json().path("body_captured").asBoolean()).isFalse();
            Http.Response ok = label(gw, item, "{\"label\":\"harmful\"}", TestGateway.ADMIN_KEY);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(list(gw, "?status=labelled", TestGateway.ADMIN_KEY).path(0).path("label").asText()).isEqualTo("harmful");
        }
    }
}
