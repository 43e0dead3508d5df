package dev.sluice.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("auth.enabled: false (local development)")
class AuthDisabledTest {

    @Test
    @DisplayName("serves /v1 without a key, records the end user, and keeps the admin API guarded")
    void noKeyNeeded() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                auth:
                  enabled: false
                  admin_key: %s
                """.formatted(TestGateway.ADMIN_KEY), Clock.systemUTC())) {
            Http.Response r = gw.http().post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"user\":\"dev\"}",
                    Map.of("x-request-id", "no-auth"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(gw.http().get("/v1/models", Map.of()).status()).isEqualTo(200);
            assertThat(gw.logs("request_id=no-auth").get(0).path("user").asText()).isEqualTo("dev");
            assertThat(gw.http().get("/admin/keys", Map.of()).status()).isEqualTo(401);
        }
    }
}
