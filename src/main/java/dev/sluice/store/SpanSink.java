package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes spans and their traces' summaries ({@link TraceSummaries}) in the caller's transaction; a span
 * already stored (same trace and span id, e.g. replayed from a spill file or sent twice by a client) is
 * skipped, not duplicated, and adds nothing to its summary (a root's stage spans, {@link StageSpans}, are stored and
 * summed with it): only the spans the insert reports as stored
 * (PostgreSQL: {@code RETURNING}; SQLite: each row's update count) are summed.
 *
 * <p>PostgreSQL gets the whole batch in one statement: one array per column, {@code unnest}ed server side
 * (one round trip and one plan however large the batch).
 */
public final class SpanSink implements BatchWriter.Sink<SpanRecord> {
    private static final String COLUMNS = "trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status,"
            + " status_message, service, session_id, request_id, end_user, attributes, events, team, stages";
    private static final String INSERT = "INSERT INTO spans (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String INSERT_PG = "INSERT INTO spans (" + COLUMNS + ") SELECT * FROM unnest(CAST(? AS text[]),"
            + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]),"
            + " CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),"
            + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),"
            + " CAST(? AS text[])) ON CONFLICT DO NOTHING RETURNING trace_id, span_id, start_ns";

    private volatile Boolean postgres;
    /** SQLite: the insert and the summary's upsert, prepared once per connection (the merge function registered). */
    private final Statements statements = new Statements(TraceSummaries::sqliteFunctions);

    @Override
    public void insert(Connection c, List<SpanRecord> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        if (postgres == null) {
            postgres = TraceSummaries.postgres(c);
        }
        List<SpanRecord> stored = postgres ? insertPostgres(c, batch) : insertSqlite(statements.get(c, INSERT), batch);
        // a root's folded stage spans count in its trace's summary as the rows they once were (TraceSummaries.summarise)
        TraceSummaries.addStored(c, postgres, stored, statements, false);
    }

    private static List<SpanRecord> insertSqlite(PreparedStatement ps, List<SpanRecord> batch) throws SQLException {
        int[] counts = Statements.runBatch(ps, batch, s -> bind(ps, s));
        List<SpanRecord> stored = new ArrayList<>(batch.size());
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 || counts[i] == Statement.SUCCESS_NO_INFO) {
                stored.add(batch.get(i));
            }
        }
        return stored;
    }

    private static void bind(PreparedStatement ps, SpanRecord s) throws SQLException {
        ps.setString(1, s.traceId());
        ps.setString(2, s.spanId());
        ps.setString(3, s.parentSpanId());
        ps.setString(4, s.name());
        ps.setString(5, s.kind());
        ps.setLong(6, s.startNanos());
        ps.setLong(7, s.endNanos());
        ps.setString(8, s.status());
        ps.setString(9, s.statusMessage());
        ps.setString(10, s.service());
        ps.setString(11, s.sessionId());
        ps.setString(12, s.requestId());
        ps.setString(13, s.endUser());
        ps.setString(14, s.attributes());
        ps.setString(15, s.events());
        ps.setString(16, s.team());
        ps.setString(17, s.stages());
    }

    private static List<SpanRecord> insertPostgres(Connection c, List<SpanRecord> batch) throws SQLException {
        int n = batch.size();
        String[][] text = new String[15][n];
        Long[] start = new Long[n];
        Long[] end = new Long[n];
        Map<String, SpanRecord> byKey = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            SpanRecord s = batch.get(i);
            text[0][i] = s.traceId();
            text[1][i] = s.spanId();
            text[2][i] = s.parentSpanId();
            text[3][i] = s.name();
            text[4][i] = s.kind();
            start[i] = s.startNanos();
            end[i] = s.endNanos();
            text[5][i] = s.status();
            text[6][i] = s.statusMessage();
            text[7][i] = s.service();
            text[8][i] = s.sessionId();
            text[9][i] = s.requestId();
            text[10][i] = s.endUser();
            text[11][i] = s.attributes();
            text[12][i] = s.events();
            text[13][i] = s.team();
            text[14][i] = s.stages();
            byKey.putIfAbsent(key(s.traceId(), s.spanId(), s.startNanos()), s);
        }
        List<SpanRecord> stored = new ArrayList<>(n);
        try (PreparedStatement ps = c.prepareStatement(INSERT_PG)) {
            int k = 1;
            for (int col = 0; col < 5; col++) {
                ps.setArray(k++, c.createArrayOf("text", text[col]));
            }
            ps.setArray(k++, c.createArrayOf("int8", start));
            ps.setArray(k++, c.createArrayOf("int8", end));
            for (int col = 5; col < 15; col++) {
                ps.setArray(k++, c.createArrayOf("text", text[col]));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SpanRecord s = byKey.get(key(rs.getString(1), rs.getString(2), rs.getLong(3)));
                    if (s != null) {
                        stored.add(s);
                    }
                }
            }
        }
        return stored;
    }

    private static String key(String trace, String span, long start) {
        return trace + '\n' + span + '\n' + start;
    }
}
