package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TcpProxy;
import dev.sluice.testing.TestGateway;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
                while (System.currentTimeMillis() - start < 6_000 || gw.gateway().writers().requestLog().spilled() == 0) {
                    Http.Response r = gw.http().post("/v1/chat/completions",
                            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                            Map.of("authorization", "Bearer " + key));
                    assertThat(r.status()).as("requests are served while the store is locked").isEqualTo(200);
                    sent++;
                    assertThat(System.currentTimeMillis() - start).as("the writer never spilled").isLessThan(30_000);
                }
                assertThat(gw.gateway().writers().requestLog().storeDown()).isTrue();
                s.execute("COMMIT");
            }
            assertThat(gw.gateway().writers().requestLog().flush(30_000)).isTrue();
            // the last answer reaches the client before its exchange completes (the request log is a completion
            // listener): its record may be offered just after the flush above returned
            for (long end = System.currentTimeMillis() + 30_000; count(url) - before < sent && System.currentTimeMillis() < end; ) {
                Thread.sleep(50);
                gw.gateway().writers().requestLog().flush(30_000);
            }
            assertThat(count(url) - before).as("every request logged after the outage").isEqualTo(sent);
            assertThat(gw.gateway().writers().requestLog().dropped()).isZero();
            assertThat(gw.gateway().writers().requestLog().spillPending()).isZero();
        }
    }

    @Test
    @DisplayName("PostgreSQL unreachable mid-load: requests are served, request log, spans and bodies spill, then all arrive once")
    void postgresDown() throws Exception {
        String url = Services.postgres();
        Path spill = Files.createTempDirectory("sluice-spill");
        try (TcpProxy proxy = new TcpProxy(5432)) {
            String proxied = url.replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
            // auth off: key lookups also need the store; this test is about the writers
            try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                    auth: {enabled: false}
                    tracing: {capture: full}
                    store:
                      url: "%s"
                      spill_dir: "%s"
                    """.formatted(proxied, spill), Clock.systemUTC())) {
                int sent = 0;
                proxy.cut();
                long start = System.currentTimeMillis();
                while (System.currentTimeMillis() - start < 4_000 || gw.gateway().writers().requestLog().spilled() == 0
                        || gw.gateway().writers().spans().spilled() == 0 || gw.gateway().writers().bodies().spilled() == 0) {
                    Http.Response r = gw.http().post("/v1/chat/completions",
                            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of());
                    assertThat(r.status()).as("requests are served while the store is down").isEqualTo(200);
                    sent++;
                    assertThat(System.currentTimeMillis() - start).as("the writers never spilled").isLessThan(60_000);
                }
                assertThat(gw.gateway().writers().requestLog().storeDown()).isTrue();
                proxy.restore();
                for (BatchWriter<?> w : List.of(gw.gateway().writers().requestLog(), gw.gateway().writers().spans(), gw.gateway().writers().bodies())) {
                    assertThat(w.flush(60_000)).isTrue();
                    assertThat(w.dropped()).isZero();
                    assertThat(w.spillPending()).isZero();
                }
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    assertThat(count(s, "SELECT COUNT(*) FROM request_log")).as("request log").isEqualTo(sent);
                    assertThat(count(s, "SELECT COUNT(*) FROM spans WHERE kind = 'server'")).as("root spans").isEqualTo(sent);
                    assertThat(count(s, "SELECT COUNT(*) FROM bodies")).as("bodies").isEqualTo(sent);
                }
            }
        }
    }

    static int count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
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
