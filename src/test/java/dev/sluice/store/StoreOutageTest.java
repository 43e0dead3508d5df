package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The store goes away mid-load: requests never wait, and every record arrives once it is back")
class StoreOutageTest {

    @Test
    @DisplayName("SQLite locked by someone else: records spill to disk, then all reach the store")
    void sqliteLocked() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createKey("outage");
            String url = "jdbc:sqlite:" + gw.dir().resolve("sluice.db");
            int before = count(url);
            int sent = 0;
            try (Connection lock = DriverManager.getConnection(url); Statement s = lock.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                long start = System.currentTimeMillis();
                while (System.currentTimeMillis() - start < 6_000 || gw.gateway().requestLog().spilled() == 0) {
                    Http.Response r = gw.http().post("/v1/chat/completions",
                            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                            Map.of("authorization", "Bearer " + key));
                    assertThat(r.status()).as("requests are served while the store is locked").isEqualTo(200);
                    sent++;
                    assertThat(System.currentTimeMillis() - start).as("the writer never spilled").isLessThan(30_000);
                }
                assertThat(gw.gateway().requestLog().storeDown()).isTrue();
                s.execute("COMMIT");
            }
            assertThat(gw.gateway().requestLog().flush(30_000)).isTrue();
            assertThat(count(url) - before).as("every request logged after the outage").isEqualTo(sent);
            assertThat(gw.gateway().requestLog().dropped()).isZero();
            assertThat(gw.gateway().requestLog().spillPending()).isZero();
        }
    }

    static int count(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM request_log")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
