package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Limits and budgets shared by several gateway instances through Redis (and PostgreSQL for keys)")
class SharedLimitsTest {
    /** Seconds of bucket refill (2 requests a second at rpm 120) the burst bound allows. */
    private static final int REFILL_ALLOWANCE_S = 3;

    static ObjectNode chat() {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("max_tokens", 10);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return body;
    }

    /**
     * Sends {@code total} requests at once, round-robin over the instances; returns how many were
     * admitted (not 429), and checks there was no 5xx.
     */
    static int burst(List<TestGateway> instances, String key, int total, ObjectNode request, int admittedStatus) throws Exception {
        byte[] body = Json.bytes(request);
        Map<String, String> auth = Map.of("authorization", "Bearer " + key);
        int ok = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(48)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                TestGateway gw = instances.get(i % instances.size());
                results.add(pool.submit(() -> gw.http().post("/v1/chat/completions", body, auth).status()));
            }
            for (Future<Integer> f : results) {
                int status = f.get();
                assertThat(status).isIn(admittedStatus, 429);
                ok += status == admittedStatus ? 1 : 0;
            }
        }
        return ok;
    }

    /** Three instances, warmed up (connections, JIT, the Lua script) so a burst measures the limiter, not start-up. */
    static List<TestGateway> three(String yaml) throws Exception {
        List<TestGateway> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(TestGateway.start(SimOptions.defaults().withOutputTokens(10), yaml, Clock.systemUTC()));
        }
        String warm = all.get(0).createKey((ObjectNode) Json.parse(
                "{\"name\":\"warm-up\",\"limits\":{\"rpm\":100000}}".getBytes())).path("key").asText();
        burst(all, warm, 300, chat().put("model", "no-such-model"), 404);
        return all;
    }

    @Test
    @DisplayName("three instances, one burst: the admitted count is within 2% of the requests-per-minute limit")
    void requestsAcrossInstances() throws Exception {
        // a generous Redis timeout: on a machine loaded by other builds a 250 ms (default) command can time
        // out, which counts as "Redis down" and fails open to local limits (tested on its own below)
        String yaml = "store:\n  url: \"" + Services.postgres() + "\"\nredis:\n  url: " + Services.redis() + "\n  timeout: 5s\n";
        List<TestGateway> instances = three(yaml);
        try {
            String key = instances.get(0).createKey((ObjectNode) Json.parse(
                    "{\"name\":\"shared\",\"limits\":{\"rpm\":120}}".getBytes())).path("key").asText();
            // Requests for a model that does not exist are counted by the limiter and then answered 404
            // without an upstream call, so the burst is short and the bucket's continuous refill
            // (2 requests a second here) adds at most a request or two to the count.
            ObjectNode request = chat().put("model", "no-such-model");
            long start = System.nanoTime();
            int admitted = burst(instances, key, 360, request, 404);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("rpm 120 across 3 instances: %d admitted of 360 in %.0f ms%n", admitted, seconds * 1000);
            // A fixed bound that does not widen with a slow run: the bucket's 120 within 2%, plus at most
            // REFILL_ALLOWANCE_S seconds of refill at 2 a second (the burst takes 0.3-2.2 s here, at load 19).
            // A limiter that over-admits under concurrency lands above it however long the burst took.
            assertThat((double) admitted).as("admitted in a %.1f s burst", seconds)
                    .isBetween(120 * 0.98, 120 * 1.02 + 2 * REFILL_ALLOWANCE_S);
        } finally {
            instances.forEach(TestGateway::close);
        }
    }

    @Test
    @DisplayName("three instances, one burst: a daily budget admits within 2% of what it pays for")
    void budgetAcrossInstances() throws Exception {
        // a generous Redis timeout: on a machine loaded by other builds a 250 ms (default) command can time
        // out, which counts as "Redis down" and fails open to local limits (tested on its own below)
        String yaml = "store:\n  url: \"" + Services.postgres() + "\"\nredis:\n  url: " + Services.redis() + "\n  timeout: 5s\n"
                + "prices:\n  gpt-4o-mini: {input: 1000, output: 1000}\n";
        List<TestGateway> instances = three(yaml);
        try {
            String key = instances.get(0).createKey((ObjectNode) Json.parse(
                    "{\"name\":\"budget\",\"budget\":{\"daily_usd\":2.0}}".getBytes())).path("key").asText();
            var probe = instances.get(1).http().post("/v1/chat/completions", chat(), Map.of("authorization", "Bearer " + key));
            var usage = probe.json().path("usage");
            double perRequest = (usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt()) / 1000.0;
            int expected = (int) Math.floor(2.0 / perRequest) - 1;
            int admitted = burst(instances, key, expected * 2, chat(), 200);
            System.out.printf("$2.00 budget across 3 instances at $%.3f a request: %d admitted, expected %d%n",
                    perRequest, admitted, expected);
            assertThat((double) admitted).isBetween(expected * 0.98, expected * 1.02);
        } finally {
            instances.forEach(TestGateway::close);
        }
    }

    @Test
    @DisplayName("Redis killed mid-test: fail-open keeps serving on local limits, fail-closed answers 429; never a 5xx")
    void redisDown() throws Exception {
        Services.redis();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("redis");
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        try {
            awaitPort(port);
            String redisYaml = "redis:\n  url: redis://127.0.0.1:%d/0\n  timeout: 200ms\n  fail_open: %s\n";
            try (TestGateway open = TestGateway.start(SimOptions.defaults(), redisYaml.formatted(port, "true") + "metrics: {}\n",
                    Clock.systemUTC());
                 TestGateway closed = TestGateway.start(SimOptions.defaults(), redisYaml.formatted(port, "false"), Clock.systemUTC())) {
                String k1 = open.createKey((ObjectNode) Json.parse("{\"name\":\"o\",\"limits\":{\"rpm\":100}}".getBytes())).path("key").asText();
                String k2 = closed.createKey((ObjectNode) Json.parse("{\"name\":\"c\",\"limits\":{\"rpm\":100}}".getBytes())).path("key").asText();
                assertThat(open.http().post("/v1/chat/completions", chat(), Map.of("authorization", "Bearer " + k1)).status()).isEqualTo(200);
                assertThat(closed.http().post("/v1/chat/completions", chat(), Map.of("authorization", "Bearer " + k2)).status()).isEqualTo(200);

                redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

                for (int i = 0; i < 5; i++) {
                    assertThat(open.http().post("/v1/chat/completions", chat(), Map.of("authorization", "Bearer " + k1)).status())
                            .as("fail-open: served on this instance's own limits").isEqualTo(200);
                    var refused = closed.http().post("/v1/chat/completions", chat(), Map.of("authorization", "Bearer " + k2));
                    assertThat(refused.status()).as("fail-closed: refused, not failed").isEqualTo(429);
                    assertThat(refused.json().path("error").path("code").asText()).isEqualTo("limits_unavailable");
                    assertThat(refused.header("retry-after")).isEqualTo("1");
                }
                String scrape = open.http().get("/metrics", Map.of()).body();
                assertThat(scrape.lines().filter(l -> l.startsWith("sluice_limits_redis_fallbacks_total"))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum())
                        .as("fallbacks to local limits, in /metrics").isPositive();
            }
        } finally {
            redis.destroyForcibly();
        }
    }

    private static void awaitPort(int port) {
        org.awaitility.Awaitility.await("redis-server listening on port " + port).atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(50)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                        return true;
                    }
                });
    }
}
