package dev.sluice.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import dev.sluice.testing.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Drift: an alert fires when the traffic's topics shift and stays quiet on a stable stream")
class DriftTest {
    private static final Map<String, String> ADMIN = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    /** Cooking questions: the stable topic (the demo's too). */
    private static final List<String> COOKING = dev.sluice.cli.DemoDrift.COOKING;

    /** More cooking questions, none of them asked in the baseline: the same topic, other words. */
    private static final List<String> MORE_COOKING = List.of(
            "How do I poach salmon without it falling apart?", "What is the secret to crispy roast potatoes?",
            "How long should risotto simmer before it is creamy?", "Can I freeze fresh basil for later?",
            "How do I thicken a stew that is too watery?", "What oil is best for deep frying chips?",
            "How do I stop my custard from curdling?", "Why are my scrambled eggs rubbery?",
            "How much yeast do I need for one loaf of bread?", "What is a good marinade for grilled chicken?",
            "How do I blanch green beans properly?", "How can I tell if an avocado is ripe?",
            "What goes into a traditional shepherd's pie?", "How do I make a roux for gravy?",
            "How should I store leftover cooked rice?", "Which flour makes the chewiest cookies?",
            "How do I cook lentils so they stay firm?", "What is the right ratio for a shortcrust pastry?",
            "How do I reheat lasagne without drying it out?", "How do I make a smooth cheese sauce?");

    /** Questions about programming: the topic the traffic shifts to. */
    private static final List<String> CODE = dev.sluice.cli.DemoDrift.CODE;

    private static void ask(TestGateway gw, String key, String question) {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", question);
        Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key));
        assertThat(r.status()).isEqualTo(200);
    }

    private static void askAll(TestGateway gw, String key, List<String> questions, int times) {
        for (int round = 0; round < times; round++) {
            for (String q : questions) {
                ask(gw, key, round == 0 ? q : q + " Answer in one line.");
            }
        }
        assertThat(gw.gateway().awaitQualityWork(Duration.ofSeconds(60))).isTrue();
    }

    private static JsonNode figures(TestGateway gw) {
        Http.Response r = gw.http().get("/admin/quality/drift?model=gpt-4o-mini&window=10m&baseline=30m", ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("figures");
    }

    @Test
    @DisplayName("same topic in both windows: figures stay low, no alert; topics shift: the rule fires with every figure")
    void firesOnShiftOnly() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
        try (WebhookReceiver hook = new WebhookReceiver();
             TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                     alerts:
                       webhook: http://127.0.0.1:%d/hook
                       evaluation_interval: 100ms
                       rules:
                         - name: topic-shift
                           metric: drift
                           figure: centroid_shift
                           model: gpt-4o-mini
                           window: 10m
                           baseline: 30m
                           threshold: 4
                           min_samples: 30
                           message: "What users ask gpt-4o-mini about has changed; see /admin/quality/drift"
                     quality:
                       drift: {sample_rate: 1, horizon: 2h}
                     """.formatted(hook.port()), clock)) {
            String key = gw.createKey("drift");
            askAll(gw, key, COOKING, 2);                 // baseline: 40 cooking questions
            clock.advance(Duration.ofMinutes(15));
            askAll(gw, key, MORE_COOKING, 2);            // recent: 40 other questions on the same topic
            JsonNode stable = figures(gw);
            assertThat(stable.path("recent_samples").asLong()).isEqualTo(40);
            assertThat(stable.path("baseline_samples").asLong()).isEqualTo(40);
            System.out.println("drift figures, stable: " + stable);
            assertThat(stable.path("centroid_shift").asDouble()).isLessThan(4);
            assertThat(stable.path("language_psi").asDouble()).isLessThan(0.05);
            // several evaluations pass without an alert
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(hook.received::isEmpty);

            clock.advance(Duration.ofMinutes(15));       // the cooking questions are now the baseline
            askAll(gw, key, CODE, 2);
            JsonNode shifted = figures(gw);
            System.out.println("drift figures, shifted: " + shifted);
            assertThat(shifted.path("centroid_shift").asDouble()).isGreaterThan(4);
            assertThat(shifted.path("centroid_distance").asDouble()).isGreaterThan(stable.path("centroid_distance").asDouble());

            await().atMost(Duration.ofSeconds(10)).until(() -> !hook.received.isEmpty());
            String alert = hook.received.getFirst().toString();
            assertThat(alert).contains("topic-shift").contains("centroid_shift").contains("embedding_psi")
                    .contains("FIRING");
            // the same alert in the node's history, with its figures
            JsonNode history = gw.http().get("/admin/alerts?status=firing", ADMIN).json();
            JsonNode entry = history.path("data").get(0);
            assertThat(entry.path("details").path("rule").asText()).isEqualTo("topic-shift");
            assertThat(entry.path("details").path("figures").path("centroid_shift").asDouble()).isGreaterThan(4);
            assertThat(history.path("rules").get(0).path("state").asText()).isEqualTo("firing");
            assertThat(history.path("rules").get(0).path("figure").asText()).isEqualTo("centroid_shift");
        }
    }

    @Test
    @DisplayName("drift needs switching on: without it the figures endpoint says how; bad figure names fail the config")
    void offByDefault() {
        try (TestGateway gw = TestGateway.start()) {
            Http.Response r = gw.http().get("/admin/quality/drift", ADMIN);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).contains("quality.drift.enabled");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestGateway.start(SimOptions.defaults(), """
                alerts:
                  rules:
                    - {name: d, metric: drift, figure: centroid_distanse, window: 1h, threshold: 0.1, message: m}
                """, java.time.Clock.systemUTC())).hasMessageContaining("centroid_distance");
    }
}
