package dev.sluice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Json;
import dev.sluice.testing.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Failed dashboard logins are limited per client address, over HTTP against a gateway allowing 3 per window. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Dashboard login rate limit")
class DashboardLoginLimitTest {
    private DemoGateway demo;

    @BeforeAll
    void start() throws Exception {
        demo = DemoGateway.start(0, "dashboard:\n  enabled: true\n  login_failures_per_ip: 3\n  login_failure_window: 10m\n");
    }

    @AfterAll
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    private Http.Response login(String key) {
        return demo.http.post("/ui/login", Json.object().put("key", key), Map.of("Content-Type", "application/json"));
    }

    @Test
    @DisplayName("after 3 wrong keys from one address, logins from it are refused with 429, Retry-After and a clear message — even with the right key; each refusal and the login are audited")
    void limited() {
        assertThat(login(DemoGateway.ADMIN_KEY).status()).as("a good login clears nothing it should not").isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            Http.Response wrong = login("sk-adm-wrong" + i + "-0123456789abcdefghijklmnop");
            assertThat(wrong.status()).as(wrong.body()).isEqualTo(401);
        }
        Http.Response refused = login(DemoGateway.ADMIN_KEY);
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("login_rate_limited");
        assertThat(refused.json().path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(refused.json().path("error").path("message").asText())
                .contains("Too many failed logins from this address", "Try again in 10 min");
        assertThat(Long.parseLong(refused.header("retry-after"))).isBetween(590L, 600L);
        assertThat(demo.http.get("/admin/keys", Http.bearer(DemoGateway.ADMIN_KEY)).status())
                .as("the admin API itself is not affected").isEqualTo(200);

        var failed = demo.http.get("/admin/audit?action=ui.login.failed&limit=50", Http.bearer(DemoGateway.ADMIN_KEY)).json().path("data");
        assertThat(failed.size()).as("3 wrong keys and the refused login after them").isEqualTo(4);
        assertThat(failed.get(0).path("after").path("reason").asText()).isEqualTo("rate_limited");
        assertThat(failed.get(1).path("after").path("reason").asText()).isEqualTo("invalid_key");
        assertThat(failed.get(1).path("after").path("key_scheme").asText()).isEqualTo("sk-adm-");
        assertThat(failed.get(1).path("after").path("address").asText()).isNotBlank();
        assertThat(failed.toString()).as("no character of a secret is stored").doesNotContain("wrong", "0123456789",
                DemoGateway.ADMIN_KEY.substring(DemoGateway.ADMIN_KEY.length() - 8));
        var logins = demo.http.get("/admin/audit?action=ui.login&limit=50", Http.bearer(DemoGateway.ADMIN_KEY)).json().path("data");
        assertThat(logins.size()).as("the successful login").isEqualTo(1);
        assertThat(logins.get(0).path("after").path("address").asText()).isNotBlank();
    }
}
