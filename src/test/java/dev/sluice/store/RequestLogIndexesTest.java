package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The request log's indexes on mostly-empty columns hold only the rows that fill them, and still serve"
        + " the readers' look-ups")
class RequestLogIndexesTest {
    /** index, the column it leaves out when NULL, a reader's look-up through it. */
    static final List<String[]> PARTIAL = List.of(
            new String[] {"request_log_team_ts", "team", "SELECT id FROM request_log WHERE team = ? AND ts >= 0"},
            new String[] {"request_log_user_ts", "end_user", "SELECT id FROM request_log WHERE end_user = ? AND ts >= 0"},
            new String[] {"request_log_session", "session_id", "SELECT id FROM request_log WHERE session_id = ?"},
            new String[] {"request_log_trace", "trace_id", "SELECT id FROM request_log WHERE trace_id = ?"},
            new String[] {"request_log_prompt", "prompt", "SELECT id FROM request_log WHERE prompt = ? AND ts >= 0"},
            new String[] {"request_log_experiment", "experiment", "SELECT id FROM request_log WHERE experiment = ?"},
            // a team-limited reader's gateway-only traces, newest first (SpanReader's list, V69): no entry for a team-less row
            new String[] {"request_log_team_span_start", "team", "SELECT id FROM request_log r WHERE span_id IS NOT NULL"
                    + " AND span_start_ns >= 0 AND team = ? ORDER BY span_start_ns DESC, trace_id DESC LIMIT 100"});

    static RequestRecord record(long ts, String team, String user, String session, String trace) {
        return new RequestRecord(ts, "req-" + ts, "key-1", team, user, "chat", "gpt-4o-mini", "sim", "gpt-4o-mini",
                false, 200, null, 1, 2, 1, 2, 1, null, "primary", null, 0.001, null, null, null, null, trace, session,
                null, null, null, null, null, null, null, null);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("team, end user, session, trace, prompt and experiment indexes are partial (IS NOT NULL); each"
            + " equality look-up reads its index and finds its rows")
    void partialIndexes(String store) throws Exception {
        long now = System.currentTimeMillis();
        boolean sqlite = store.equals("sqlite");
        try (Database db = TraceSummariesTest.open(store)) {
            db.withConnection(c -> {
                c.setAutoCommit(false);
                new RequestLogSink().insert(c, List.of(record(now, "research", "ann", "s-1", "t-1"),
                        record(now + 1, null, null, null, null), record(now + 2, null, null, null, null)));
                c.commit();
                c.setAutoCommit(true);
                return null;
            });
            for (String[] p : PARTIAL) {
                String definition = db.withConnection(c -> {
                    try (PreparedStatement ps = c.prepareStatement(sqlite ? "SELECT sql FROM sqlite_master WHERE name = ?"
                            : "SELECT indexdef FROM pg_indexes WHERE indexname = ? AND schemaname = current_schema()")) {
                        ps.setString(1, p[0]);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() ? rs.getString(1) : null;
                        }
                    }
                });
                assertThat(definition).as(p[0]).containsIgnoringCase("WHERE").contains(p[1] + " IS NOT NULL");
                String plan = db.withConnection(c -> {
                    StringBuilder out = new StringBuilder();
                    if (!sqlite) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SET enable_seqscan = off");
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + p[2])) {
                        ps.setString(1, "x");
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.append(rs.getString(sqlite ? 4 : 1)).append('\n');
                            }
                        }
                    }
                    if (!sqlite) {
                        try (Statement s = c.createStatement()) {
                            s.execute("RESET enable_seqscan");
                        }
                    }
                    return out.toString();
                });
                // PostgreSQL names each day partition's copy of the index after the partition and the columns
                assertThat(plan).as(p[0] + " plan").containsIgnoringCase(sqlite ? "INDEX " + p[0]
                        : p[0].equals("request_log_team_span_start") ? "team_span_start_ns" : p[1]);
                assertThat(plan).as(p[0] + " plan").doesNotContainIgnoringCase(sqlite ? "SCAN request_log\n" : "Seq Scan");
            }
            long found = db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM request_log WHERE team = ?"
                        + " AND end_user = ? AND session_id = ? AND trace_id = ?")) {
                    ps.setString(1, "research");
                    ps.setString(2, "ann");
                    ps.setString(3, "s-1");
                    ps.setString(4, "t-1");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
            assertThat(found).isEqualTo(1);
        }
    }
}
