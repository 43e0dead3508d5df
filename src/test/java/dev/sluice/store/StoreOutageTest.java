package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.MutableClock;
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
                // a request's root span travels in its request-log record (migration V67): the log's spill holds it
                while (System.currentTimeMillis() - start < 4_000 || gw.gateway().writers().requestLog().spilled() == 0
                        || gw.gateway().writers().bodies().spilled() == 0) {
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
                    assertThat(count(s, "SELECT COUNT(*) FROM spans_all WHERE kind = 'server'")).as("root spans").isEqualTo(sent);
                    assertThat(count(s, "SELECT COUNT(*) FROM bodies")).as("bodies").isEqualTo(sent);
                }
            }
        }
    }

    @Test
    @DisplayName("PostgreSQL unreachable: a key (and its team's quota) known before keeps serving past its cache time; an unknown key is refused")
    void knownKeysServeThroughAnOutage() throws Exception {
        String url = Services.postgres();
        Path spill = Files.createTempDirectory("sluice-spill");
        MutableClock clock = new MutableClock(java.time.Instant.now());
        try (TcpProxy proxy = new TcpProxy(5432)) {
            String proxied = url.replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
            try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                    store:
                      url: "%s"
                      spill_dir: "%s"
                    """.formatted(proxied, spill), clock)) {
                String key = gw.createKey(dev.sluice.api.Json.object().put("name", "known").put("team", "outage"))
                        .path("key").asText();
                Map<String, String> auth = Map.of("authorization", "Bearer " + key, "content-type", "application/json");
                String chat = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                assertThat(gw.http().post("/v1/chat/completions", chat, auth).status()).isEqualTo(200);
                proxy.cut();
                clock.advance(java.time.Duration.ofSeconds(6)); // past the key and team caches' time
                Http.Response during = gw.http().post("/v1/chat/completions", chat, auth);
                assertThat(during.status()).as(during.body()).isEqualTo(200);
                clock.advance(java.time.Duration.ofSeconds(6));
                assertThat(gw.http().post("/v1/chat/completions", chat, auth).status()).isEqualTo(200);
                Http.Response unknown = gw.http().post("/v1/chat/completions", chat,
                        Map.of("authorization", "Bearer sk-sluice-never-issued", "content-type", "application/json"));
                assertThat(unknown.status()).as(unknown.body()).isNotEqualTo(200);
                proxy.restore();
                assertThat(gw.gateway().writers().requestLog().flush(60_000)).isTrue();
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    assertThat(count(s, "SELECT COUNT(*) FROM request_log WHERE status = 200")).isEqualTo(3);
                }
            }
        }
    }

    @Test
    @DisplayName("PostgreSQL unreachable: once the pool could not connect, callers fail at once (one a second asks again); back, it serves again")
    void failsFastWhileDown() throws Exception {
        String url = Services.postgres();
        try (TcpProxy proxy = new TcpProxy(5432)) {
            Database db = Database.openPostgres(url.replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port()));
            try {
                assertThat(db.healthy()).isTrue();
                proxy.cut();
                // the pool may first hand out connections the cut just closed (up to its 8); then a caller waits for
                // a new one and finds it cannot connect; the callers after it fail without asking the pool again
                List<String> failures = new java.util.ArrayList<>();
                for (int i = 0; i < 10 && failures.stream().noneMatch(m -> m.contains("did not answer the last attempt")); i++) {
                    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> db.withConnection(c -> c.isValid(1)));
                    assertThat(t).isInstanceOf(StoreException.class);
                    failures.add(t.getMessage());
                }
                assertThat(failures).as("the pool's timeout came first").anyMatch(m -> m.contains("Connection is not available"));
                assertThat(failures.getLast()).as(failures.toString()).contains("did not answer the last attempt");
                proxy.restore();
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(db::healthy);
                assertThat((boolean) db.withConnection(c -> c.isValid(1))).isTrue();
            } finally {
                db.close();
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
