package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The spans' end-user index holds only spans naming a user, and erasure still finds them through it")
class SpanIndexesTest {

    /** One gateway request's six spans: the root names the end user when the request did, the rest never. */
    static List<SpanRecord> request(String trace, long startMs, String user) {
        List<SpanRecord> out = new ArrayList<>();
        out.add(TraceSummariesTest.span(trace, "a000000000000001", null, "chat gpt-4o-mini", startMs, startMs + 9, "unset",
                "sluice", null, "research", user, "{\"gen_ai.request.model\":\"gpt-4o-mini\"}"));
        for (int i = 2; i <= 6; i++) {
            out.add(TraceSummariesTest.span(trace, "a00000000000000" + i, "a00000000000000" + (i - 1), "stage " + i,
                    startMs + i, startMs + 8, "unset", "sluice", null, "research", null, null));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("spans_user is partial (end_user IS NOT NULL); the erasure's look-up reads it; a user's spans are erased,"
            + " the others' kept, and the trace's summary recomputed")
    void partialUserIndex(String store) throws Exception {
        long now = System.currentTimeMillis();
        try (Database db = TraceSummariesTest.open(store)) {
            List<SpanRecord> spans = new ArrayList<>(request(TraceSummariesTest.trace(1), now, "user-1"));
            spans.addAll(request(TraceSummariesTest.trace(2), now + 20, null));
            TraceSummariesTest.write(db, spans);
            boolean sqlite = store.equals("sqlite");
            String definition = db.withConnection(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sqlite
                        ? "SELECT sql FROM sqlite_master WHERE name = 'spans_user'"
                        : "SELECT indexdef FROM pg_indexes WHERE indexname = 'spans_user' AND schemaname = current_schema()")) {
                    return rs.next() ? rs.getString(1) : null;
                }
            });
            assertThat(definition).containsIgnoringCase("WHERE").contains("end_user IS NOT NULL");
            String plan = db.withConnection(c -> {
                StringBuilder out = new StringBuilder();
                try (Statement s = c.createStatement()) {
                    if (!sqlite) {
                        s.execute("SET enable_seqscan = off"); // a table this small would be read whole otherwise
                    }
                }
                try (PreparedStatement ps = c.prepareStatement((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ")
                        + "SELECT DISTINCT trace_id FROM spans WHERE end_user = ?")) {
                    ps.setString(1, "user-1");
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.append(rs.getString(sqlite ? 4 : 1)).append('\n');
                        }
                    }
                }
                return out.toString();
            });
            if (sqlite) {
                assertThat(plan).contains("INDEX spans_user (end_user=?)");
            } else {
                assertThat(plan).contains("Index Cond: (end_user = 'user-1'::text)");
            }
            Map<String, Long> erased = new Erasure(db).erase("user-1");
            assertThat(erased.get("spans")).isEqualTo(1L);
            long left = db.withConnection(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM spans")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(left).isEqualTo(11);
            assertThat(TraceSummariesTest.fromSpans(db, TraceSummaries.ALL)).isNotEmpty();
            long summarised = db.withConnection(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT spans FROM trace_summary WHERE owner = '*' AND trace_id = '" + TraceSummariesTest.trace(1) + "'")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(summarised).isEqualTo(5);
        }
    }
}
