package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Drain: readiness turns 503 while in-flight work finishes; liveness stays 200")
class DrainReadinessTest {

    @Test
    @DisplayName("while a stream drains: /health/ready is 503 draining, /health/live 200, new API requests 503; the stream ends with [DONE]")
    void readinessDuringDrain() throws Exception {
        TestGateway gw = TestGateway.start(SimOptions.defaults(), "server:\n  host: 127.0.0.1\n  port: 0\n  drain_timeout: 30s\n", Clock.systemUTC());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String key = gw.createKey("drain");
            assertThat(gw.http().get("/health/ready", java.util.Map.of()).status()).isEqualTo(200);
            ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("stream", true);
            body.putArray("messages").addObject().put("role", "user").put("content", "a long story");
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean(true);
            // 30 pieces 150 ms apart: about 4.5 s in flight
            Future<Http.Response> stream = pool.submit(() -> gw.http().postStreaming("/v1/chat/completions", body,
                    Http.bearer(key, "x-sim-itl-ms", "150", "x-sim-tokens", "30"), (l, t) -> {
                        if (first.getAndSet(false)) {
                            started.countDown();
                        }
                    }));
            assertThat(started.await(10, TimeUnit.SECONDS)).as("the stream started").isTrue();
            Future<?> closing = pool.submit(gw::close);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Http.Response ready = gw.http().get("/health/ready", java.util.Map.of());
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.json().path("status").asText()).isEqualTo("draining");
            });
            assertThat(gw.http().get("/health/live", java.util.Map.of()).status()).isEqualTo(200);
            Http.Response refused = gw.http().post("/v1/chat/completions", body, Http.bearer(key));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(stream.isDone()).as("still streaming while readiness says draining").isFalse();

            assertThat(stream.get(30, TimeUnit.SECONDS).events()).last().isEqualTo("[DONE]");
            closing.get(30, TimeUnit.SECONDS);
        } finally {
            gw.close();
        }
    }
}
