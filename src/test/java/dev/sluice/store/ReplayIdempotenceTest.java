package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Json;
import dev.sluice.testing.Services;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Replaying a spill file is idempotent: a crash between the replay and the spill file's removal duplicates nothing")
class ReplayIdempotenceTest {
    static RequestRecord record(int i, long ts) {
        return new RequestRecord(ts + i, "req-same-id", "key_x", "team-x", "user-" + i, "chat", "gpt-4o-mini", "sim",
                "gpt-4o-mini", false, 200, null, 10, 5, 12, 30, 1, null, null, null, 0.5, null, null, null, null,
                null, null, null, null);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("the same request-log spill file replayed twice stores each record once, and the spend read back at a"
            + " restart is not doubled")
    void replayTwice(String store) throws Exception {
        Path dir = Files.createTempDirectory("sluice-replay");
        Path spillDir = dir.resolve("spill");
        Files.createDirectories(spillDir);
        long ts = System.currentTimeMillis();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add(Json.MAPPER.writeValueAsString(record(i, ts)));
        }
        Path spill = spillDir.resolve("request-log.spill.jsonl");
        try (Database db = store.equals("sqlite") ? Database.openSqlite(dir.resolve("replay.db"))
                : Database.openPostgres(Services.postgres())) {
            for (int run = 0; run < 2; run++) {
                // the second time: the file came back, as after a kill between the replay's inserts and the file's removal
                Files.write(spill, lines, StandardCharsets.UTF_8);
                try (BatchWriter<RequestRecord> writer = new BatchWriter<>("request-log", db, new RequestLogSink(),
                        RequestRecord.class, 1_000, spillDir)) {
                    assertThat(writer.spillPending()).isEqualTo(20);
                    assertThat(writer.flush(20_000)).isTrue();
                }
                assertThat(Files.exists(spill)).isFalse();
            }
            RequestLogReader log = new RequestLogReader(db);
            assertThat(log.count()).isEqualTo(20);
            assertThat(log.spendSince("key_id", ts - 1_000)).containsEntry("key_x", 10.0);
            assertThat(log.spendSince("team", ts - 1_000)).containsEntry("team-x", 10.0);
            // the same request id (a client may reuse x-request-id) is not what makes a row unique
            assertThat(log.recent(100, null, null, null).stream().map(RequestRecord::endUser).distinct()).hasSize(20);
        }
    }
}
