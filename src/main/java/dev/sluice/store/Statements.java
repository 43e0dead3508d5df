package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
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

    /** Sets and adds one batch's rows to the statement it is run with. */
    @FunctionalInterface
    interface Rows {
        void add() throws SQLException;
    }

    /**
     * Adds a batch's rows to {@code ps} and runs them. On any failure the batch is cleared: the statement is
     * kept for the next batch, which would otherwise also write the rows left in it.
     */
    static int[] runBatch(PreparedStatement ps, Rows rows) throws SQLException {
        try {
            rows.add();
            return ps.executeBatch();
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
