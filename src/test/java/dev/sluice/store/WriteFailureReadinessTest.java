package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Readiness follows a store that answers reads but fails every write (disk full); liveness does not")
class WriteFailureReadinessTest {
    static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    @DisplayName("writes failing again and again turn /health/ready 503; the first write that succeeds turns it back")
    void unwritableStore() throws Exception {
        String url = Services.postgres();
        Path spill = Files.createTempDirectory("sluice-spill");
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                auth: {enabled: false}
                store:
                  url: "%s"
                  spill_dir: "%s"
                """.formatted(url, spill), Clock.systemUTC());
             Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertThat(gw.http().post("/v1/chat/completions", CHAT, Map.of()).status()).isEqualTo(200);
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(30))).isTrue();
            assertThat(gw.http().get("/health/ready", Map.of()).status()).isEqualTo(200);

            // reads (SELECT 1, key lookups) still work; every new request-log row is refused, like a full disk
            s.execute("ALTER TABLE request_log ADD CONSTRAINT sluice_test_unwritable CHECK (false) NOT VALID");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(gw.http().post("/v1/chat/completions", CHAT, Map.of()).status())
                        .as("requests are still served").isEqualTo(200);
                Http.Response ready = gw.http().get("/health/ready", Map.of());
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.json().path("status").asText()).isEqualTo("store_writes_unavailable");
            });
            assertThat(gw.http().get("/health/live", Map.of()).status()).as("liveness is not the store's").isEqualTo(200);

            s.execute("ALTER TABLE request_log DROP CONSTRAINT sluice_test_unwritable");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(gw.http().get("/health/ready", Map.of()).status()).isEqualTo(200));
            assertThat(gw.gateway().writers().requestLog().flush(30_000)).isTrue();
            assertThat(gw.gateway().writers().requestLog().dropped()).isZero();
        }
    }
}
