package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.limits.ThreeNodeLimitsTest.Burst;
import dev.sluice.testing.GatedUpstream;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three nodes on a Redis of their own that stops answering (killed, or paused with
 * {@code CLIENT PAUSE} so every command times out): with {@code fail_open}, each node falls back to
 * its share of every limit (limit / live nodes from the membership record), so the nodes together
 * admit the limit, not limit × 3. Requests wait at a gated upstream until the whole burst is
 * decided, so in-flight counts are exact.
 */
@DisplayName("Redis unavailable: each of three nodes falls back to its share of a limit, not the whole limit")
class RedisOutageShareTest {
    private static final int BURST = 30;

    @ParameterizedTest(name = "Redis {0}")
    @ValueSource(strings = {"killed", "paused"})
    void sharesWhileRedisIsUnavailable(String outage) throws Exception {
        String pg = Services.postgres();
        int port = freePort();
        Path dir = Files.createTempDirectory("redis-share");
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        List<TestGateway> nodes = new ArrayList<>();
        try (GatedUpstream upstream = GatedUpstream.start(1000)) {
            awaitPort(port);
            String yaml = ThreeNodeLimitsTest.sharedConfig(pg, upstream.baseUrl())
                    .replace(Services.REDIS_URL, "redis://127.0.0.1:" + port + "/0")
                    .replace("timeout: 5s", "timeout: 300ms\n  fail_open: true") + "metrics: {}\n";
            for (int i = 0; i < 3; i++) {
                nodes.add(TestGateway.start(dev.sluice.sim.SimOptions.defaults(), yaml, java.time.Clock.systemUTC()));
            }
            Awaitility.await("every node counts three live nodes").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> nodes.stream().allMatch(n -> liveNodes(n) == 3));

            String rpm = key(nodes, "{\"rpm\":6}", null);
            String concurrency = key(nodes, "{\"concurrency\":6}", null);
            String budget = key(nodes, null, "{\"daily_usd\":9.5}");
            // $3 of the $9.50 spent through Redis, one request on each node: each has seen what is left
            for (int i = 0; i < 3; i++) {
                Burst one = ThreeNodeLimitsTest.burst(List.of(nodes.get(i)), upstream, budget, 1);
                assertThat(one.admitted()).isEqualTo(1);
            }

            if (outage.equals("killed")) {
                redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } else {
                try (RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
                     StatefulRedisConnection<String, String> c = client.connect()) {
                    c.sync().clientPause(600_000);
                }
            }

            Burst perMinute = ThreeNodeLimitsTest.burst(nodes, upstream, rpm, BURST);
            Burst slots = ThreeNodeLimitsTest.burst(nodes, upstream, concurrency, BURST);
            Burst spend = ThreeNodeLimitsTest.burst(nodes, upstream, budget, BURST);
            System.out.printf("Redis %s, 3 nodes, fail_open: rpm 6 admitted %d of %d (limit x nodes would be 18); "
                            + "concurrency 6: %d in flight (18); daily $9.50 with $3.00 spent: %d more at $1.00 (6.5 left; 27 locally)%n",
                    outage, perMinute.admitted(), BURST, slots.admitted(), spend.admitted());
            // rpm 6 → 2 a node; one more needs 30 s of refill on a node, which the bound allows once
            assertThat(perMinute.admitted()).isBetween(6, 7);
            assertThat(perMinute.refusalCodes()).containsOnly("rate_limit_exceeded");
            assertThat(slots.admitted()).isEqualTo(6);
            // each node's share of what Redis last said was left ($8.50, $7.50, $6.50 as the three
            // requests went) is $2.17-2.83: two requests each
            assertThat(spend.admitted()).isEqualTo(6);
            assertThat(spend.refusalCodes()).containsOnly("budget_exceeded");
            for (TestGateway n : nodes) {
                assertThat(metric(n, "sluice_limits_redis_fallbacks_total")).as("fallbacks counted").isPositive();
                assertThat(liveNodes(n)).as("the last known membership is kept while Redis is away").isEqualTo(3);
            }
        } finally {
            nodes.forEach(TestGateway::close);
            redis.destroyForcibly();
        }
    }

    private static String key(List<TestGateway> nodes, String limits, String budget) {
        ObjectNode body = Json.object().put("name", "share");
        if (limits != null) {
            body.set("limits", Json.parse(limits.getBytes(StandardCharsets.UTF_8)));
        }
        if (budget != null) {
            body.set("budget", Json.parse(budget.getBytes(StandardCharsets.UTF_8)));
        }
        return nodes.get(0).createKey(body).path("key").asText();
    }

    static long liveNodes(TestGateway node) {
        return (long) metric(node, "sluice_cluster_nodes");
    }

    static double metric(TestGateway node, String name) {
        String scrape = node.http().get("/metrics", Map.of()).body();
        return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void awaitPort(int port) {
        Awaitility.await("redis-server listening on port " + port).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        return true;
                    }
                });
    }
}
