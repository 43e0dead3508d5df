package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import dev.sluice.testing.GatewayProcess;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("kill -9 loses at most the records of the last store.flush_interval")
class KillDurabilityTest {
    @Test
    @DisplayName("200 answered requests, then kill -9 a few flush intervals later: every answered request has its"
            + " request-log row and its root span, and the next start reports the unclean stop")
    void killAfterFlushInterval() throws Exception {
        Path dir = Files.createTempDirectory("sluice-kill");
        int ok = 0;
        try (Simulator sim = Simulator.start(SimOptions.defaults())) {
            String yaml = TestGateway.standardConfig(sim.baseUrl(), dir, """
                    store:
                      path: %s
                      spill_dir: %s
                      flush_interval: 50ms
                    """.formatted(dir.resolve("sluice.db"), dir.resolve("spill")));
            try (GatewayProcess gw = GatewayProcess.start(yaml, dir)) {
                Http.Response created = gw.http().post("/admin/keys", Json.object().put("name", "k"),
                        Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY));
                assertThat(created.status()).as(created.body()).isEqualTo(201);
                Map<String, String> auth = Http.bearer(created.json().path("key").asText());
                byte[] chat = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                List<Future<Integer>> answers = new ArrayList<>();
                try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                    for (int i = 0; i < 200; i++) {
                        answers.add(pool.submit(() -> gw.http().post("/v1/chat/completions", chat, auth).status()));
                    }
                    for (Future<Integer> f : answers) {
                        ok += f.get() == 200 ? 1 : 0;
                    }
                }
                // what the documentation promises: a record is committed within flush_interval (+ one commit)
                // of its request finishing; 20 intervals of margin for a loaded machine
                Thread.sleep(1_000);
                gw.kill();
            }
        }
        assertThat(ok).isEqualTo(200);
        try (Database db = Database.openSqlite(dir.resolve("sluice.db"))) {
            assertThat(count(db, "SELECT COUNT(*) FROM request_log WHERE operation = 'chat'")).isEqualTo(ok);
            assertThat(count(db, "SELECT COUNT(*) FROM spans_all WHERE parent_span_id IS NULL AND service = 'sluice'"
                    + " AND name = 'chat gpt-4o-mini'")).isEqualTo(ok);
        }
        assertThat(dir.resolve("spill").resolve("request-log.running")).as("left by the killed run").exists();
    }

    static long count(Database db, String sql) {
        return db.withConnection(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    @DisplayName("store.flush_interval is read, and one over 10s is refused at start-up with the fix")
    void flushIntervalOption() {
        String base = TestGateway.standardConfig("http://127.0.0.1:9", Path.of("/tmp/x"), "");
        var loader = dev.sluice.app.Registries.configLoader(Map.of());
        String store = "store:\n  path: /tmp/x/s.db\n  flush_interval: %s\n";
        String noStore = base.replaceAll("(?s)store:\n  path: [^\n]*\n  spill_dir: [^\n]*\n", "");
        assertThat(loader.parse(noStore + store.formatted("2s"), "t.yaml").store().flushInterval())
                .isEqualTo(java.time.Duration.ofSeconds(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.parse(noStore + store.formatted("1m"), "t.yaml"))
                .hasMessageContaining("flush_interval").hasMessageContaining("at most 10s");
    }
}
