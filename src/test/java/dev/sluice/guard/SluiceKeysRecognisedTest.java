package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sluice's own keys (virtual keys, admin keys) are credentials to the secrets guardrail and to body capture")
class SluiceKeysRecognisedTest {
    static final Map<String, String> OWNER = Http.bearer(TestGateway.ADMIN_KEY);
    /** The shape of the demo's admin key (Secrets.newAdminKey). */
    static final String DEMO_ADMIN_KEY = "sk-sluice-admin-" + "Q7r2Xk9mPz4LwB8nVt3Hc6Jd1Fy5Gs0A";

    static ObjectNode chat(String text) {
        ObjectNode body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body;
    }

    static String mintAdminKey(TestGateway gw) {
        Http.Response r = gw.http().post("/admin/admin-keys", "{\"name\":\"ops\",\"role\":\"viewer\"}", OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("key").asText();
    }

    @Test
    @DisplayName("secrets: block refuses messages carrying a virtual key, a minted admin key or the demo admin key")
    void guardrailBlocks() {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                guardrails:
                  default_policy: standard
                  policies:
                    standard:
                      input:
                        secrets: block
                """, Clock.systemUTC())) {
            String key = gw.createKey("keys-guard");
            String minted = mintAdminKey(gw);
            assertThat(minted).startsWith("sk-sluice-adm-");
            Map<String, String> expected = Map.of(
                    "please debug with my key " + gw.createKey("other"), "sluice_api_key",
                    "the admin key is " + minted + ".", "sluice_admin_key",
                    "export SLUICE_ADMIN_KEY=" + DEMO_ADMIN_KEY, "sluice_admin_key");
            for (var e : expected.entrySet()) {
                Http.Response r = gw.http().post("/v1/chat/completions", chat(e.getKey()), Http.bearer(key));
                assertThat(r.status()).as(e.getKey()).isEqualTo(400);
                assertThat(r.json().path("error").path("code").asText()).isEqualTo("guardrail_blocked");
                assertThat(r.json().path("error").path("message").asText()).contains(e.getValue())
                        .doesNotContain("sk-sluice-");
            }
            assertThat(gw.sim().recorded()).isEmpty();
        }
    }

    @Test
    @DisplayName("capture: admin and virtual keys in a message are masked before the body is stored")
    void captureMasks() throws Exception {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                tracing:
                  capture: full
                """, Clock.systemUTC())) {
            String key = gw.createKey("keys-capture");
            String minted = mintAdminKey(gw);
            String virtual = gw.createKey("leaked");
            Http.Response r = gw.http().post("/v1/chat/completions",
                    chat("keys: " + minted + " " + DEMO_ADMIN_KEY + " " + virtual), Http.bearer(key));
            assertThat(r.status()).isEqualTo(200);
            gw.flushLog();
            assertThat(gw.gateway().awaitFlushed(Duration.ofSeconds(10))).isTrue();
            List<String> stored = new ArrayList<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + gw.dir().resolve("sluice.db"));
                 PreparedStatement ps = c.prepareStatement("SELECT request, response FROM bodies WHERE request_id = ?")) {
                ps.setString(1, r.header("x-request-id"));
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    stored.add(rs.getString(1));
                    stored.add(rs.getString(2));
                }
            }
            assertThat(stored.get(0)).contains("[SLUICE_ADMIN_KEY] [SLUICE_ADMIN_KEY] [SLUICE_API_KEY]")
                    .doesNotContain("sk-sluice-");
            assertThat(stored.get(1)).doesNotContain("sk-sluice-");
        }
    }
}
