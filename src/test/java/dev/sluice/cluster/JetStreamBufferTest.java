package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.app.Registries;
import dev.sluice.config.ConfigException;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import dev.sluice.testing.GatewayProcess;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TcpProxy;
import dev.sluice.testing.TestGateway;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JetStream buffer between gateway nodes and PostgreSQL, on the real NATS server of this
 * machine (each test in a stream of its own) and the real PostgreSQL (a schema of its own).
 */
@DisplayName("store.buffer: jetstream — records survive a store outage and a killed node, and are stored once")
class JetStreamBufferTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private final String stream = "SLUICE_T" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE).toUpperCase();

    @AfterEach
    void dropStream() throws Exception {
        try (Connection nc = Nats.connect(Services.nats())) {
            nc.jetStreamManagement().deleteStream(stream);
        } catch (Exception e) {
            // not created
        }
    }

    private String config(String storeUrl, boolean consume) throws java.io.IOException {
        return config(storeUrl, consume, Files.createTempDirectory("sluice-js-spill"));
    }

    /** Each node its own spill directory (for PostgreSQL the default is one under the working directory). */
    private String config(String storeUrl, boolean consume, Path spill) {
        return """
                auth: {enabled: false}
                tracing: {capture: full}
                store:
                  url: "%s"
                  spill_dir: "%s"
                  buffer:
                    type: jetstream
                    url: %s
                    stream: %s
                    consume: %s
                    ack_wait: 2s
                """.formatted(storeUrl, spill, Services.nats(), stream, consume);
    }

    @Test
    @DisplayName("the store unreachable for the consumers: requests are served, the stream holds the records (redelivered"
            + " while it is down), and once it is back every record is stored exactly once")
    void storeOutage() throws Exception {
        String pg = Services.postgres();
        try (TcpProxy proxy = new TcpProxy(5432)) {
            String proxied = pg.replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
            // A serves (and publishes) and reaches PostgreSQL; B writes from the stream through the proxy
            try (TestGateway a = TestGateway.start(SimOptions.defaults(), config(pg, false), Clock.systemUTC());
                 TestGateway b = TestGateway.start(SimOptions.defaults(), config(proxied, true), Clock.systemUTC())) {
                int sent = send(a, 20);
                b.flushLog();
                awaitCount(pg, "SELECT COUNT(*) FROM request_log", sent);

                proxy.cut();
                sent += send(a, 60);
                assertThat(a.gateway().writers().requestLog().flush(30_000)).as("published").isTrue();
                assertThat(a.gateway().writers().requestLog().spilled()).as("nothing spilled: the stream took it").isZero();
                // B's attempts fail; once ack_wait (2 s) has passed the stream redelivers: wait (bounded) for that
                // instead of sleeping a fixed 5 s
                ConsumerInfo held = org.awaitility.Awaitility.await("redelivered while the store is down")
                        .atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(200))
                        .until(() -> consumer("request-log"), c -> c.getRedelivered() > 0);
                assertThat(held.getNumPending() + held.getNumAckPending()).as("held by the stream").isEqualTo(60);
                // the consumer tried, failed and gave them back: they are being redelivered
                assertThat(held.getRedelivered()).as("redelivered while the store is down").isPositive();
                assertThat(count(pg, "SELECT COUNT(*) FROM request_log")).isEqualTo(20);

                proxy.restore();
                b.flushLog();
                awaitCount(pg, "SELECT COUNT(*) FROM request_log", sent);
                assertThat(count(pg, "SELECT COUNT(DISTINCT uid) FROM request_log")).isEqualTo(sent);
                awaitCount(pg, "SELECT COUNT(*) FROM spans WHERE kind = 'server'", sent);
                assertThat(count(pg, "SELECT COUNT(*) FROM (SELECT DISTINCT trace_id, span_id FROM spans) s"))
                        .isEqualTo(count(pg, "SELECT COUNT(*) FROM spans"));
                awaitCount(pg, "SELECT COUNT(*) FROM bodies", sent);
                System.out.printf("JetStream buffer, store unreachable for the consumer: %d requests, %d rows, %d records"
                        + " redelivered during the outage%n", sent, count(pg, "SELECT COUNT(*) FROM request_log"), held.getRedelivered());
            }
        }
    }

    @Test
    @DisplayName("a node kill -9ed after answering, its disk gone: another node writes every record it had published")
    void killedNode() throws Exception {
        String pg = Services.postgres();
        Path dir = Files.createTempDirectory("sluice-js-kill");
        int ok = 0;
        try (Simulator sim = Simulator.start(SimOptions.defaults())) {
            String yaml = TestGateway.standardConfig(sim.baseUrl(), dir, config(pg, false, dir.resolve("spill")));
            try (GatewayProcess gw = GatewayProcess.start(yaml, dir)) {
                byte[] chat = CHAT.getBytes(StandardCharsets.UTF_8);
                List<Future<Integer>> answers = new ArrayList<>();
                try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                    for (int i = 0; i < 200; i++) {
                        answers.add(pool.submit(() -> gw.http().post("/v1/chat/completions", chat, Map.of()).status()));
                    }
                    for (Future<Integer> f : answers) {
                        ok += f.get() == 200 ? 1 : 0;
                    }
                }
                Thread.sleep(1_000); // store.flush_interval (200 ms by default) several times over
                gw.kill();
            }
        }
        assertThat(ok).isEqualTo(200);
        // the node's disk is gone with it: nothing of it is needed
        Files.createDirectories(dir.resolve("spill"));
        try (var files = Files.walk(dir.resolve("spill"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".jsonl")).toList()).as("nothing spilled").isEmpty();
        }
        try (TestGateway consumer = TestGateway.start(SimOptions.defaults(), config(pg, true), Clock.systemUTC())) {
            consumer.flushLog();
            awaitCount(pg, "SELECT COUNT(*) FROM request_log", ok);
            awaitCount(pg, "SELECT COUNT(*) FROM spans WHERE kind = 'server'", ok);
            awaitCount(pg, "SELECT COUNT(*) FROM bodies", ok);
            System.out.printf("JetStream buffer, publishing node kill -9ed 1 s after its last answer: %d answered, %d logged%n",
                    ok, count(pg, "SELECT COUNT(*) FROM request_log"));
        }
    }

    @Test
    @DisplayName("a record delivered twice (republished under another message id, past the dedup window) is stored once;"
            + " one republished under its own id is dropped by the stream")
    void duplicates() throws Exception {
        String pg = Services.postgres();
        try (TestGateway a = TestGateway.start(SimOptions.defaults(), config(pg, false), Clock.systemUTC())) {
            send(a, 1);
            assertThat(a.gateway().writers().requestLog().flush(10_000)).isTrue();
        }
        try (Connection nc = Nats.connect(Services.nats())) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            MessageInfo original = jsm.getLastMessage(stream, stream + ".request-log");
            String id = original.getHeaders().getFirst("Nats-Msg-Id");
            PublishAck again = nc.jetStream().publish(stream + ".request-log", original.getData(),
                    PublishOptions.builder().messageId(id).build());
            assertThat(again.isDuplicate()).as("the same message id within the window").isTrue();
            PublishAck redelivery = nc.jetStream().publish(stream + ".request-log", original.getData(),
                    PublishOptions.builder().messageId(id + "-again").build());
            assertThat(redelivery.isDuplicate()).isFalse();
            assertThat(jsm.getStreamInfo(stream).getStreamState().getMsgCount()).as("request log twice, its spans, its body")
                    .isGreaterThanOrEqualTo(4);
        }
        try (TestGateway b = TestGateway.start(SimOptions.defaults(), config(pg, true), Clock.systemUTC())) {
            b.flushLog();
            awaitCount(pg, "SELECT COUNT(*) FROM request_log", 1);
            // both deliveries consumed (acknowledged), and still one row
            org.awaitility.Awaitility.await("the request-log consumer caught up").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> {
                        ConsumerInfo c = consumer("request-log");
                        return c.getNumPending() + c.getNumAckPending() == 0;
                    });
            assertThat(count(pg, "SELECT COUNT(*) FROM request_log")).as("stored once").isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a buffer that is not JetStream, or a URL that is not NATS, is a config error")
    void badConfig() {
        assertThatThrownBy(() -> Registries.configLoader(Map.of()).parse("store:\n  buffer:\n    type: kafka\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown buffer type 'kafka'");
        assertThatThrownBy(() -> Registries.configLoader(Map.of())
                .parse("store:\n  buffer:\n    type: jetstream\n    url: http://x\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not a NATS URL");
    }

    private ConsumerInfo consumer(String kind) throws Exception {
        try (Connection nc = Nats.connect(Services.nats())) {
            return nc.jetStreamManagement().getConsumerInfo(stream, "sluice-" + kind);
        }
    }

    private static int send(TestGateway gw, int n) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            Http.Response r = gw.http().post("/v1/chat/completions", CHAT, Map.of());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            ok++;
        }
        return ok;
    }

    /**
     * The consuming node pulls from the stream on its own schedule: flushing its writers does not mean
     * it has pulled everything yet, so wait (bounded) for the rows. A duplicate would overshoot, and the
     * DISTINCT checks after each wait catch it.
     */
    private static void awaitCount(String url, String sql, int expected) {
        org.awaitility.Awaitility.await(sql).atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(count(url, sql)).as(sql).isEqualTo(expected));
    }

    private static int count(String url, String sql) throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
