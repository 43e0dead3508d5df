package dev.sluice.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Online evaluators: sampled production answers scored with sluice eval's checks, stored like feedback")
class OnlineEvaluatorsTest {
    private static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    private static ObjectNode chat(String model, boolean json) {
        ObjectNode body = Json.object().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", "Name a colour.");
        if (json) {
            body.putObject("response_format").put("type", "json_object");
        }
        return body;
    }

    @Test
    @DisplayName("a 30% evaluator scores 30% of 400 answers (within 2 points); scores reach feedback, its summary and the stats API")
    void samplesAndStores() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                evaluators:
                  - name: valid-json
                    version: 2
                    assert: {type: is-json}
                    models: [gpt-4o-mini]
                    sample_rate: 0.3
                    max_per_minute: 100000
                  - name: says-colour
                    assert: {type: icontains, value: "zzz-never"}
                    models: [gpt-4o]
                    sample_rate: 1
                """, Clock.systemUTC())) {
            String key = gw.createKey("online");
            int total = 400;
            for (int i = 0; i < total; i++) {
                // half the answers are JSON (pass), half prose (fail)
                Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", i % 2 == 0), Http.bearer(key));
                assertThat(r.status()).isEqualTo(200);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(gw.http().post("/v1/chat/completions", chat("gpt-4o", false), Http.bearer(key)).status()).isEqualTo(200);
            }
            assertThat(gw.gateway().awaitQualityWork(Duration.ofSeconds(30))).isTrue();

            JsonNode stats = gw.http().get("/admin/quality/evaluators", ADMIN).json().path("evaluators");
            long scored = stats.path("valid-json").path("scored").asLong();
            assertThat(scored).isBetween((long) (total * 0.28), (long) (total * 0.32));
            assertThat(stats.path("says-colour").path("scored").asLong()).isEqualTo(5);

            JsonNode feedback = gw.http().get("/admin/feedback?name=eval:valid-json&limit=1000", ADMIN).json().path("data");
            assertThat(feedback.size()).isEqualTo((int) scored);
            JsonNode one = feedback.path(0);
            assertThat(one.path("kind").asText()).isEqualTo("number");
            assertThat(one.path("rated_by").asText()).isEqualTo("evaluator:valid-json@v2");
            assertThat(one.path("request_id").asText()).isNotBlank();
            long passed = 0;
            for (JsonNode f : feedback) {
                passed += f.path("sentiment").asText().equals("positive") ? 1 : 0;
            }
            // the JSON answers pass, the prose ones fail: both kinds were sampled
            assertThat(passed).isPositive().isLessThan(scored);

            JsonNode fails = gw.http().get("/admin/feedback?name=eval:says-colour", ADMIN).json().path("data");
            assertThat(fails).hasSize(5);
            assertThat(fails.path(0).path("sentiment").asText()).isEqualTo("negative");
            assertThat(fails.path(0).path("comment").asText()).isNotBlank();

            Http.Response summary = gw.http().get("/admin/feedback/summary?group_by=model", ADMIN);
            assertThat(summary.status()).isEqualTo(200);
            assertThat(summary.body()).contains("eval:valid-json").contains("eval:says-colour");
        }
    }

    @Test
    @DisplayName("a check sluice eval would refuse fails the start with its line; a model-graded check needs a judge")
    void badChecksFailTheStart() {
        assertThatThrownBy(() -> TestGateway.start(SimOptions.defaults(), """
                evaluators:
                  - name: broken
                    assert: {type: is-jsonn}
                """, Clock.systemUTC())).hasMessageContaining("is-json");
        assertThatThrownBy(() -> TestGateway.start(SimOptions.defaults(), """
                evaluators:
                  - name: rubric
                    assert: {type: llm-rubric, value: "polite"}
                """, Clock.systemUTC())).hasMessageContaining("judge_model");
        assertThatThrownBy(() -> TestGateway.start(SimOptions.defaults(), """
                evaluators:
                  - name: x
                    models: [nope]
                    assert: {type: is-json}
                """, Clock.systemUTC())).hasMessageContaining("nope");
    }
}
