package dev.sluice.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import dev.sluice.testing.WebhookReceiver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Silent model changes: a deployment answering as another model is recorded once, alerted, and shown with figures before and after")
class ModelChangeTest {
    private static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    private static ObjectNode chat() {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", "hello");
        return body;
    }

    private static void send(TestGateway gw, String key, String answeringModel) {
        Http.Response r = answeringModel == null
                ? gw.http().post("/v1/chat/completions", chat(), Http.bearer(key))
                : gw.http().post("/v1/chat/completions", chat(), Http.bearer(key, "x-sim-response-model", answeringModel));
        assertThat(r.status()).isEqualTo(200);
    }

    private static JsonNode changes(TestGateway gw) {
        Http.Response r = gw.http().get("/admin/quality/model-changes", ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("data");
    }

    @Test
    @DisplayName("three answers in a row under a new name confirm the change: one event, one alert; two were not enough")
    void confirmedAfterThreeAnswers() throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver();
             TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                     alerts:
                       webhook: http://127.0.0.1:%d/hook
                     """.formatted(hook.port()), Clock.systemUTC())) {
            String key = gw.createKey("watch");
            for (int i = 0; i < 4; i++) {
                send(gw, key, null);
            }
            send(gw, key, "gpt-4o-mini-2027-01-01");
            send(gw, key, "gpt-4o-mini-2027-01-01");
            gw.flushLog();
            assertThat(changes(gw)).isEmpty();
            send(gw, key, null); // an answer under the old name in between starts the count again
            send(gw, key, "gpt-4o-mini-2027-01-01");
            send(gw, key, "gpt-4o-mini-2027-01-01");
            gw.flushLog();
            assertThat(changes(gw)).isEmpty();
            send(gw, key, "gpt-4o-mini-2027-01-01");
            gw.flushLog();

            JsonNode list = changes(gw);
            assertThat(list).hasSize(1);
            JsonNode change = list.path(0);
            assertThat(change.path("deployment").asText()).isEqualTo("sim/gpt-4o-mini");
            assertThat(change.path("from_model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(change.path("to_model").asText()).isEqualTo("gpt-4o-mini-2027-01-01");
            assertThat(change.path("before").path("requests").asLong()).isGreaterThanOrEqualTo(9);
            assertThat(change.path("before").path("error_rate").asDouble()).isZero();
            assertThat(change.path("before").path("mean_output_tokens").isNumber()).isTrue();

            await().atMost(Duration.ofSeconds(10)).until(() -> hook.received.stream()
                    .anyMatch(a -> a.toString().contains("gpt-4o-mini-2027-01-01")));
            long alerts = hook.received.stream().filter(a -> a.toString().contains("Model changed")).count();
            assertThat(alerts).isEqualTo(1);

            // staying on the new name is not another change; going back is one
            send(gw, key, "gpt-4o-mini-2027-01-01");
            for (int i = 0; i < 3; i++) {
                send(gw, key, null);
            }
            gw.flushLog();
            assertThat(changes(gw)).hasSize(2);
            assertThat(changes(gw).path(0).path("to_model").asText()).isEqualTo("gpt-4o-mini");
        }
    }

    @Test
    @DisplayName("bad query parameters get a 400 naming the parameter; a team-limited admin key is refused")
    void badQueriesAndTeamKeys() {
        try (TestGateway gw = TestGateway.start()) {
            Http.Response bad = gw.http().get("/admin/quality/model-changes?window=forever", ADMIN);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().path("error").path("param").asText()).isEqualTo("window");
            gw.createTeam("search");
            Http.Response key = gw.http().post("/admin/admin-keys", Json.object().put("name", "v").put("role", "viewer")
                    .put("team", "search"), ADMIN);
            assertThat(key.status()).as(key.body()).isIn(200, 201);
            Http.Response refused = gw.http().get("/admin/quality/model-changes",
                    Map.of("authorization", "Bearer " + key.json().path("key").asText()));
            assertThat(refused.status()).isEqualTo(403);
        }
    }

    @Test
    @DisplayName("two gateways on one PostgreSQL both see the change; it is recorded and alerted exactly once")
    void onceAcrossNodes() throws Exception {
        String store = "store:\n  url: \"" + Services.postgres() + "\"\n";
        try (WebhookReceiver hook = new WebhookReceiver();
             TestGateway a = TestGateway.start(SimOptions.defaults(), store + "alerts:\n  webhook: http://127.0.0.1:"
                     + hook.port() + "/hook\n", Clock.systemUTC());
             TestGateway b = TestGateway.start(SimOptions.defaults(), store + "alerts:\n  webhook: http://127.0.0.1:"
                     + hook.port() + "/hook\n", Clock.systemUTC())) {
            String key = a.createKey("shared");
            for (TestGateway gw : List.of(a, b)) {
                send(gw, key, null);
            }
            for (int i = 0; i < 3; i++) {
                for (TestGateway gw : List.of(a, b)) {
                    send(gw, key, "gpt-4o-mini-next");
                }
            }
            a.flushLog();
            b.flushLog();
            assertThat(changes(a)).hasSize(1);
            assertThat(changes(b)).hasSize(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !hook.received.isEmpty());
            // a duplicate would arrive right after the first: the count must stay at one for a while
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> hook.received.stream()
                    .filter(x -> x.toString().contains("Model changed")).count() == 1);
        }
    }
}
