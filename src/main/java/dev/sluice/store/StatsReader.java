package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
        return scan(query.where(database.dialect()), withTags, deadline, sink);
    }

    private long scan(RequestQuery.Where where, boolean withTags, long deadline, Sink<Row> sink) {
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

    /**
     * A piece of a query's time range and where it is read from: a rollup level (its range aligned to the
     * level's width), or the raw log ({@code level} null). Null bounds are open.
     */
    public record Segment(Rollups.Level level, Long from, Long to) {}

    /**
     * How to answer an aggregate from rollups: the range split into whole buckets of the widest level that
     * holds every filtered and grouped dimension (and divides the time bucket), the remaining edges into
     * finer levels, down to the raw log for what is left (under a minute at each end). Null when rollups
     * cannot answer: a filter or grouping they do not hold ({@link RequestQuery#rollupDimensions}, tags,
     * experiment, variant), or a time bucket that is not a whole number of minutes.
     *
     * @param bucketMillis the time bucket, 0 for none
     */
    public List<Segment> plan(RequestQuery query, long bucketMillis, List<String> groupBy) {
        java.util.Set<String> needed = query.rollupDimensions();
        if (needed == null) {
            return null;
        }
        for (String g : groupBy) {
            if (!Rollups.COLUMNS.containsKey(g)) {
                return null;
            }
            needed.add(g);
        }
        List<Rollups.Level> usable = new ArrayList<>();
        for (Rollups.Level level : Rollups.LEVELS) {
            if (level.covers(needed) && (bucketMillis == 0 || bucketMillis % level.widthMillis() == 0)) {
                usable.add(level);
            }
        }
        if (usable.isEmpty()) {
            return null;
        }
        List<Segment> out = new ArrayList<>();
        plan(query.fromMillis(), query.toMillis(), usable, 0, out);
        return out;
    }

    private static void plan(Long from, Long to, List<Rollups.Level> levels, int i, List<Segment> out) {
        if (from != null && to != null && from >= to) {
            return;
        }
        if (i == levels.size()) {
            out.add(new Segment(null, from, to));
            return;
        }
        Rollups.Level level = levels.get(i);
        long w = level.widthMillis();
        int finer = i + 1;
        while (finer < levels.size() && levels.get(finer).widthMillis() >= w) {
            finer++;
        }
        Long a = from == null ? null : -Math.floorDiv(-from, w) * w;
        Long b = to == null ? null : Math.floorDiv(to, w) * w;
        if (a != null && b != null && a >= b) {
            plan(from, to, levels, i + 1, out);
            return;
        }
        if (from != null) {
            plan(from, a, levels, finer, out);
        }
        out.add(new Segment(level, a, b));
        if (to != null) {
            plan(b, to, levels, finer, out);
        }
    }

    /**
     * Rollup cells summed per time bucket, group and the attributes aggregates need (status, error type,
     * cache status). Text values are null for none.
     *
     * @param group the group_by values, in order
     */
    public record RollupRow(long bucket, String[] group, int status, String errorType, String cacheStatus,
                            long requests, long tokensIn, long tokensOut, double cost, long[] latency, long[] ttft) {}

    /**
     * Feeds the rollup cells of the rollup segments of a {@link #plan} (any levels), summed per bucket, group and
     * level, in one statement (one {@code SELECT} per level joined by {@code UNION ALL}): on a loaded server each
     * round trip waits for the backend to be scheduled, so a query per level cost more than the rows it read.
     * Returns the cells read.
     */
    public long scanRollup(List<Segment> segments, RequestQuery query, long bucketMillis, List<String> groupBy,
                           long deadline, Sink<RollupRow> sink) {
        java.util.Map<Rollups.Level, List<Segment>> byLevel = new java.util.LinkedHashMap<>();
        for (Segment segment : segments) {
            byLevel.computeIfAbsent(segment.level(), l -> new ArrayList<>()).add(segment);
        }
        List<String> keys = new ArrayList<>();
        keys.add(bucketMillis == 0 ? "0" : "(ts / " + bucketMillis + ") * " + bucketMillis);
        for (String g : groupBy) {
            keys.add(Rollups.COLUMNS.get(g));
        }
        keys.add("status");
        keys.add("error_type");
        keys.add("cache_status");
        StringBuilder sql = new StringBuilder();
        List<Object> args = new ArrayList<>();
        for (java.util.Map.Entry<Rollups.Level, List<Segment>> level : byLevel.entrySet()) {
            RequestQuery.Where where = ranges(query, level.getValue());
            sql.append(sql.isEmpty() ? "" : " UNION ALL ").append("SELECT ").append(String.join(", ", keys));
            for (String v : Rollups.valueColumns()) {
                sql.append(", SUM(").append(v).append(')');
            }
            sql.append(" FROM ").append(level.getKey().table()).append(where.sql()).append(" GROUP BY ");
            for (int i = 1; i <= keys.size(); i++) {
                sql.append(i == 1 ? "" : ", ").append(i);
            }
            args.addAll(where.args());
        }
        RequestQuery.Where where = new RequestQuery.Where(sql.toString(), args);
        int n = groupBy.size();
        return stream(sql.toString(), where, deadline, rs -> {
            String[] group = new String[n];
            for (int i = 0; i < n; i++) {
                group[i] = none(rs.getString(2 + i));
            }
            int c = 2 + n;
            int status = rs.getInt(c);
            String errorType = none(rs.getString(c + 1));
            String cacheStatus = none(rs.getString(c + 2));
            c += 3;
            long requests = rs.getLong(c++);
            long tokensIn = rs.getLong(c++);
            long tokensOut = rs.getLong(c++);
            double cost = rs.getDouble(c++);
            long[] latency = new long[Rollups.BUCKETS];
            for (int k = 0; k < latency.length; k++) {
                latency[k] = rs.getLong(c++);
            }
            long[] ttft = new long[Rollups.BUCKETS];
            for (int k = 0; k < ttft.length; k++) {
                ttft[k] = rs.getLong(c++);
            }
            return new RollupRow(rs.getLong(1), group, status, errorType, cacheStatus, requests, tokensIn, tokensOut, cost,
                    latency, ttft);
        }, sink);
    }

    /** The query's filters over the union of the segments' ranges. */
    private RequestQuery.Where ranges(RequestQuery query, List<Segment> segments) {
        RequestQuery.Where base = query.withRange(null, null).where(database.dialect());
        StringBuilder sql = new StringBuilder(base.sql()).append(" AND (");
        List<Object> args = new ArrayList<>(base.args());
        for (int i = 0; i < segments.size(); i++) {
            Segment seg = segments.get(i);
            sql.append(i == 0 ? "(1=1" : " OR (1=1");
            if (seg.from() != null) {
                sql.append(" AND ts >= ?");
                args.add(seg.from());
            }
            if (seg.to() != null) {
                sql.append(" AND ts < ?");
                args.add(seg.to());
            }
            sql.append(')');
        }
        return new RequestQuery.Where(sql.append(')').toString(), args);
    }

    /** As {@link #scan}, over the union of the segments' ranges (the raw edges of a {@link #plan}). */
    public long scan(List<Segment> segments, RequestQuery query, boolean withTags, long deadline, Sink<Row> sink) {
        return scan(ranges(query, segments), withTags, deadline, sink);
    }

    private static String none(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * As {@link #scanFeedback}, driven by the feedback instead of the requests: reads only the rated
     * requests (found by request id among those matching the filters), so its cost follows the feedback
     * given since the range began, not the requests in the range. Used with rollups, which answer the
     * rest without reading the log.
     */
    public long scanFeedbackOfRated(RequestQuery query, boolean withTags, long deadline, Sink<FeedbackRow> sink) {
        long from = query.fromMillis() == null ? Long.MIN_VALUE : query.fromMillis();
        if (!feedbackSince(from)) {
            return 0;
        }
        RequestQuery.Where where = query.where(database.dialect());
        boolean postgres = database.dialect() == Database.Dialect.POSTGRES;
        String sameTeam = postgres ? "f.team IS NOT DISTINCT FROM r.team" : "f.team IS r.team";
        String sql = "SELECT r.ts, r.model, r.provider, r.key_id, r.team, r.end_user, r.operation, r.status,"
                + " r.error_type, r.cache_status, r.tags, f.name, f.kind, f.sentiment, f.value_num, r.prompt,"
                + " r.prompt_version, r.experiment, r.variant"
                + " FROM (SELECT request_id, prompt, prompt_version, experiment, variant, " + REQUEST_COLUMNS
                + (withTags ? "tags" : "NULL AS tags")
                + " FROM request_log" + where.sql() + " AND request_id IN (SELECT request_id FROM feedback WHERE ts >= "
                + from + ")) r JOIN feedback f ON f.request_id = r.request_id AND " + sameTeam;
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
                        // compiling a wide aggregate (132 sums over a few thousand rollup rows) costs more than
                        // running it: JIT would add 50-200 ms to queries that take a few ms. Both settings in one
                        // round trip (on a loaded server each waits for the backend to be scheduled).
                        s.execute("SELECT set_config('statement_timeout', '" + Math.max(1, remainingMillis(deadline))
                                + "', true), set_config('jit', 'off', true)");
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
