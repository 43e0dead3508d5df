package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A store slower than the traffic: the writer spills instead of dropping, and everything arrives")
class SlowStoreTest {

    /** One row per record, each batch made slow on purpose (a store that is up but cannot keep up). */
    record Item(int n) {}

    static final class SlowSink implements BatchWriter.Sink<Item> {
        @Override
        public void insert(Connection c, List<Item> batch) throws java.sql.SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS slow_items (n INTEGER PRIMARY KEY)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO slow_items (n) VALUES (?) ON CONFLICT DO NOTHING")) {
                for (Item i : batch) {
                    ps.setInt(1, i.n());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try {
                Thread.sleep(100); // ~5,000 records a second at most
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    @DisplayName("20,000 records at three times the store's pace into a queue of 5,000: none dropped, all stored once")
    void spillsInsteadOfDropping() throws Exception {
        Path dir = Files.createTempDirectory("sluice-slow");
        try (Database db = Database.openSqlite(dir.resolve("slow.db"))) {
            int total = 20_000;
            try (BatchWriter<Item> writer = new BatchWriter<>("slow", db, new SlowSink(), Item.class, 5_000, dir.resolve("spill"))) {
                // as fast as the queue takes them: whatever this machine's speed today, the producer is
                // held only by a nearly full queue, never by a clock, so it outruns the store's ~5,000 a second
                for (int i = 0; i < total; i++) {
                    while (writer.remainingCapacity() < 500) {
                        Thread.sleep(1);
                    }
                    assertThat(writer.offer(new Item(i))).as("record %d accepted", i).isTrue();
                }
                assertThat(writer.flush(120_000)).isTrue();
                assertThat(writer.spilled()).as("the writer spilled while the store lagged").isPositive();
                assertThat(writer.spillPending()).isZero();
                assertThat(writer.written()).isEqualTo(total);
                assertThat(writer.dropped()).isZero();
            }
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT n) FROM slow_items")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(total);
                assertThat(rs.getInt(2)).isEqualTo(total);
            }
        }
    }
}
