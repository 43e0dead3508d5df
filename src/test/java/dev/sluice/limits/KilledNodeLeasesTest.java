package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.GatedUpstream;
import dev.sluice.testing.GatewayProcess;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A node killed with requests in flight: its concurrency slots come back to the other nodes")
class KilledNodeLeasesTest {

    @Test
    @DisplayName("kill -9 with two slots of a concurrency-2 key held: refused at once, free again once the lease runs out (seconds, not 15 minutes)")
    void killedNodesSlotsExpire() throws Exception {
        try (GatedUpstream upstream = GatedUpstream.start(10)) {
            // leases of 6 s instead of 20: what the test waits out after the kill (renewed every 1.5 s meanwhile)
            String yaml = ThreeNodeLimitsTest.sharedConfig(Services.postgres(), upstream.baseUrl())
                    .replace("timeout: 5s", "timeout: 5s\n  lease_ttl: 6s");
            Path dir = Files.createTempDirectory("killed-node");
            try (TestGateway survivor = TestGateway.start(SimOptions.defaults(), yaml, Clock.systemUTC());
                 GatewayProcess doomed = GatewayProcess.start(TestGateway.standardConfig("http://127.0.0.1:9", dir, yaml), dir)) {
                String key = survivor.createKey((ObjectNode) Json.parse(
                        "{\"name\":\"held\",\"limits\":{\"concurrency\":2}}".getBytes(StandardCharsets.UTF_8))).path("key").asText();
                byte[] chat = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                        .getBytes(StandardCharsets.UTF_8);
                Map<String, String> auth = Http.bearer(key);

                CountDownLatch arrived = upstream.shut(2);
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < 2; i++) {
                        pool.submit(() -> doomed.http().post("/v1/chat/completions", chat, auth)); // dies with the node
                    }
                    assertThat(arrived.await(60, TimeUnit.SECONDS)).as("both requests in flight on the doomed node").isTrue();
                    doomed.kill();
                    upstream.open();
                }

                // right after the kill the slots still count: a node that stopped renewing may only be slow
                assertThat(survivor.http().post("/v1/chat/completions", chat, auth).status()).isEqualTo(429);
                // once the dead node's leases run out, the survivor has the key's whole limit again
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(
                        () -> survivor.http().post("/v1/chat/completions", chat, auth).status() == 200);
            }
        }
    }
}
