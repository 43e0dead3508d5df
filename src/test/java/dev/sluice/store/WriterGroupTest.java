package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The request log and the spans share one writer thread and one transaction a flush ({@link BatchWriter.Group}):
 * what that changes (one commit for both kinds) and what it must not (each kind's spill, replay, erasure, drain).
 */
@DisplayName("Writers in a group: one thread, one transaction a flush, each writer's guarantees kept")
class WriterGroupTest {

    record Item(String user, int n) {}

    /** Inserts into its table; remembers, per batch, how many rows of the other table it saw on its connection and outside it. */
    static final class TableSink implements BatchWriter.Sink<Item> {
        final String table;
        final String other;
        final Database db;
        final List<int[]> otherSeen = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresLeft = new AtomicInteger();

        TableSink(Database db, String table, String other) {
            this.db = db;
            this.table = table;
            this.other = other;
        }

        @Override
        public void insert(Connection c, List<Item> batch) throws SQLException {
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new SQLException("refused on purpose");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (user, n) VALUES (?, ?)")) {
                for (Item i : batch) {
                    ps.setString(1, i.user());
                    ps.setInt(2, i.n());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (other != null) {
                otherSeen.add(new int[] {count(c, other), count(db, other)});
            }
        }
    }

    private static int count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int count(Database db, String table) throws SQLException {
        try (Connection c = db.connect()) {
            return count(c, table);
        }
    }

    private static Database store(Path dir) throws SQLException {
        Database db = Database.openSqlite(dir.resolve("g.db"));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE g_log (user TEXT, n INTEGER)");
            s.execute("CREATE TABLE g_spans (user TEXT, n INTEGER)");
        }
        return db;
    }

    private static long writerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("sluice-test-group-writer")).count();
    }

    @Test
    @DisplayName("a flush writes both writers' batches in one transaction, on one thread; closing drains both")
    void oneTransactionAFlush() throws Exception {
        Path dir = Files.createTempDirectory("sluice-group");
        try (Database db = store(dir)) {
            BatchWriter.Group group = new BatchWriter.Group("test-group", new BatchWriter.StoreConnection(db),
                    Duration.ofMillis(500));
            TableSink logSink = new TableSink(db, "g_log", null);
            TableSink spanSink = new TableSink(db, "g_spans", "g_log");
            List<List<Item>> told = new CopyOnWriteArrayList<>();
            BatchWriter<Item> log = new BatchWriter<>("log", new NotifyingTarget<>(
                    new BatchWriter.StoreTarget<>(group.connection(), logSink, Item::user, i -> 0L), b -> told.add(List.copyOf(b))),
                    Item.class, 1000, dir, Duration.ofMillis(500), Item::user, group);
            BatchWriter<Item> spans = new BatchWriter<>("spans", new BatchWriter.StoreTarget<>(group.connection(), spanSink,
                    Item::user, i -> 0L), Item.class, 1000, dir, Duration.ofMillis(500), Item::user, group);
            assertThat(writerThreads()).as("one thread for both writers").isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                log.offer(new Item("u", i));
                spans.offer(new Item("u", i));
            }
            assertThat(log.flush(30_000)).isTrue();
            assertThat(spans.flush(30_000)).isTrue();
            assertThat(count(db, "g_log")).isEqualTo(3);
            assertThat(count(db, "g_spans")).isEqualTo(3);
            // the span batch was inserted after the log batch of its flush, in the same transaction: those log rows
            // were visible on the writer's connection and not yet on another one
            assertThat(spanSink.otherSeen).as("log rows seen by the span inserts: [in the transaction, outside]")
                    .anySatisfy(seen -> assertThat(seen[0]).isGreaterThan(seen[1]));
            assertThat(told.stream().mapToInt(List::size).sum()).as("the listener is told of every committed log record").isEqualTo(3);

            // records still queued at close are written, each writer's close waits for its own
            for (int i = 3; i < 6; i++) {
                log.offer(new Item("u", i));
                spans.offer(new Item("u", i));
            }
            spans.close();
            log.close();
            assertThat(count(db, "g_log")).isEqualTo(6);
            assertThat(count(db, "g_spans")).isEqualTo(6);
            assertThat(dir.resolve("log.running")).doesNotExist();
            assertThat(dir.resolve("spans.running")).doesNotExist();
            for (long end = System.currentTimeMillis() + 10_000; writerThreads() > 0 && System.currentTimeMillis() < end; ) {
                Thread.sleep(20);
            }
            assertThat(writerThreads()).as("the group's thread ends with its last writer").isZero();
        }
    }

    @Test
    @DisplayName("a flush lets other threads have the CPU between chunks of rows while the writer keeps up, not while"
            + " it is behind (a backlog of a batch or more)")
    void yieldsOnlyWhileKeepingUp() throws Exception {
        Path dir = Files.createTempDirectory("sluice-group");
        try (Database db = store(dir)) {
            BatchWriter.Group group = new BatchWriter.Group("test-group", new BatchWriter.StoreConnection(db),
                    Duration.ofMillis(20));
            java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            List<Boolean> yielding = new CopyOnWriteArrayList<>();
            List<Integer> sizes = new CopyOnWriteArrayList<>();
            BatchWriter.Sink<Item> sink = (c, batch) -> {
                yielding.add(Statements.yielding());
                sizes.add(batch.size());
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new SQLException(e);
                }
                new TableSink(db, "g_log", null).insert(c, batch);
            };
            BatchWriter<Item> log = new BatchWriter<>("log", new BatchWriter.StoreTarget<>(group.connection(), sink,
                    Item::user, i -> 0L), Item.class, 10_000, dir, Duration.ofMillis(20), Item::user, group);
            log.offer(new Item("u", 0));
            assertThat(entered.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= 700; i++) { // queued while the first flush is held: more than a batch (512)
                log.offer(new Item("u", i));
            }
            release.countDown();
            assertThat(log.flush(30_000)).isTrue();
            assertThat(count(db, "g_log")).isEqualTo(701);
            assertThat(sizes).containsExactly(1, 512, 188);
            assertThat(yielding).as("keeping up, behind, caught up").containsExactly(true, false, true);
            log.close();
        }
    }

    @Test
    @DisplayName("a failed flush rolls back both batches; each writer spills its own and replays it once")
    void failedFlushSpillsBoth() throws Exception {
        Path dir = Files.createTempDirectory("sluice-group");
        try (Database db = store(dir)) {
            BatchWriter.Group group = new BatchWriter.Group("test-group", new BatchWriter.StoreConnection(db),
                    Duration.ofMillis(500));
            TableSink logSink = new TableSink(db, "g_log", null);
            TableSink spanSink = new TableSink(db, "g_spans", "g_log");
            spanSink.failuresLeft.set(1);
            BatchWriter<Item> log = new BatchWriter<>("log", new BatchWriter.StoreTarget<>(group.connection(), logSink,
                    Item::user, i -> 0L), Item.class, 1000, dir, Duration.ofMillis(500), Item::user, group);
            BatchWriter<Item> spans = new BatchWriter<>("spans", new BatchWriter.StoreTarget<>(group.connection(), spanSink,
                    Item::user, i -> 0L), Item.class, 1000, dir, Duration.ofMillis(500), Item::user, group);
            try (log; spans) {
                log.offer(new Item("u", 1));
                spans.offer(new Item("u", 1));
                assertThat(log.flush(30_000)).isTrue();
                assertThat(spans.flush(30_000)).isTrue();
                assertThat(log.spilled()).as("the log batch of the failed flush was spilled").isEqualTo(1);
                assertThat(spans.spilled()).isEqualTo(1);
                assertThat(count(db, "g_log")).as("the log row rolled back with the failed flush, then replayed once").isEqualTo(1);
                assertThat(count(db, "g_spans")).isEqualTo(1);
                assertThat(log.dropped() + spans.dropped()).isZero();
                assertThat(log.spillPending() + spans.spillPending()).isZero();
            }
        }
    }

    @Test
    @DisplayName("an erasure reaches each writer's queue on the group's thread; the other writers' records stay")
    void purgeInGroup() throws Exception {
        Path dir = Files.createTempDirectory("sluice-group");
        try (Database db = store(dir)) {
            BatchWriter.Group group = new BatchWriter.Group("test-group", new BatchWriter.StoreConnection(db),
                    Duration.ofSeconds(3));
            TableSink logSink = new TableSink(db, "g_log", null);
            TableSink spanSink = new TableSink(db, "g_spans", null);
            BatchWriter<Item> log = new BatchWriter<>("log", new BatchWriter.StoreTarget<>(group.connection(), logSink,
                    Item::user, i -> 0L), Item.class, 1000, dir, Duration.ofSeconds(3), Item::user, group);
            BatchWriter<Item> spans = new BatchWriter<>("spans", new BatchWriter.StoreTarget<>(group.connection(), spanSink,
                    Item::user, i -> 0L), Item.class, 1000, dir, Duration.ofSeconds(3), Item::user, group);
            try (log; spans) {
                for (int i = 0; i < 4; i++) {
                    log.offer(new Item(i % 2 == 0 ? "erased" : "kept", i));
                    spans.offer(new Item(i % 2 == 0 ? "erased" : "kept", i));
                }
                long removed = log.purge("erased", 30_000) + spans.purge("erased", 30_000);
                assertThat(log.flush(30_000)).isTrue();
                assertThat(spans.flush(30_000)).isTrue();
                // what the purge did not find queued had been written before it ran (a DELETE after it removes those)
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    int stored = count(c, "g_log") + count(c, "g_spans");
                    try (ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM g_log WHERE user = 'kept')"
                            + " + (SELECT COUNT(*) FROM g_spans WHERE user = 'kept')")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("the other users' records").isEqualTo(4);
                    }
                    assertThat(stored + removed).isEqualTo(8);
                }
            }
        }
    }
}
