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

    /** Cooking questions: the stable topic. */
    private static final List<String> COOKING = List.of(
            "How long should I boil an egg for a soft yolk?", "What is the best way to caramelise onions?",
            "Can I replace butter with olive oil when baking a cake?", "How do I keep pasta from sticking together?",
            "What temperature should I roast a chicken at?", "How do I make a simple tomato sauce from scratch?",
            "Why did my bread not rise in the oven?", "How much salt should go into pizza dough?",
            "What spices go well with roasted carrots?", "How do I cook rice so it is fluffy?",
            "Is it safe to refreeze thawed minced beef?", "How can I make my pancakes thicker?",
            "What can I use instead of eggs in cookies?", "How do I sear a steak in a cast iron pan?",
            "How long does homemade soup keep in the fridge?", "What is the difference between baking soda and baking powder?",
            "How do I make a vinaigrette that does not separate?", "Which potatoes are best for mashing?",
            "How do I know when a pork chop is cooked through?", "What herbs go into a classic pesto?");

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
    private static final List<String> CODE = List.of(
            "How do I reverse a linked list in Java?", "What does a NullPointerException mean in my stack trace?",
            "How do I write a SQL query that joins three tables?", "Why is my Python list comprehension so slow?",
            "How do I undo the last git commit but keep the changes?", "What is the difference between TCP and UDP sockets?",
            "How can I make an HTTP request in JavaScript with fetch?", "How do I parse JSON in Go?",
            "What is a race condition and how do I avoid it with locks?", "How do I configure a Kubernetes liveness probe?",
            "Why does my Rust borrow checker complain about a mutable reference?", "How do I index a PostgreSQL column for LIKE queries?",
            "How do I write a unit test with JUnit 5 and AssertJ?", "What is the time complexity of quicksort?",
            "How do I read a file line by line in C?", "How do I set environment variables in a Dockerfile?",
            "What is dependency injection in Spring?", "How do I debounce a function in TypeScript?",
            "How can I profile memory allocations in the JVM?", "How do I write a regular expression for an email address?");

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
