package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * The SQL that writes request-log rows; {@link BatchWriter} calls it with batches. A record already
 * stored (same {@code uid}: a spill file replayed twice) is skipped, so replay is idempotent and
 * the spend read back at a restart counts every request once.
 */
public final class RequestLogSink implements BatchWriter.Sink<RequestRecord> {
    /** SQLite: the insert, the rollups' and the trace summaries' upserts, prepared once per connection. */
    private final Statements statements = new Statements(TraceSummaries::sqliteFunctions);

    private static final String INSERT = "INSERT INTO request_log (ts, request_id, key_id, end_user, operation, model,"
            + " provider, upstream_model, stream, status, error_type, tokens_in, tokens_out, ttft_ms, latency_ms,"
            + " attempts, fallback_model, route_reason, attempt_log, team, cost_usd, cache_status, cache_similarity,"
            + " saved_tokens_in, saved_tokens_out, trace_id, session_id, tags, guardrails,"
            + " prompt, prompt_version, experiment, variant, experiment_window, uid, " + SpanReader.ROOT_COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    /**
     * Inserts the rows not stored yet and adds exactly those to the rollups ({@link Rollups}), in the
     * writer's transaction: a batch retried after a failed commit, or a spill file replayed twice, counts
     * each request once in the rollups as in the log. Which rows were new is what the insert says: SQLite's
     * driver runs a batch row by row and reports each row's update count (0: its uid was stored already, the
     * {@code ON CONFLICT DO NOTHING} skipped it), as the span writer reads them; PostgreSQL's
     * {@code RETURNING uid}. (Until session 9 SQLite looked the batch's uids up first, one more statement a
     * batch and an index probe a row.)
     */
    @Override
    public void insert(Connection c, List<RequestRecord> batch) throws SQLException {
        if (postgres == null) {
            postgres = Rollups.postgres(c);
        }
        if (postgres) {
            List<RequestRecord> fresh = insertReturning(c, batch);
            Rollups.apply(c, fresh);
            TraceSummaries.addStored(c, true, roots(fresh), statements, true);
            return;
        }
        List<RequestRecord> fresh = write(statements.get(c, INSERT), batch);
        if (fresh.isEmpty()) {
            return;
        }
        Rollups.apply(c, fresh, statements);
        // the root spans these rows carry count in their traces' summaries as the span writer's rows do
        TraceSummaries.addStored(c, false, roots(fresh), statements, true);
    }

    /** The root spans the rows carry (migration V67). */
    private static List<SpanRecord> roots(List<RequestRecord> rows) {
        List<SpanRecord> out = null;
        for (RequestRecord r : rows) {
            if (r.root() != null) {
                if (out == null) {
                    out = new java.util.ArrayList<>(rows.size());
                }
                out.add(r.root());
            }
        }
        return out == null ? List.of() : out;
    }

    private volatile Boolean postgres;

    /**
     * PostgreSQL: the whole batch in one statement, one array per column ({@code unnest}: one plan whatever the
     * batch size, instead of 35 parameters a row), {@code ON CONFLICT DO NOTHING RETURNING uid} saying exactly
     * which records were new (a uid already stored, or twice in the batch, comes back once or not at all): no
     * separate look-up of stored uids. Returns the records inserted, in batch order.
     */
    private static List<RequestRecord> insertReturning(Connection c, List<RequestRecord> batch) throws SQLException {
        int n = batch.size();
        Object[][] cols = new Object[UNNEST_TYPES.length][n];
        for (int i = 0; i < n; i++) {
            RequestRecord r = batch.get(i);
            Object[] v = {r.ts(), r.requestId(), r.keyId(), r.endUser(), r.operation(), r.model(), r.provider(),
                    r.upstreamModel(), r.stream() ? 1L : 0L, (long) r.status(), r.errorType(), longOrNull(r.tokensIn()),
                    longOrNull(r.tokensOut()), r.ttftMs() < 0 ? null : r.ttftMs(), r.latencyMs(), (long) r.attempts(),
                    r.fallbackModel(), r.routeReason(), r.attemptLog(), r.team(), r.costUsd(), r.cacheStatus(),
                    r.cacheSimilarity(), longOrNull(r.savedTokensIn()), longOrNull(r.savedTokensOut()), r.traceId(),
                    r.sessionId(), r.tags(), r.guardrails(), r.prompt(), longOrNull(r.promptVersion()), r.experiment(),
                    r.variant(), r.experimentWindow(), r.uid(), null, null, null, null, null, null, null, null, null, null,
                    null, null};
            SpanRecord s = r.root();
            if (s != null) {
                Object[] root = {s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.startNanos(), s.endNanos(), s.status(),
                        s.statusMessage(), s.service(), s.attributes(), s.events(), s.stages()};
                System.arraycopy(root, 0, v, 35, root.length);
            }
            for (int k = 0; k < v.length; k++) {
                cols[k][i] = v[k];
            }
        }
        java.util.Set<String> inserted = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(UNNEST_INSERT)) {
            for (int k = 0; k < cols.length; k++) {
                String type = UNNEST_TYPES[k];
                Object[] values = switch (type) {
                    case "int8" -> java.util.Arrays.copyOf(cols[k], n, Long[].class);
                    case "float8" -> java.util.Arrays.copyOf(cols[k], n, Double[].class);
                    default -> java.util.Arrays.copyOf(cols[k], n, String[].class);
                };
                ps.setArray(k + 1, c.createArrayOf(type, values));
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        List<RequestRecord> fresh = new java.util.ArrayList<>(inserted.size());
        for (RequestRecord r : batch) {
            if (inserted.remove(r.uid())) {
                fresh.add(r);
            }
        }
        return fresh;
    }

    private static Long longOrNull(Integer v) {
        return v == null ? null : v.longValue();
    }

    /** The array type of each column of {@link #INSERT}, in order (integers as int8: INSERT casts them). */
    private static final String[] UNNEST_TYPES = {"int8", "text", "text", "text", "text", "text", "text", "text", "int8",
            "int8", "text", "int8", "int8", "int8", "int8", "int8", "text", "text", "text", "text", "float8", "text",
            "float8", "int8", "int8", "text", "text", "text", "text", "text", "int8", "text", "text", "int8", "text",
            // the root span's columns (SpanReader.ROOT_COLUMNS)
            "text", "text", "text", "text", "int8", "int8", "text", "text", "text", "text", "text", "text"};

    private static final String UNNEST_INSERT;

    static {
        StringBuilder sql = new StringBuilder(INSERT.substring(0, INSERT.indexOf(" VALUES"))).append(" SELECT * FROM unnest(");
        for (int k = 0; k < UNNEST_TYPES.length; k++) {
            sql.append(k == 0 ? "" : ", ").append("CAST(? AS ").append(UNNEST_TYPES[k]).append("[])");
        }
        UNNEST_INSERT = sql.append(") ON CONFLICT DO NOTHING RETURNING uid").toString();
    }

    /** Runs the inserts; returns the records stored by them (not those whose uid was stored already), in batch order. */
    private static List<RequestRecord> write(PreparedStatement ps, List<RequestRecord> batch) throws SQLException {
        int[] counts = Statements.runBatch(ps, batch, r -> bind(ps, r));
        List<RequestRecord> stored = new java.util.ArrayList<>(batch.size());
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 || counts[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                stored.add(batch.get(i));
            }
        }
        return stored;
    }

