package dev.sluice.observe;

import static dev.sluice.observe.FeedbackTest.OWNER;
import static dev.sluice.observe.FeedbackTest.bearer;
import static dev.sluice.observe.FeedbackTest.feedback;
import static dev.sluice.observe.FeedbackTest.keyOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Feedback under hostile use: client-chosen request ids are per team, unknown ids cost a bounded wait")
class FeedbackIsolationTest {
    static void chatWithId(TestGateway gw, String secret, String requestId) {
        Map<String, String> headers = new HashMap<>(bearer(secret));
        headers.put("x-request-id", requestId);
        Http.Response r = gw.http().post("/v1/chat/completions", Json.object().put("model", "gpt-4o-mini")
                .put("max_tokens", 4).set("messages", Json.parse("[{\"role\":\"user\",\"content\":\"hi\"}]".getBytes())),
                headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-request-id")).isEqualTo(requestId);
    }

    static String ratedKey(TestGateway gw, String feedbackId) {
        for (JsonNode f : gw.http().get("/admin/feedback?limit=100", OWNER).json().path("data")) {
            if (f.path("id").asText().equals(feedbackId)) {
                return f.path("key_id").asText();
            }
        }
        throw new AssertionError("no feedback " + feedbackId);
    }

    @Test
    @DisplayName("team A reusing team B's x-request-id cannot make B's feedback 404, neither from the recent index nor"
            + " from the store after a restart; each team rates its own request")
    void requestIdsArePerTeam() throws Exception {
        Path dir = Files.createTempDirectory("sluice-fb");
        String alpha;
        String beta;
        String betaKeyId;
        String alphaKeyId;
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "", Clock.systemUTC(), dir)) {
            JsonNode a = keyOf(gw, "a", "alpha");
            JsonNode b = keyOf(gw, "b", "beta");
            alpha = a.path("key").asText();
            beta = b.path("key").asText();
            alphaKeyId = a.path("id").asText();
            betaKeyId = b.path("id").asText();
            // B's request, then A reuses its id (the recent index)
            chatWithId(gw, beta, "shared-1");
            chatWithId(gw, alpha, "shared-1");
            Http.Response fb = feedback(gw, beta, "{\"request_id\":\"shared-1\",\"value\":\"up\"}");
            assertThat(fb.status()).as(fb.body()).isEqualTo(201);
            Http.Response fa = feedback(gw, alpha, "{\"request_id\":\"shared-1\",\"value\":\"down\"}");
            assertThat(fa.status()).as(fa.body()).isEqualTo(201);
            // A takes an id first, then B uses it (the store, after the restart below)
            chatWithId(gw, alpha, "shared-2");
            chatWithId(gw, beta, "shared-2");
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
            assertThat(ratedKey(gw, fb.json().path("id").asText())).isEqualTo(betaKeyId);
            assertThat(ratedKey(gw, fa.json().path("id").asText())).isEqualTo(alphaKeyId);
        }
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), "", Clock.systemUTC(), dir)) {
            Http.Response fb = feedback(gw, beta, "{\"request_id\":\"shared-2\",\"value\":\"up\"}");
            assertThat(fb.status()).as(fb.body()).isEqualTo(201);
            Http.Response fa = feedback(gw, alpha, "{\"request_id\":\"shared-2\",\"value\":\"up\"}");
            assertThat(fa.status()).as(fa.body()).isEqualTo(201);
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
            assertThat(ratedKey(gw, fb.json().path("id").asText())).isEqualTo(betaKeyId);
            assertThat(ratedKey(gw, fa.json().path("id").asText())).isEqualTo(alphaKeyId);
            // a third team still finds neither
            String gamma = keyOf(gw, "c", "gamma").path("key").asText();
            assertThat(feedback(gw, gamma, "{\"request_id\":\"shared-2\",\"value\":\"up\"}").status()).isEqualTo(404);
        }
    }

    @Test
    @DisplayName("feedback on unknown ids: a key may have only a few lookups waiting (the rest get 429 with Retry-After"
            + " at once), other keys are not affected, and known ids are still rated")
    void unknownIdsAreBounded() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String noisy = keyOf(gw, "noisy", "alpha").path("key").asText();
            String calm = keyOf(gw, "calm", "beta").path("key").asText();
            int n = 24;
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<Http.Response>> answers = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    String id = "nope-" + i;
                    answers.add(pool.submit(() -> {
                        go.await();
                        return feedback(gw, noisy, "{\"request_id\":\"" + id + "\",\"value\":\"up\"}");
                    }));
                }
                go.countDown();
                Http.Response other = feedback(gw, calm, "{\"request_id\":\"nope-calm\",\"value\":\"up\"}");
                assertThat(other.status()).as(other.body()).isEqualTo(404);
                int notFound = 0;
                int limited = 0;
                for (var f : answers) {
                    Http.Response r = f.get();
                    if (r.status() == 429) {
                        limited++;
                        assertThat(r.json().path("error").path("code").asText()).isEqualTo("too_many_feedback_lookups");
                        assertThat(r.header("retry-after")).isEqualTo("1");
                    } else {
                        assertThat(r.status()).as(r.body()).isEqualTo(404);
                        notFound++;
                    }
                }
                assertThat(notFound).isGreaterThanOrEqualTo(1);
                assertThat(limited).as("at most 8 wait at once").isGreaterThanOrEqualTo(1);
            }
            String id = FeedbackTest.chat(gw, noisy, "gpt-4o-mini", null);
            assertThat(feedback(gw, noisy, "{\"request_id\":\"" + id + "\",\"value\":\"up\"}").status()).isEqualTo(201);
        }
    }
}
