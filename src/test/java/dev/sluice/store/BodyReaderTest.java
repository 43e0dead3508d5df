package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BodyReader: a body is its team's; bodies stored before they carried a team follow their request-log row")
class BodyReaderTest {

    static RequestRecord logRow(String requestId, String team) {
        return new RequestRecord(1_000, requestId, "key_1", team, null, "chat", "m", "sim", "m", false, 200, null, 1, 1, -1,
                5, 1, null, null, null, 0.0, null, null, null, null, null, null, null, null);
    }

    @Test
    @DisplayName("team-limited reads: own team's body, a team-less old body through its log row, never another team's")
    void teamScoping() throws Exception {
        Path dir = Files.createTempDirectory("sluice-bodies");
        try (Database db = Database.openSqlite(dir.resolve("b.db")); Connection c = db.connect()) {
            new RequestLogSink().insert(c, List.of(logRow("new-a", "alpha"), logRow("old-a", "alpha"),
                    logRow("old-none", null)));
            new BodySink().insert(c, List.of(
                    new BodyRecord("new-a", 1_000, "ann", "alpha", "{\"q\":1}", "{\"a\":1}", null),
                    new BodyRecord("old-a", 1_000, "ann", null, "{\"q\":2}", "{\"a\":2}", null), // written before V8
                    new BodyRecord("old-none", 1_000, null, null, "{\"q\":3}", "{\"a\":3}", null)));
            BodyReader reader = new BodyReader(db);

            assertThat(reader.find("new-a", "alpha")).get().extracting(BodyRecord::request).isEqualTo("{\"q\":1}");
            assertThat(reader.find("new-a", "beta")).isEmpty();
            assertThat(reader.find("old-a", "alpha")).get().extracting(BodyRecord::request).isEqualTo("{\"q\":2}");
            assertThat(reader.find("old-a", "beta")).isEmpty();
            assertThat(reader.find("old-none", "alpha")).isEmpty();
            assertThat(reader.find("old-none", null)).isPresent(); // organisation-wide readers see every body
            assertThat(reader.find("missing", null)).isEmpty();
        }
    }
}
