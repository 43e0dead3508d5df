package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.ProgressHandler;

/**
 * Streams the request-log rows an aggregate needs, and the feedback given on them, on the store's
 * read connection. Percentiles are computed by the caller in Java, so SQLite and PostgreSQL give the
 * same answers.
 *
 * <p>Every scan runs against a deadline, so a viewer cannot keep the read connection (SQLite has one)
 * or a pooled connection busy for long: PostgreSQL gets it as {@code statement_timeout}, SQLite as a
 * progress handler that interrupts the statement, and both check it between rows.
 */
public final class StatsReader {
    /** How many SQLite virtual-machine steps run between two looks at the clock. */
    private static final int PROGRESS_STEPS = 10_000;

    private final Database database;

    public StatsReader(Database database) {
        this.database = database;
    }

    /** One request, reduced to what aggregates use; {@code ttftMs} is -1 when unknown, tokens and cost 0 when unknown. */
    public record Row(long ts, String model, String provider, String keyId, String team, String user, String operation,
                      int status, String errorType, String cacheStatus, String tags, long latencyMs, long ttftMs,
                      long tokensIn, long tokensOut, double cost, String prompt, Integer promptVersion,
                      String experiment, String variant) {}

    /**
     * One piece of feedback on a matching request, with the request's grouping attributes (its
     * latency, tokens and cost are zero here: they are counted by {@link #scan}).
     *
     * @param kind      thumbs, boolean, number or category
     * @param sentiment positive, negative or neutral
     * @param value     the score of a number, 1/0 for thumbs and boolean, null for a category
     */
    public record FeedbackRow(Row request, String name, String kind, String sentiment, Double value) {}

    @FunctionalInterface
    public interface Sink<T> {
        /** Takes one row; false stops the scan. */
        boolean accept(T row);
    }

    /** A scan ran past its deadline; nothing partial is returned. */
    public static final class TooSlow extends RuntimeException {
        TooSlow() {
            super("the aggregate ran past its deadline", null, false, false);
        }
    }

    private static final String REQUEST_COLUMNS = "ts, model, provider, key_id, team, end_user, operation, status,"
            + " error_type, cache_status, ";

    /**
     * Feeds every matching row to {@code sink}, in no particular order; returns how many were read.
     *
     * @param withTags whether rows carry their tags (JSON); reading them costs, so only when grouped by a tag
     * @param deadline {@link System#nanoTime()} after which the scan fails with {@link TooSlow}
     */
    public long scan(RequestQuery query, boolean withTags, long deadline, Sink<Row> sink) {
        RequestQuery.Where where = query.where(database.dialect());
        String sql = "SELECT " + REQUEST_COLUMNS + (withTags ? "tags" : "NULL")
                + ", latency_ms, ttft_ms, tokens_in, tokens_out, cost_usd, prompt, prompt_version, experiment, variant"
                + " FROM request_log" + where.sql();
        return stream(sql, where, deadline, rs -> {
            long ttft = rs.getLong(13);
            if (rs.wasNull()) {
                ttft = -1;
            }
            return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9), rs.getString(10), rs.getString(11),
                    rs.getLong(12), ttft, rs.getLong(14), rs.getLong(15), rs.getDouble(16), rs.getString(17),
                    Columns.integer(rs, "prompt_version"), rs.getString(19), rs.getString(20));
        }, sink);
    }

    /**
     * Feeds the feedback given on every request {@link #scan} would read, with that request's
     * attributes, so it lands in the request's bucket and group. Feedback counts only when its team
     * is the request's (a request id reused by another team does not pull that team's ratings in).
     * When no feedback arrived since the range began, nothing is read a second time.
     */
    public long scanFeedback(RequestQuery query, boolean withTags, long deadline, Sink<FeedbackRow> sink) {
        if (!feedbackSince(query.fromMillis() == null ? Long.MIN_VALUE : query.fromMillis())) {
            return 0;
        }
        RequestQuery.Where where = query.where(database.dialect());
        boolean postgres = database.dialect() == Database.Dialect.POSTGRES;
        // SQLite would otherwise probe feedback by its (team, ts) index for every request row: a
        // request's ratings are found by request id
        String feedback = postgres ? "feedback f" : "feedback f INDEXED BY feedback_request";
        String sameTeam = postgres ? "f.team IS NOT DISTINCT FROM r.team" : "f.team IS r.team";
        String sql = "SELECT r.ts, r.model, r.provider, r.key_id, r.team, r.end_user, r.operation, r.status,"
                + " r.error_type, r.cache_status, r.tags, f.name, f.kind, f.sentiment, f.value_num, r.prompt,"
                + " r.prompt_version, r.experiment, r.variant"
                + " FROM (SELECT request_id, prompt, prompt_version, experiment, variant, " + REQUEST_COLUMNS
                + (withTags ? "tags" : "NULL AS tags")
                + " FROM request_log" + where.sql() + ") r JOIN " + feedback + " ON f.request_id = r.request_id AND "
                + sameTeam;
        return stream(sql, where, deadline, rs -> {
            double value = rs.getDouble(15);
            Double valueOrNull = rs.wasNull() ? null : value;
            Row request = new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9), rs.getString(10), rs.getString(11),
                    0, -1, 0, 0, 0, rs.getString(16), Columns.integer(rs, "prompt_version"), rs.getString(18),
                    rs.getString(19));
            return new FeedbackRow(request, rs.getString(12), rs.getString(13), rs.getString(14), valueOrNull);
        }, sink);
    }

    /** Whether any feedback arrived at or after {@code fromMillis} (feedback always follows its request). */
    private boolean feedbackSince(long fromMillis) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM feedback WHERE ts >= ? LIMIT 1")) {
                ps.setLong(1, fromMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @FunctionalInterface
    private interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> long stream(String sql, RequestQuery.Where where, long deadline, Mapper<T> mapper, Sink<T> sink) {
        boolean[] late = {false};
        try {
            return database.read(c -> {
                boolean postgres = database.dialect() == Database.Dialect.POSTGRES;
                boolean autoCommit = c.getAutoCommit();
                if (postgres) {
                    c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL statement_timeout = " + Math.max(1, remainingMillis(deadline)));
                    }
                } else {
                    ProgressHandler.setHandler(c, PROGRESS_STEPS, new ProgressHandler() {
                        @Override
                        protected int progress() {
                            late[0] = System.nanoTime() - deadline > 0;
                            return late[0] ? 1 : 0; // non-zero interrupts the statement
                        }
                    });
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setFetchSize(5000);
                    where.bind(ps, 1);
                    long n = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (System.nanoTime() - deadline > 0) {
                                late[0] = true;
                                throw new TooSlow();
                            }
                            n++;
                            if (!sink.accept(mapper.map(rs))) {
                                break;
                            }
                        }
                    }
                    return n;
                } finally {
                    finish(c, postgres, autoCommit);
                }
            });
        } catch (StoreException e) {
            if (late[0] || isTimeout(e)) {
                throw new TooSlow();
            }
            throw e;
        }
    }

    private static void finish(Connection c, boolean postgres, boolean autoCommit) throws SQLException {
        if (postgres) {
            c.rollback(); // also ends the SET LOCAL
            c.setAutoCommit(autoCommit);
        } else {
            ProgressHandler.clearHandler(c);
        }
    }

    private static long remainingMillis(long deadline) {
        return (deadline - System.nanoTime()) / 1_000_000;
    }

    /** PostgreSQL's "canceling statement due to statement timeout" (SQLSTATE 57014). */
    private static boolean isTimeout(StoreException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "57014".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
