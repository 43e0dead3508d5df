package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("sluice alerts: the rules with their state and the recent alerts of the node")
class AlertsCliTest {

    @Test
    @DisplayName("a firing rule shows as FIRING with its value and in the recent alerts; --json and bad filters")
    void showsFiringRule() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), TestGateway.NO_RESILIENCE + """
                alerts:
                  evaluation_interval: 50ms
                  rules:
                    - {name: upstream-errors, metric: error_rate, threshold: 20%, min_samples: 2, priority: P1,
                       message: "upstream failing"}
                    - {name: slow, metric: latency_p99, threshold: 30s, message: "slow"}
                """, Clock.systemUTC())) {
            String[] admin = {"--url", "http://127.0.0.1:" + gw.gateway().port(), "--admin-key", TestGateway.ADMIN_KEY};
            CliTest.Run quiet = CliTest.run(concat(new String[] {"alerts"}, admin));
            assertThat(quiet.code()).as(quiet.out()).isZero();
            assertThat(quiet.out()).contains("upstream-errors", "error_rate > 20.00% over 5m", "(none)");

            String key = gw.createKey("app");
            for (int i = 0; i < 2; i++) {
                String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + i + "\"}]}";
                assertThat(gw.http().post("/v1/chat/completions", body,
                        Http.bearer(key, "x-sim-error-rate", "1", "x-sim-error-status", "500")).status()).isEqualTo(502);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> CliTest.run(concat(new String[] {"alerts"}, admin)).out()
                    .contains("FIRING upstream-errors"));
            CliTest.Run firing = CliTest.run(concat(new String[] {"alerts"}, admin));
            assertThat(firing.out()).containsPattern("FIRING +upstream-errors +P1 +error_rate > 20\\.00% over 5m +\\(value 1\\.000 over 2 samples\\)");
            assertThat(firing.out()).containsPattern("P1 +firing +FIRING upstream-errors: error_rate is 100\\.0%");
            assertThat(firing.out()).contains("OK      slow");

            CliTest.Run json = CliTest.run(concat(new String[] {"alerts", "--json", "--status", "firing"}, admin));
            assertThat(json.code()).isZero();
            JsonNode page = Json.parse(json.out().strip().getBytes(StandardCharsets.UTF_8));
            assertThat(page.path("data").get(0).path("details").path("rule").asText()).isEqualTo("upstream-errors");

            CliTest.Run bad = CliTest.run(concat(new String[] {"alerts", "--status", "burning"}, admin));
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.out()).contains("not an alert status");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
