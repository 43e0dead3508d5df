package dev.sluice.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.AlertRule;
import dev.sluice.config.RedisConfig;
import dev.sluice.store.Redis;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Three nodes' alert evaluators sharing their windows through the real Redis (keys under a prefix
 * of this test's own), on one clock the test moves: a rule sees the whole cluster's traffic and
 * fires once, whichever nodes evaluate.
 */
@DisplayName("Alert rule windows across three nodes: the cluster's traffic, evaluated once per tick")
class SharedAlertWindowsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final String prefix = "sluice:test:alerts:" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
    private final Redis redis = new Redis(new RedisConfig(Services.redis(), Duration.ofSeconds(5), true));
    private final List<Alert> sent = new ArrayList<>();
    private final List<SharedWindows> windows = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        var keys = redis.sync().keys(prefix + "*");
        if (!keys.isEmpty()) {
            redis.sync().del(keys.toArray(new String[0]));
        }
        redis.close();
    }

    private List<AlertEvaluator> nodes(AlertRule rule) {
        List<AlertEvaluator> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AlertEvaluator e = new AlertEvaluator(List.of(rule), Duration.ofSeconds(15), sent::add, clock, false);
            SharedWindows w = new SharedWindows(redis, prefix, "node-" + i);
            windows.add(w);
            e.share(w);
            out.add(e);
        }
        return out;
    }

    /**
     * Every node has sent its samples (each does every second), then every node evaluates; whichever
     * comes first takes the tick.
     */
    private void evaluateAll(List<AlertEvaluator> nodes) {
        windows.forEach(SharedWindows::flush);
        nodes.forEach(AlertEvaluator::evaluate);
    }

    private static void requests(AlertEvaluator node, int n, int status) {
        for (int i = 0; i < n; i++) {
            AlertEvaluatorTest.request(node, "m", null, status, status >= 500 ? "server_error" : null, null);
        }
    }

    @Test
    @DisplayName("error rate: one node's errors alone do not fire a rule the cluster is within; the cluster's do, once")
    void errorRateOverTheCluster() {
        AlertRule rule = new AlertRule("errors", AlertRule.ERROR_RATE, null, null, Duration.ofMinutes(1), 0.5, 4, "P2",
                "look", Duration.ofMinutes(10));
        List<AlertEvaluator> nodes = nodes(rule);
        List<Alert> aloneSent = new ArrayList<>();
        AlertEvaluator local = new AlertEvaluator(List.of(rule), Duration.ofSeconds(15), aloneSent::add, clock, false);

        requests(nodes.get(0), 6, 502);
        requests(local, 6, 502);
        requests(nodes.get(1), 6, 200);
        requests(nodes.get(2), 6, 200);
        evaluateAll(nodes);
        local.evaluate();
        assertThat(aloneSent).as("a node evaluating its own traffic fires at 100%").hasSize(1);
        assertThat(sent).as("the cluster is at 6 errors of 18").isEmpty();

        clock.advance(Duration.ofSeconds(15));
        requests(nodes.get(1), 12, 502);
        requests(nodes.get(2), 12, 502);
        evaluateAll(nodes);
        assertThat(sent).as("30 errors of 42 over the cluster: one alert, from whichever node took the tick").hasSize(1);
        assertThat(sent.getFirst().details()).containsEntry("status", "firing").containsEntry("samples", 42);
        assertThat((double) sent.getFirst().details().get("value")).isCloseTo(30.0 / 42, org.assertj.core.data.Offset.offset(1e-9));

        clock.advance(Duration.ofSeconds(15));
        evaluateAll(nodes);
        assertThat(sent).as("still firing: no node sends it again").hasSize(1);

        // the window moves past every sample: resolved, once
        clock.advance(Duration.ofMinutes(2));
        evaluateAll(nodes);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).details()).containsEntry("status", "resolved");
    }

    @Test
    @DisplayName("latency p99 over three nodes' samples, from the shared histogram, within 5% of the exact value")
    void latencyPercentileOverTheCluster() {
        AlertRule rule = new AlertRule("slow", AlertRule.LATENCY_P99, null, null, Duration.ofMinutes(5), 2.0, 10, "P2",
                "look", Duration.ofMinutes(10));
        long now = clock.millis();
        double[][] perNode = {{0.1, 100}, {0.2, 100}, {3.0, 100}};
        for (int i = 0; i < 3; i++) {
            SharedWindows w = new SharedWindows(redis, prefix, "node-" + i);
            for (int k = 0; k < perNode[i][1]; k++) {
                w.record(rule, now - k * 1000L, perNode[i][0]);
            }
            w.flush();
        }
        SharedWindows.Totals totals = new SharedWindows(redis, prefix, "reader").read(rule, now);
        assertThat(totals.samples()).isEqualTo(300);
        // exact p99 of the 300 values: 3.0 s
        assertThat(SharedWindows.value(rule, totals)).isBetween(3.0, 3.0 * 1.05);
        // and the p50 region is not where p99 lands: 201 values are at or below 3.0, 200 below 0.21
        assertThat(SharedWindows.bucket(0.2)).isLessThan(SharedWindows.bucket(3.0));
    }

    @Test
    @DisplayName("firing history: one firing and one resolution recorded once for the cluster, and every node lists the same")
    void historyOnceForTheCluster() {
        AlertRule rule = new AlertRule("errors", AlertRule.ERROR_RATE, null, null, Duration.ofMinutes(1), 0.5, 4, "P2",
                "look", Duration.ofMinutes(10));
        List<AlertHistory> histories = new ArrayList<>();
        List<AlertEvaluator> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AlertHistory history = new AlertHistory(AlertHistory.DEFAULT_CAPACITY, clock);
            history.share(new SharedHistory(redis, prefix));
            histories.add(history);
            AlertSink sink = new AlertSink(null, history);
            AlertEvaluator e = new AlertEvaluator(List.of(rule), Duration.ofSeconds(15), sink, clock, false);
            SharedWindows w = new SharedWindows(redis, prefix, "node-" + i);
            windows.add(w);
            e.share(w);
            nodes.add(e);
        }
        for (AlertEvaluator node : nodes) {
            requests(node, 6, 502);
        }
        // three ticks, each evaluated by whichever node asks first; the rule fires on the first
        for (int tick = 0; tick < 3; tick++) {
            evaluateAll(nodes);
            clock.advance(Duration.ofSeconds(15));
        }
        for (AlertHistory h : histories) {
            assertThat(h.scope()).isEqualTo("cluster");
            List<AlertHistory.Entry> entries = h.recent(null, null, 0, 100);
            assertThat(entries).as("every node lists the one firing").hasSize(1);
            assertThat(entries.getFirst().status()).isEqualTo("firing");
            assertThat(entries.getFirst().id()).isEqualTo(1);
            assertThat(entries.getFirst().details()).containsEntry("rule", "errors").containsEntry("samples", 18);
            assertThat(h.total()).isEqualTo(1);
        }
        clock.advance(Duration.ofMinutes(2));
        evaluateAll(nodes);
        evaluateAll(nodes);
        for (AlertHistory h : histories) {
            assertThat(h.recent(null, null, 0, 100)).extracting(AlertHistory.Entry::status).containsExactly("resolved", "firing");
            assertThat(h.recent(null, "resolved", 0, 100)).hasSize(1);
        }
        // a notice sent by one node (a budget threshold, a model change) is listed by the others too
        histories.get(2).add(new Alert("P3", "budget", "80% of the daily budget", java.util.Map.of("team", "search")));
        assertThat(histories.get(0).recent("search", null, 0, 100)).extracting(AlertHistory.Entry::title).containsExactly("budget");
        assertThat(histories.get(1).total()).isEqualTo(3);
    }

    @Test
    @DisplayName("two nodes deciding the same change at once (a slow tick overlapping the next): one of them makes it")
    void transitionIsCompareAndSet() {
        AlertRule rule = new AlertRule("errors", AlertRule.ERROR_RATE, null, null, Duration.ofMinutes(1), 0.5, 4, "P2",
                "look", Duration.ofMinutes(10));
        SharedWindows a = new SharedWindows(redis, prefix, "node-a");
        SharedWindows b = new SharedWindows(redis, prefix, "node-b");
        SharedWindows.Firing quiet = a.firing(rule);
        assertThat(quiet).isEqualTo(new SharedWindows.Firing(false, Long.MIN_VALUE));
        long now = clock.millis();
        assertThat(a.transition(rule, quiet, new SharedWindows.Firing(true, now))).isTrue();
        assertThat(b.transition(rule, quiet, new SharedWindows.Firing(true, now + 1))).as("b saw the state before a's change").isFalse();
        assertThat(b.firing(rule)).isEqualTo(new SharedWindows.Firing(true, now));
        assertThat(b.transition(rule, b.firing(rule), new SharedWindows.Firing(false, now))).isTrue();
        assertThat(a.transition(rule, new SharedWindows.Firing(true, now), new SharedWindows.Firing(false, now))).isFalse();
    }

    @Test
    @DisplayName("firing history while Redis does not answer: each node records and lists its own")
    void historyWithoutRedis() {
        Redis down = new Redis(new RedisConfig("redis://127.0.0.1:1", Duration.ofMillis(200), true));
        try {
            AlertHistory h = new AlertHistory(10, clock);
            h.share(new SharedHistory(down, prefix));
            h.add(new Alert("P2", "one", "m", java.util.Map.of("status", "firing")));
            assertThat(h.recent(null, null, 0, 10)).extracting(AlertHistory.Entry::title).containsExactly("one");
            assertThat(h.total()).isEqualTo(1);
        } finally {
            down.close();
        }
    }
}
