package dev.sluice.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.config.AlertRule;
import dev.sluice.config.Quota;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import dev.sluice.api.SluiceException;
import dev.sluice.api.Usage;
import dev.sluice.trace.Tracer;
import dev.sluice.store.FeedbackRecord;
import dev.sluice.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Rule windows, thresholds and cooldowns, evaluated by hand on a clock the test moves. */
@DisplayName("Alert rules over sliding windows, with an injected clock")
class AlertEvaluatorTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<Alert> sent = new ArrayList<>();

    private AlertEvaluator evaluator(AlertRule rule) {
        return new AlertEvaluator(List.of(rule), Duration.ofSeconds(15), sent::add, clock, false);
    }

    private static AlertRule rule(String metric, String model, String team, double threshold, int minSamples) {
        return new AlertRule("r", metric, model, team, Duration.ofMinutes(1), threshold, minSamples, "P2", "look",
                Duration.ofMinutes(10));
    }

    /** One finished chat request for {@code model} by {@code team}, through the exchange's own completion. */
    static void request(AlertEvaluator evaluator, String model, String team, int status, String errorType,
                                Double cost) {
        Exchange ex = new Exchange("req", Exchange.Operation.CHAT, Map.of());
        ex.chat(new ChatRequest(model, List.of(ChatMessage.of("user", "hi")), false, false, null, null, null, null,
                null, null, null, null, null, null, null, null, null));
        ex.caller(new Caller("key_1", "k", team, null, Set.of(), Set.of(), Quota.NONE, Quota.NONE));
        ex.onComplete(evaluator);
        // the cost is settled by the pipeline that ran the exchange: one that prices it at `cost`
        Stage answer = (x, next) -> {
            x.usage(new Usage(1, 1, 2, 0, 0));
            return Reply.fail(SluiceException.internal("not called", null));
        };
        new Pipeline(List.of(answer), Tracer.disabled(), (m, u) -> cost == null ? 0 : cost).execute(ex);
        ex.complete(status, errorType);
    }

    private List<String> statuses() {
        return sent.stream().map(a -> (String) a.details().get("status")).toList();
    }

    @Test
    @DisplayName("error rate fires once with enough samples, stays quiet while firing, and resolves when the window moves on")
    void errorRateWindow() {
        AlertEvaluator e = evaluator(rule(AlertRule.ERROR_RATE, null, null, 0.5, 4));
        for (int i = 0; i < 3; i++) {
            request(e, "m", null, 502, "server_error", null);
        }
        e.evaluate();
        assertThat(sent).as("3 samples < min_samples 4").isEmpty();

        request(e, "m", null, 200, null, null);
        e.evaluate();
        e.evaluate();
        assertThat(statuses()).containsExactly("firing");
        assertThat(sent.getFirst().details()).containsEntry("value", 0.75).containsEntry("samples", 4);
        assertThat(sent.getFirst().title()).startsWith("FIRING r: error_rate is 75.00% (threshold");

        clock.advance(Duration.ofSeconds(61));
        e.evaluate();
        assertThat(statuses()).containsExactly("firing", "resolved");
        assertThat(sent.getLast().details()).containsEntry("samples", 0);
    }

    @Test
    @DisplayName("client errors and Sluice's own 429s are not samples; an upstream rate limit after retries is an error")
    void whatCountsAsAnError() {
        AlertEvaluator e = evaluator(rule(AlertRule.ERROR_RATE, null, null, 0.5, 2));
        request(e, "m", null, 400, "invalid_request_error", null);
        request(e, "m", null, 429, "rate_limit_exceeded", null);
        request(e, "m", null, 429, "budget_exceeded", null);
        e.evaluate();
        assertThat(sent).isEmpty();

        request(e, "m", null, 429, "rate_limited", null);
        request(e, "m", null, 200, null, null);
        request(e, "m", null, 503, "server_error", null);
        e.evaluate();
        assertThat(sent.getFirst().details()).containsEntry("samples", 3);
    }

    @Test
    @DisplayName("a rule that flaps sends one firing per cooldown")
    void cooldown() {
        AlertEvaluator e = evaluator(rule(AlertRule.ERROR_RATE, null, null, 0.5, 1));
        request(e, "m", null, 500, "server_error", null);
        e.evaluate();
        clock.advance(Duration.ofSeconds(61));
        e.evaluate();
        request(e, "m", null, 500, "server_error", null);
        e.evaluate();
        assertThat(statuses()).as("breached again 61 s after firing; cooldown is 10 m").containsExactly("firing", "resolved");

        clock.advance(Duration.ofMinutes(10));
        request(e, "m", null, 500, "server_error", null);
        e.evaluate();
        assertThat(statuses()).containsExactly("firing", "resolved", "firing");
    }

    @Test
    @DisplayName("spend sums the window's costs, only for the rule's model and team")
    void spendScope() {
        AlertEvaluator e = evaluator(rule(AlertRule.SPEND, "gpt-4o", "search", 1.0, 1));
        request(e, "gpt-4o", "search", 200, null, 0.6);
        request(e, "gpt-4o-mini", "search", 200, null, 5.0);
        request(e, "gpt-4o", "support", 200, null, 5.0);
        e.evaluate();
        assertThat(sent).isEmpty();

        request(e, "gpt-4o", "search", 200, null, 0.6);
        e.evaluate();
        assertThat(sent.getFirst().details()).containsEntry("value", 1.2).containsEntry("model", "gpt-4o")
                .containsEntry("team", "search");
        assertThat(sent.getFirst().title()).contains("$1.2000").endsWith("over 1m model gpt-4o team search");
    }

    @Test
    @DisplayName("negative feedback rate counts thumbs and boolean feedback only")
    void feedback() {
        AlertEvaluator e = evaluator(rule(AlertRule.NEGATIVE_FEEDBACK_RATE, null, null, 0.5, 2));
        e.feedback(feedback("score", "negative"));
        e.feedback(feedback("thumbs", "negative"));
        e.evaluate();
        assertThat(sent).as("a score is not a sample; one thumbs is below min_samples").isEmpty();

        e.feedback(feedback("boolean", "negative"));
        e.feedback(feedback("thumbs", "positive"));
        e.evaluate();
        assertThat(sent.getFirst().details()).containsEntry("samples", 3);
    }

    private static FeedbackRecord feedback(String kind, String sentiment) {
        return new FeedbackRecord("f", 0, "req", null, "key_1", null, "m", "helpful", kind, null, null, sentiment, null,
                null, null);
    }

    @Test
    @DisplayName("p99 is the nearest-rank 99th percentile; windows print as people write them")
    void percentileAndWindow() {
        AlertRule latency = rule(AlertRule.LATENCY_P99, null, null, 1, 1);
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i;
        }
        assertThat(AlertEvaluator.value(latency, hundred)).isEqualTo(99);
        assertThat(AlertEvaluator.value(latency, new double[] {5})).isEqualTo(5);
        assertThat(AlertEvaluator.value(latency, new double[0])).isZero();
        assertThat(AlertEvaluator.window(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(AlertEvaluator.window(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(AlertEvaluator.window(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(AlertEvaluator.window(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
