package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Retention per data kind, and the right to erasure")
class RetentionAndErasureTest {

    static void chatAs(TestGateway gw, String key, String user) {
        Http.Response r = gw.http().post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("authorization", "Bearer " + key));
        assertThat(r.status()).isEqualTo(200);
    }

    static int count(TestGateway gw, String sql, String arg) throws Exception {
        gw.flushLog();
        assertThat(gw.gateway().awaitFlushed(java.time.Duration.ofMillis(10_000))).isTrue();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + gw.dir().resolve("sluice.db"));
             PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    @DisplayName("erasing an end user deletes their request log rows and spans, leaves others, and is audited")
    void erasure() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("erasure");
            chatAs(gw, key, "zoe");
            chatAs(gw, key, "zoe");
            chatAs(gw, key, "yan");
            assertThat(count(gw, "SELECT COUNT(*) FROM request_log WHERE end_user = ?", "zoe")).isEqualTo(2);
            assertThat(count(gw, "SELECT COUNT(*) FROM spans_all WHERE end_user = ?", "zoe")).isEqualTo(2);

            Map<String, String> owner = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
            Http.Response erased = gw.http().delete("/admin/users/zoe", owner);
            assertThat(erased.status()).isEqualTo(200);
            assertThat(erased.json().path("deleted").path("request_log").asInt()).isEqualTo(2);
            assertThat(erased.json().path("deleted").path("spans").asInt()).isEqualTo(2);

            assertThat(count(gw, "SELECT COUNT(*) FROM request_log WHERE end_user = ?", "zoe")).isZero();
            assertThat(count(gw, "SELECT COUNT(*) FROM spans_all WHERE end_user = ?", "zoe")).isZero();
            assertThat(count(gw, "SELECT COUNT(*) FROM request_log WHERE end_user = ?", "yan")).isEqualTo(1);
            JsonNode audit = gw.http().get("/admin/audit?action=user.erase", owner).json().path("data");
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0).path("target").asText()).isEqualTo("zoe");

            String viewer = gw.http().post("/admin/admin-keys", "{\"name\":\"v\",\"role\":\"viewer\"}", owner).json().path("key").asText();
            assertThat(gw.http().delete("/admin/users/yan", Map.of("authorization", "Bearer " + viewer)).status()).isEqualTo(403);
        }
    }

    @Test
    @DisplayName("the retention job deletes each kind of record after its own time to live")
    void retention() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                retention:
                  request_log: 30d
                  spans: 7d
                """, clock)) {
            String key = gw.createKey("retention");
            chatAs(gw, key, "old");
            assertThat(count(gw, "SELECT COUNT(*) FROM request_log", null)).isEqualTo(1);
            int spans = count(gw, "SELECT COUNT(*) FROM spans_all", null);
            assertThat(spans).isPositive();

            clock.advance(Duration.ofDays(8));
            Map<String, Integer> deleted = gw.gateway().runRetention();
            // span rows are deleted; the root spans request-log rows carry are cleared from the rows, which stay
            assertThat(deleted.get("spans") + deleted.get("request_log.spans")).isEqualTo(spans);
            assertThat(count(gw, "SELECT COUNT(*) FROM spans_all", null)).isZero();
            assertThat(deleted.get("request_log")).isZero();
            assertThat(count(gw, "SELECT COUNT(*) FROM request_log", null)).isEqualTo(1);

            clock.advance(Duration.ofDays(23));
            assertThat(gw.gateway().runRetention().get("request_log")).isEqualTo(1);
            assertThat(count(gw, "SELECT COUNT(*) FROM request_log", null)).isZero();
            assertThat(count(gw, "SELECT COUNT(*) FROM audit_log", null)).as("audit is kept 400 days").isPositive();
        }
    }
}
