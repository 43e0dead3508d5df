package dev.sluice.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.RecordedRequest;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("forward_headers never sends a Sluice key upstream")
class HeaderForwardingTest {
    /** A provider without api_key that forwards every client header: the bring-your-own-key set-up. */
    static final String FORWARD_ALL = """
            providers:
              byok: {type: openai, base_url: "${SIM}/v1", forward_headers: ["*"]}
            models:
              gpt-4o-mini: {provider: byok}
            """;
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    @DisplayName("with forward_headers: [\"*\"] and no api_key, the caller's virtual key stays at the gateway; other headers go")
    void virtualKeyStays() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), FORWARD_ALL, Clock.systemUTC())) {
            String key = gw.createKey("byok");
            Http.Response r = gw.http().post("/v1/chat/completions", BODY, Map.of("authorization", "Bearer " + key,
                    "x-api-key", key, "x-team-trace", "abc"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            RecordedRequest upstream = gw.sim().recorded().getLast();
            assertThat(upstream.header("authorization")).isNull();
            assertThat(upstream.header("x-api-key")).isNull();
            assertThat(upstream.header("x-team-trace")).isEqualTo("abc");
            assertThat(upstream.headers().toString()).doesNotContain(key);
        }
    }

    @Test
    @DisplayName("with auth off, a client's own upstream key is forwarded, a Sluice key is not")
    void ownKeyForwarded() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), FORWARD_ALL + """
                auth:
                  enabled: false
                  admin_key: %s
                """.formatted(TestGateway.ADMIN_KEY), Clock.systemUTC())) {
            assertThat(gw.http().post("/v1/chat/completions", BODY, Map.of("authorization", "Bearer sk-upstream-own"))
                    .status()).isEqualTo(200);
            assertThat(gw.sim().recorded().getLast().header("authorization")).isEqualTo("Bearer sk-upstream-own");
            String sluiceLooking = "Bearer sk-sluice-0123456789abcdefghijklmnopqrstuv";
            assertThat(gw.http().post("/v1/chat/completions", BODY, Map.of("authorization", sluiceLooking)).status())
                    .isEqualTo(200);
            assertThat(gw.sim().recorded().getLast().header("authorization")).isNull();
        }
    }

    @Test
    @DisplayName("with auth off, neither the config's admin key nor an admin key made by the API goes upstream, in any header")
    void adminKeysStay() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), FORWARD_ALL + """
                auth:
                  enabled: false
                  admin_key: %s
                metrics:
                  bearer_token: metrics-token-0123456789
                """.formatted(TestGateway.ADMIN_KEY), Clock.systemUTC())) {
            Http.Response made = gw.http().post("/admin/admin-keys", "{\"name\":\"ops\",\"role\":\"owner\"}",
                    Http.bearer(TestGateway.ADMIN_KEY));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            String madeKey = made.json().path("key").asText();
            assertThat(madeKey).startsWith("sk-sluice-adm");
            for (String secret : java.util.List.of(TestGateway.ADMIN_KEY, madeKey, "metrics-token-0123456789")) {
                Http.Response r = gw.http().post("/v1/chat/completions", BODY, Map.of("authorization", "Bearer " + secret,
                        "x-api-key", secret, "x-other", "token=" + secret + ";", "x-team-trace", "abc"));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                RecordedRequest upstream = gw.sim().recorded().getLast();
                assertThat(upstream.header("x-team-trace")).isEqualTo("abc");
                assertThat(upstream.header("authorization")).isNull();
                assertThat(upstream.header("x-api-key")).isNull();
                assertThat(upstream.header("x-other")).isNull();
                assertThat(upstream.headers().toString()).doesNotContain(secret);
            }
        }
    }
}
