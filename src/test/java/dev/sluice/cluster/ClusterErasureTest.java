package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TcpProxy;
import dev.sluice.testing.TestGateway;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Erasing an end user on one node also reaches their records still waiting elsewhere: in the
 * telemetry stream, or in another node's spill file while the store was unreachable from it.
 */
@DisplayName("Erasure across nodes: records still in the stream or another node's spill file are never written")
class ClusterErasureTest {
    private static final Map<String, String> OWNER = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);

    @Test
    @DisplayName("records of the erased user waiting in the JetStream stream are dropped by the consumer; others are written")
    void inTheStream() throws Exception {
        String pg = Services.postgres();
        String stream = "SLUICE_T" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE).toUpperCase();
        String yaml = """
                tracing: {capture: full}
                store:
                  url: "%s"
                  spill_dir: "%s"
                  buffer: {type: jetstream, url: %s, stream: %s, consume: %s}
                """;
        try {
            String alice = "alice-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            try (TestGateway a = TestGateway.start(SimOptions.defaults(), yaml.formatted(pg, Files.createTempDirectory("spill-a"),
                    Services.nats(), stream, false), Clock.systemUTC())) {
                String key = a.createKey("erasure");
                for (String user : new String[] {alice, "bob", alice}) {
                    chat(a, key, user);
                }
                assertThat(a.gateway().writers().requestLog().flush(10_000)).as("published").isTrue();
                Http.Response erased = a.http().delete("/admin/users/" + alice, OWNER);
                assertThat(erased.status()).as(erased.body()).isEqualTo(200);
                chat(a, key, alice); // after the erasure: new data, kept
                assertThat(a.gateway().writers().requestLog().flush(10_000)).isTrue();
            }
            try (TestGateway b = TestGateway.start(SimOptions.defaults(), yaml.formatted(pg, Files.createTempDirectory("spill-b"),
                    Services.nats(), stream, true), Clock.systemUTC())) {
                b.flushLog();
            }
            assertThat(count(pg, "SELECT COUNT(*) FROM request_log WHERE end_user = 'bob'")).isEqualTo(1);
            assertThat(count(pg, "SELECT COUNT(*) FROM request_log WHERE end_user = '" + alice + "'"))
                    .as("only the request made after the erasure").isEqualTo(1);
            assertThat(count(pg, "SELECT COUNT(*) FROM spans_all WHERE end_user = '" + alice + "' AND kind = 'server'")).isEqualTo(1);
            assertThat(count(pg, "SELECT COUNT(*) FROM bodies WHERE end_user = '" + alice + "'")).isEqualTo(1);
        } finally {
            try (Connection nc = Nats.connect(Services.nats())) {
                nc.jetStreamManagement().deleteStream(stream);
            } catch (Exception e) {
                // never created
            }
        }
    }

    @Test
    @DisplayName("records of the erased user in another node's spill file are dropped when it replays them")
    void inAnotherNodesSpillFile() throws Exception {
        String pg = Services.postgres();
        String alice = "alice-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String yaml = """
                auth: {enabled: false, admin_key: %s}
                tracing: {capture: full}
                store:
                  url: "%s"
                  spill_dir: "%s"
                """.replace("%s}", TestGateway.ADMIN_KEY + "}");
        try (TcpProxy proxy = new TcpProxy(5432)) {
            String proxied = pg.replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
            try (TestGateway a = TestGateway.start(SimOptions.defaults(), yaml.formatted(proxied, Files.createTempDirectory("spill-a")),
                    Clock.systemUTC());
                 TestGateway b = TestGateway.start(SimOptions.defaults(), yaml.formatted(pg, Files.createTempDirectory("spill-b")),
                         Clock.systemUTC())) {
                proxy.cut();
                for (String user : new String[] {alice, "bob", alice}) {
                    chat(a, null, user);
                }
                org.awaitility.Awaitility.await("A spilled its records").atMost(java.time.Duration.ofSeconds(30))
                        .until(() -> a.gateway().writers().requestLog().spillPending() >= 3);
                Http.Response erased = b.http().delete("/admin/users/" + alice, OWNER);
                assertThat(erased.status()).as(erased.body()).isEqualTo(200);
                proxy.restore();
                assertThat(a.gateway().writers().requestLog().flush(60_000)).isTrue();
                assertThat(a.gateway().writers().spans().flush(60_000)).isTrue();
                assertThat(a.gateway().writers().bodies().flush(60_000)).isTrue();
            }
            assertThat(count(pg, "SELECT COUNT(*) FROM request_log WHERE end_user = 'bob'")).isEqualTo(1);
            assertThat(count(pg, "SELECT COUNT(*) FROM request_log WHERE end_user = '" + alice + "'")).isZero();
            assertThat(count(pg, "SELECT COUNT(*) FROM spans_all WHERE end_user = '" + alice + "'")).isZero();
            assertThat(count(pg, "SELECT COUNT(*) FROM bodies WHERE end_user = '" + alice + "'")).isZero();
        }
    }

    private static void chat(TestGateway gw, String key, String user) {
        Http.Response r = gw.http().post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                key == null ? Map.of() : Http.bearer(key));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static int count(String url, String sql) throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
