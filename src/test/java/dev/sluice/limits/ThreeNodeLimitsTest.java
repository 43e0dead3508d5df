package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.testing.GatedUpstream;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of limit (rpm, tpm, concurrency, daily and monthly budget) held by three gateway
 * nodes sharing one Redis and one PostgreSQL schema.
 *
 * <p>The upstream is a gate: each admitted request waits there until every request of the burst
 * has been decided (refused with a 429 by some node, or arrived at the gate). So the admitted
 * count is read while all admitted requests are still in flight, which makes concurrency and
 * budget reservations exact, and nothing depends on how fast the machine is, except the per-minute
 * buckets' continuous refill: their limits are chosen so one more request needs 12 s of refill,
 * and the bound allows exactly one.
 *
 * <p>Redis keys are namespaced per test: every test creates its own virtual key, and bucket names
 * carry the key id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Limits across three gateway nodes on one Redis: every kind is exact")
class ThreeNodeLimitsTest {
    /** Estimated and actual output per request: with an output price of $1,000 per million tokens, $1.00. */
    private static final int MAX_TOKENS = 1000;
    private static final int BURST = 30;

    private GatedUpstream upstream;
    private List<TestGateway> nodes;

    @BeforeAll
    void startNodes() throws Exception {
        upstream = GatedUpstream.start(MAX_TOKENS);
        nodes = SharedLimitsTest.three(sharedConfig(Services.postgres(), upstream.baseUrl()));
    }

    /**
     * The config every node shares: one PostgreSQL store, one Redis, a model {@code gpt-4o-mini}
     * served by the upstream at {@code upstreamUrl}, one attempt per request, and output tokens at
     * $1,000 per million (no charge for input). The Redis timeout is generous: on a loaded machine
     * a 250 ms command can time out, which counts as "Redis down" and falls back to one node's own
     * limits (SharedLimitsTest covers that path).
     */
    static String sharedConfig(String postgresUrl, String upstreamUrl) {
        return """
                store:
                  url: "%s"
                redis:
                  url: %s
                  timeout: 5s
                providers:
                  gated:
                    type: openai
                    base_url: %s/v1
                    api_key: sk-upstream-test
                    timeout: 60s
                models:
                  gpt-4o-mini:
                    provider: gated
                    model: gated-model
                routing:
                  retries: 0
                  circuit_breaker:
                    enabled: false
                prices:
                  gated-model: {input: 0, output: 1000}
                """.formatted(postgresUrl, Services.redis(), upstreamUrl);
    }

    @AfterAll
    void stopNodes() {
        if (nodes != null) {
            nodes.forEach(TestGateway::close);
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /**
     * rpm 5; tpm 5,500 with 1,000 output tokens reserved a request. A burst of 30 over three nodes
     * admits 5, or 6 if the burst outlasts the 12 s one more request needs to refill.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"rpm\":5}", "{\"tpm\":5500}"})
    @DisplayName("per-minute limits: a burst of 30 over three nodes admits 5 (6 after 12 s of refill)")
    void perMinute(String limits) throws Exception {
        Burst b = burst(key(limits, null));
        assertThat(b.admitted()).isBetween(5, 6);
        assertThat(b.refusalCodes()).containsOnly("rate_limit_exceeded");
    }

    @Test
    @DisplayName("concurrency 4: exactly 4 in flight across the nodes; once they finish, 4 again")
    void concurrency() throws Exception {
        String key = key("{\"concurrency\":4}", null);
        Burst first = burst(key);
        assertThat(first.admitted()).isEqualTo(4);
        assertThat(first.refusalCodes()).containsOnly("rate_limit_exceeded");
        // the slots were released by whichever node served each request: all four are free again
        nodes.forEach(TestGateway::flushLog);
        assertThat(burst(key).admitted()).isEqualTo(4);
    }

    @Test
    @DisplayName("daily budget $5.50 at $1.00 a request: exactly 5 admitted across the nodes, then none")
    void dailyBudget() throws Exception {
        budget("daily_usd");
    }

    @Test
    @DisplayName("monthly budget $5.50 at $1.00 a request: exactly 5 admitted across the nodes, then none")
    void monthlyBudget() throws Exception {
        budget("monthly_usd");
    }

    private void budget(String field) throws Exception {
        String key = key(null, "{\"" + field + "\":5.5}");
        Burst first = burst(key);
        assertThat(first.admitted()).isEqualTo(5);
        assertThat(first.refusalCodes()).containsOnly("budget_exceeded");
        // settled at their real cost ($1.00 each): $0.50 is left, less than one more request
        nodes.forEach(TestGateway::flushLog);
        Burst after = burst(key);
        assertThat(after.admitted()).isZero();
        assertThat(after.refusalCodes()).containsOnly("budget_exceeded");
    }

    private String key(String limits, String budget) {
        ObjectNode body = Json.object().put("name", "three-node");
        if (limits != null) {
            body.set("limits", Json.parse(limits.getBytes(StandardCharsets.UTF_8)));
        }
        if (budget != null) {
            body.set("budget", Json.parse(budget.getBytes(StandardCharsets.UTF_8)));
        }
        return nodes.get(0).createKey(body).path("key").asText();
    }

    /** What a burst did: how many requests reached the upstream, and the error codes of the rest. */
    record Burst(int admitted, List<String> refusalCodes) {}

    /**
     * Sends {@link #BURST} requests at once, round-robin over the three nodes. Admitted requests
     * wait at the gate until every request is decided; then the gate opens and each admitted one
     * must end in a 200, every other one in a 429.
     */
    private Burst burst(String key) throws Exception {
        return burst(nodes, upstream, key, BURST);
    }

    /** {@code size} requests at once, round-robin over {@code nodes}, through the gated {@code upstream}. */
    static Burst burst(List<TestGateway> nodes, GatedUpstream upstream, String key, int size) throws Exception {
        ObjectNode request = Json.object().put("model", "gpt-4o-mini").put("max_tokens", MAX_TOKENS);
        request.putArray("messages").addObject().put("role", "user").put("content", "hi");
        byte[] body = Json.bytes(request);
        Map<String, String> auth = Http.bearer(key);
        CountDownLatch decided = upstream.shut(size);
        List<Http.Response> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Http.Response>> pending = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                TestGateway node = nodes.get(i % nodes.size());
                pending.add(pool.submit(() -> {
                    Http.Response r = node.http().post("/v1/chat/completions", body, auth);
                    if (r.status() != 200) {
                        decided.countDown();
                    }
                    return r;
                }));
            }
            boolean all = decided.await(60, TimeUnit.SECONDS);
            int admitted = upstream.arrived();
            upstream.open();
            for (Future<Http.Response> f : pending) {
                responses.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).as("every request of the burst was decided within 60 s").isTrue();
            List<String> codes = new ArrayList<>();
            int ok = 0;
            for (Http.Response r : responses) {
                assertThat(r.status()).as(r.body()).isIn(200, 429);
                if (r.status() == 200) {
                    ok++;
                } else {
                    codes.add(r.json().path("error").path("code").asText());
                }
            }
            assertThat(ok).as("every request that reached the upstream was answered").isEqualTo(admitted);
            assertThat(upstream.failures()).isEmpty();
            return new Burst(admitted, codes);
        }
    }
}
