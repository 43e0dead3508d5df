package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The prepared statements of one batch writer's sink, kept from batch to batch on the connection the writer
 * keeps ({@link BatchWriter.StoreTarget}). SQLite compiles a statement on every {@code prepareStatement}, and
 * the upserts of the trace summaries and rollups are long: compiling them once per batch was most of the
 * request-log writer's native time under load. A new connection (the writer replaced a failed one) starts
 * afresh; statements are never closed by their users, only here.
 */
final class Statements implements AutoCloseable {
    /** What a connection needs before the statements are prepared on it (e.g. a SQL function they call). */
    @FunctionalInterface
    interface Setup {
        void apply(Connection c) throws SQLException;
    }

    private final Setup setup;
    private Connection connection;
    private final Map<String, PreparedStatement> bySql = new HashMap<>();

    Statements() {
        this(c -> {});
    }

    Statements(Setup setup) {
        this.setup = setup;
    }

    /** The statement for {@code sql} on {@code c}, prepared on first use there. Do not close it. */
    synchronized PreparedStatement get(Connection c, String sql) throws SQLException {
        if (c != connection) {
            closeAll();
            connection = null;
            setup.apply(c);
            connection = c;
        }
        PreparedStatement ps = bySql.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = c.prepareStatement(sql);
            bySql.put(sql, ps);
        }
        return ps;
    }

    /**
     * Rows a batch runs between two {@link Thread#yield}s in {@link #runBatch(PreparedStatement, List, Binder)}: the
     * store writer's flush (a few hundred rows at saturation, ~10 ms of CPU in one stretch) gives its CPU to a
     * runnable thread queued behind it every ~0.1-0.3 ms of work instead of holding it for its whole time slice; on a
     * small machine that thread is the next hop of a request (bench/README.md, "Session 11").
     */
    static final int CHUNK = 8;

    /**
     * Whether {@link #runBatch(PreparedStatement, List, Binder)} yields between chunks on this thread: only the
     * store writer's flush does, and only while it keeps up ({@link BatchWriter.Group}): a writer that yields at
     * every chunk under contention waits a whole run-queue's turn each time and falls behind (it spilled at load 25).
     */
    private static final ThreadLocal<Boolean> YIELDING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    static void yielding(boolean on) {
        YIELDING.set(on);
    }

    static boolean yielding() {
        return YIELDING.get();
    }

    /** Sets one row's parameters (not {@code addBatch}: the caller adds it). */
    @FunctionalInterface
    interface Binder<T> {
        void bind(T row) throws SQLException;
    }

    /**
     * Runs {@code rows} through {@code ps}, {@link #CHUNK} rows an {@code executeBatch}, yielding the CPU between
     * two chunks when this thread is {@link #yielding()}; returns each row's update count, in order. In the caller's transaction, so the rows still commit
     * (or roll back) together. On any failure the statement's batch is cleared: the statement is kept for the next batch,
     * which would otherwise also write the rows left in it.
     */
    static <T> int[] runBatch(PreparedStatement ps, List<T> rows, Binder<T> binder) throws SQLException {
        int n = rows.size();
        int[] counts = new int[n];
        boolean yielding = n > CHUNK && yielding();
        try {
            for (int from = 0; from < n; from += CHUNK) {
                if (from > 0 && yielding) {
                    Thread.yield();
                }
                int to = Math.min(n, from + CHUNK);
                for (int i = from; i < to; i++) {
                    binder.bind(rows.get(i));
                    ps.addBatch();
                }
                int[] part = ps.executeBatch();
                if (part.length != to - from) {
                    throw new SQLException("batch of " + (to - from) + " rows reported " + part.length + " update counts");
                }
                System.arraycopy(part, 0, counts, from, part.length);
            }
            return counts;
        } catch (SQLException | RuntimeException e) {
            ps.clearBatch();
            throw e;
        }
    }

    /** Closes the statements (the connection stays open). */
    @Override
    public synchronized void close() {
        closeAll();
        connection = null;
    }

    private void closeAll() {
        for (PreparedStatement ps : bySql.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // its connection was dropped already
            }
        }
        bySql.clear();
    }
}