    /**
     * One row's 47 parameters (the last 12 its root span's, null without one), in a method of its own rather than in the batch loop: with the binds in the loop's
     * body, C2's compilation of that lambda took 0.7-2.5 s of compiler CPU each time (twice per run), the largest
     * single compilation in the gateway (bench/README.md, "Session 9: the JIT in steady state").
     */
    private static void bind(PreparedStatement ps, RequestRecord r) throws SQLException {
        ps.setLong(1, r.ts());
        ps.setString(2, r.requestId());
        ps.setString(3, r.keyId());
        ps.setString(4, r.endUser());
        ps.setString(5, r.operation());
        ps.setString(6, r.model());
        ps.setString(7, r.provider());
        ps.setString(8, r.upstreamModel());
        ps.setInt(9, r.stream() ? 1 : 0);
        ps.setInt(10, r.status());
        ps.setString(11, r.errorType());
        setInt(ps, 12, r.tokensIn());
        setInt(ps, 13, r.tokensOut());
        if (r.ttftMs() < 0) {
            ps.setNull(14, Types.INTEGER);
        } else {
            ps.setLong(14, r.ttftMs());
        }
        ps.setLong(15, r.latencyMs());
        ps.setInt(16, r.attempts());
        ps.setString(17, r.fallbackModel());
        ps.setString(18, r.routeReason());
        ps.setString(19, r.attemptLog());
        ps.setString(20, r.team());
        setDouble(ps, 21, r.costUsd());
        ps.setString(22, r.cacheStatus());
        setDouble(ps, 23, r.cacheSimilarity());
        setInt(ps, 24, r.savedTokensIn());
        setInt(ps, 25, r.savedTokensOut());
        ps.setString(26, r.traceId());
        ps.setString(27, r.sessionId());
        ps.setString(28, r.tags());
        ps.setString(29, r.guardrails());
        ps.setString(30, r.prompt());
        setInt(ps, 31, r.promptVersion());
        ps.setString(32, r.experiment());
        ps.setString(33, r.variant());
        if (r.experimentWindow() == null) {
            ps.setNull(34, Types.BIGINT);
        } else {
            ps.setLong(34, r.experimentWindow());
        }
        ps.setString(35, r.uid());
        SpanRecord s = r.root();
        if (s == null) {
            for (int i = 36; i <= 47; i++) {
                ps.setNull(i, i == 40 || i == 41 ? Types.BIGINT : Types.VARCHAR);
            }
            return;
        }
        ps.setString(36, s.spanId());
        ps.setString(37, s.parentSpanId());
        ps.setString(38, s.name());
        ps.setString(39, s.kind());
        ps.setLong(40, s.startNanos());
        ps.setLong(41, s.endNanos());
        ps.setString(42, s.status());
        ps.setString(43, s.statusMessage());
        ps.setString(44, s.service());
        ps.setString(45, s.attributes());
        ps.setString(46, s.events());
        ps.setString(47, s.stages());
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }
}
