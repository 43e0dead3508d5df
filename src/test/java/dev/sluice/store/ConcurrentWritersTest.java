package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Two batching writers on one SQLite file (request log and spans) wait for each other instead of failing")
class ConcurrentWritersTest {

    record Item(String table, int n) {}

    /** Reads before it writes, as the erasure check does: the pattern SQLite refuses to upgrade in a deferred transaction. */
    static final class ReadThenInsert implements BatchWriter.Sink<Item> {
        @Override
        public void insert(Connection c, List<Item> batch) throws java.sql.SQLException {
            String table = batch.getFirst().table();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (n) VALUES (?)")) {
                for (Item i : batch) {
                    ps.setInt(1, i.n());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    @Test
    @DisplayName("400 read-then-insert batches from two threads at once: every batch commits, none fails with SQLITE_BUSY")
    void writersWaitForEachOther() throws Exception {
        Path dir = Files.createTempDirectory("sluice-writers");
        try (Database db = Database.openSqlite(dir.resolve("w.db"))) {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items_a (n INTEGER)");
                s.execute("CREATE TABLE items_b (n INTEGER)");
            }
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (String table : List.of("items_a", "items_b")) {
                BatchWriter.StoreTarget<Item> target = new BatchWriter.StoreTarget<>(db, new ReadThenInsert());
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int b = 0; b < 200; b++) {
                            List<Item> batch = new ArrayList<>();
                            for (int i = 0; i < 20; i++) {
                                batch.add(new Item(table, b * 20 + i));
                            }
                            try {
                                target.write(batch);
                            } catch (Exception e) {
                                failures.add(e);
                                target.reset();
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        target.reset();
                    }
                }));
            }
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).as("batches that failed").isEmpty();
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM items_a), (SELECT COUNT(*) FROM items_b)")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(4_000);
                assertThat(rs.getInt(2)).isEqualTo(4_000);
            }
        }
    }

    @Test
    @DisplayName("a read-then-write transaction on the shared connection (a prompt label move) waits for a batch writer instead of failing")
    void transactionsWaitForBatchWriters() throws Exception {
        Path dir = Files.createTempDirectory("sluice-writers");
        try (Database db = Database.openSqlite(dir.resolve("w.db"))) {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items_a (n INTEGER)");
                s.execute("CREATE TABLE labels (n INTEGER)");
            }
            BatchWriter.StoreTarget<Item> target = new BatchWriter.StoreTarget<>(db, new ReadThenInsert());
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int b = 0; !done.get(); b++) {
                    List<Item> batch = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        batch.add(new Item("items_a", b * 20 + i));
                    }
                    try {
                        target.write(batch);
                    } catch (Exception e) {
                        failures.add(e);
                        target.reset();
                    }
                }
                target.reset();
            });
            try {
                for (int t = 0; t < 200; t++) {
                    int n = t;
                    try {
                        db.withConnection(c -> {
                            c.setAutoCommit(false);
                            try (Statement s = c.createStatement()) {
                                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM labels")) {
                                    rs.next();
                                }
                                s.execute("INSERT INTO labels (n) VALUES (" + n + ")");
                                c.commit();
                            } catch (java.sql.SQLException | RuntimeException e) {
                                c.rollback();
                                throw e;
                            } finally {
                                c.setAutoCommit(true);
                            }
                            return null;
                        });
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            } finally {
                done.set(true);
                writer.join();
            }
            assertThat(failures).as("transactions or batches that failed").isEmpty();
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM labels")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(200);
            }
        }
    }
}
