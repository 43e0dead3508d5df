package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A SQLite batch runs in chunks (the writer yields its CPU between them) with every row's count, in order")
class ChunkedBatchTest {
    private static Connection open(Path dir) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("chunks.db"));
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        }
        return c;
    }

    @Test
    @DisplayName("rows across several chunks: each row's update count at its index (0 for a row ON CONFLICT skipped),"
            + " all in the caller's transaction")
    void countsInOrderAcrossChunks() throws Exception {
        Path dir = Files.createTempDirectory("sluice-chunks");
        try (Connection c = open(dir)) {
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (5, 'old'), (17, 'old')");
            }
            int n = Statements.CHUNK * 3 + 3;
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(i);
            }
            ids.add(20); // twice in the batch, in a later chunk than its first
            c.setAutoCommit(false);
            int[] counts;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                counts = Statements.runBatch(ps, ids, id -> {
                    ps.setInt(1, id);
                    ps.setString(2, "new-" + id);
                });
            }
            assertThat(counts).hasSize(n + 1);
            for (int i = 0; i < n; i++) {
                assertThat(counts[i]).as("row %d", i).isEqualTo(i == 5 || i == 17 ? 0 : 1);
            }
            assertThat(counts[n]).isZero();
            c.rollback();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).as("a rollback takes back every chunk").isEqualTo(2);
            }
        }
    }

    @Test
    @DisplayName("a failing row fails the batch and leaves nothing queued in the statement for its next batch")
    void failureClearsTheStatement() throws Exception {
        Path dir = Files.createTempDirectory("sluice-chunks");
        try (Connection c = open(dir);
                PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < Statements.CHUNK + 2; i++) {
                ids.add(i);
            }
            ids.add(Statements.CHUNK + 1); // a duplicate key in the second chunk: no ON CONFLICT, so it fails
            assertThatThrownBy(() -> Statements.runBatch(ps, ids, id -> {
                ps.setInt(1, id);
                ps.setString(2, "x");
            })).isInstanceOf(SQLException.class);
            int[] next = Statements.runBatch(ps, List.of(1000), id -> {
                ps.setInt(1, id);
                ps.setString(2, "y");
            });
            assertThat(next).containsExactly(1);
        }
    }
}
