package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.RetentionConfig;
import dev.sluice.testing.Services;
import dev.sluice.testing.SqliteTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Trace summaries: kept by the span writer, exact under redelivery, team-scoped, erased and expired with the spans")
class TraceSummariesTest {
    static final long MS = 1_000_000L;
    static final long DAY_MS = 86_400_000L;

    static Database open(String store) throws Exception {
        return store.equals("sqlite") ? Database.openSqlite(SqliteTemplate.copyTo(Files.createTempDirectory("sluice-summary").resolve("s.db")))
                : Database.openPostgres(Services.postgres());
    }

    static SpanRecord span(String trace, String id, String parent, String name, long startMs, long endMs, String status,
                           String service, String session, String team, String user, String attributes) {
        return new SpanRecord(trace, id, parent, name, parent == null ? "server" : "internal", startMs * MS, endMs * MS,
                status, null, service, session, null, user, attributes, null, team);
    }

    static String trace(int i) {
        return String.format("%032x", i);
    }

    static void write(Database db, List<SpanRecord> spans) {
        db.withConnection(c -> {
            c.setAutoCommit(false);
            new SpanSink().insert(c, spans);
            c.commit();
            c.setAutoCommit(true);
            return null;
        });
    }

    /** A summary row recomputed from the spans table by SQL, to compare with the one the writer kept. */
    static Map<String, String> fromSpans(Database db, String owner) {
        String where = owner.equals(TraceSummaries.ALL) ? "" : " WHERE COALESCE(team, '') = '" + owner.substring(1) + "'";
        return db.withConnection(c -> {
            Map<String, String> out = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT trace_id, MIN(start_ns),"
                    + " MAX(end_ns), COUNT(*), SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) FROM spans" + where
                    + " GROUP BY trace_id")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2) + "/" + rs.getLong(3) + "/" + rs.getLong(4) + "/" + rs.getLong(5));
                }
            }
            return out;
        });
    }

    /** Per trace, the spans of no team its summary counts (traces with none left out). */
    static Map<String, Long> unowned(Database db) {
        return db.withConnection(c -> {
            Map<String, Long> out = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT trace_id, SUM(unowned)"
                    + " FROM trace_summary WHERE owner = '*' GROUP BY trace_id HAVING SUM(unowned) > 0")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    /** Per trace, its stored spans of no team, counted from the spans table. */
    static Map<String, Long> unownedFromSpans(Database db) {
        return db.withConnection(c -> {
            Map<String, Long> out = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT trace_id, COUNT(*) FROM spans"
                    + " WHERE COALESCE(team, '') = '' GROUP BY trace_id")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    static Map<String, String> summaries(Database db, String owner) {
        return db.withConnection(c -> {
            Map<String, String> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, start_ns, end_ns, spans, errors FROM trace_summary"
                    + " WHERE owner = ?")) {
                ps.setString(1, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assertThat(out.put(rs.getString(1), rs.getLong(2) + "/" + rs.getLong(3) + "/" + rs.getLong(4) + "/"
                                + rs.getLong(5))).as("one row per trace and owner").isNull();
                    }
                }
            }
            return out;
        });
    }

    /** Two teams' spans in some traces, batches overlapping, some delivered twice, children before their roots. */
    static List<List<SpanRecord>> deliveries(long t0) {
        List<SpanRecord> all = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            String t = trace(i);
            long s = t0 + i * 10;
            all.add(span(t, "a" + i + "1", "a" + i + "0", "retrieve", s + 2, s + 5, "ok", "app", null, "team-a", "u" + i, null));
            all.add(span(t, "a" + i + "2", "a" + i + "0", "generate", s + 6, s + 40, i % 7 == 0 ? "error" : "ok", "app",
                    null, "team-a", "u" + i, null));
            all.add(span(t, "a" + i + "0", null, "rag", s, s + 41, "ok", "app", "sess-" + (i % 3), "team-a", "u" + i, null));
            all.add(span(t, "g" + i + "0", "a" + i + "2", "chat", s + 7, s + 39, "ok", "sluice", "sess-" + (i % 3),
                    i % 5 == 0 ? "team-b" : "team-a", "u" + i, "{\"gen_ai.request.model\":\"gpt-4o\",\"x\":1}"));
            if (i % 4 == 0) {
                all.add(span(t, "n" + i, null, "orphan", s - 3, s + 1, "error", "other", null, null, null, null));
            }
        }
        List<List<SpanRecord>> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += 17) {
            out.add(all.subList(from, Math.min(all.size(), from + 25))); // overlapping: spans 17..24 twice, etc.
        }
        out.add(all.subList(0, 30)); // a replayed spill file
        return out;
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("each summary equals what its stored spans add up to, however often and in whatever batches they arrive;"
            + " a team's row counts only its spans")
    void exactUnderRedelivery(String store) throws Exception {
        long t0 = System.currentTimeMillis() - 3_600_000;
        try (Database db = open(store)) {
            for (List<SpanRecord> batch : deliveries(t0)) {
                write(db, batch);
            }
            for (String owner : List.of(TraceSummaries.ALL, "=team-a", "=team-b")) {
                assertThat(summaries(db, owner)).as(owner).isEqualTo(fromSpans(db, owner)).isNotEmpty();
            }
            assertThat(unowned(db)).isEqualTo(unownedFromSpans(db)).isNotEmpty();
            assertThat(summaries(db, "=")).as("spans of no team have no row of their own").isEmpty();
            SpanReader reader = new SpanReader(db);
            SpanReader.TraceSummary t8 = reader.search(new SpanReader.TraceQuery(null, null, null, null, null, null, false,
                    null, null), 100).traces().stream().filter(t -> t.traceId().equals(trace(8))).findFirst().orElseThrow();
            // the root is the earliest span without a parent (the orphan), the session the earliest one seen
            assertThat(t8.rootName()).isEqualTo("orphan");
            assertThat(t8.rootService()).isEqualTo("other");
            assertThat(t8.session()).isEqualTo("sess-2");
            assertThat(t8.model()).isEqualTo("gpt-4o");
            assertThat(t8.spans()).isEqualTo(5);
            assertThat(t8.errors()).isEqualTo(1);
            // team-b sees only its one span of trace 5, never team-a's root, names or session
            SpanReader.TracePage b = reader.search(new SpanReader.TraceQuery(null, null, null, null, null, null, false,
                    "team-b", null), 100);
            assertThat(b.traces()).extracting(SpanReader.TraceSummary::traceId)
                    .containsExactly(trace(40), trace(35), trace(30), trace(25), trace(20), trace(15), trace(10), trace(5));
            assertThat(b.traces().getLast().rootName()).isNull();
            assertThat(b.traces().getLast().spans()).isEqualTo(1);
            assertThat(reader.search(new SpanReader.TraceQuery(null, null, null, "rag", null, null, false, "team-b", null), 100)
                    .traces()).isEmpty();
            // a key may not add to a trace that holds spans of other teams only
            assertThat(reader.ownedByOthers(List.of(trace(5), trace(6), trace(999)), "team-b"))
                    .containsExactly(trace(6));
            assertThat(reader.ownedByOthers(List.of(trace(4), trace(5)), null)).containsExactly(trace(5));
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("one writer's sink, its statements kept from batch to batch and across a replaced connection, keeps"
            + " exact summaries: a trace's names and services lists merged over every batch its spans came in")
    void keptStatementsAcrossBatches(String store) throws Exception {
        long t0 = System.currentTimeMillis() - 3_600_000;
        try (Database db = open(store)) {
            BatchWriter.StoreTarget<SpanRecord> target = new BatchWriter.StoreTarget<>(db, new SpanSink());
            List<List<SpanRecord>> deliveries = new ArrayList<>(deliveries(t0));
            // one trace whose spans come in two batches: its stored row's lists are merged with the second's
            deliveries.add(0, List.of(span(trace(999), "s1", null, "first-half", t0, t0 + 9, "ok", "svc-1", null, "team-a",
                    null, null)));
            deliveries.add(List.of(span(trace(999), "s2", "s1", "second-half", t0 + 1, t0 + 5, "ok", "svc-2", null,
                    "team-a", null, null)));
            for (int i = 0; i < deliveries.size(); i++) {
                target.write(deliveries.get(i));
                if (i == deliveries.size() / 2) {
                    target.reset(); // the writer dropped its connection (a failed commit): the next batch gets a new one
                }
            }
            target.reset();
            assertThat(unowned(db)).isEqualTo(unownedFromSpans(db)).isNotEmpty();
            for (String owner : List.of(TraceSummaries.ALL, "=team-a", "=team-b")) {
                assertThat(summaries(db, owner)).as(owner).isEqualTo(fromSpans(db, owner)).isNotEmpty();
                assertThat(lists(db, owner, "names")).as(owner).isEqualTo(distinct(db, owner, "name"));
                assertThat(lists(db, owner, "services")).as(owner).isEqualTo(distinct(db, owner, "service"));
            }
            for (String owner : List.of(TraceSummaries.ALL, "=team-a")) {
                assertThat(lists(db, owner, "names").get(trace(999))).containsExactly("first-half", "second-half");
                assertThat(lists(db, owner, "services").get(trace(999))).containsExactly("svc-1", "svc-2");
            }
        }
    }

    /** A list column of each summary row of an owner, as a set per trace. */
    static Map<String, java.util.Set<String>> lists(Database db, String owner, String column) {
        return db.withConnection(c -> {
            Map<String, java.util.Set<String>> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, " + column + " FROM trace_summary WHERE owner = ?")) {
                ps.setString(1, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        java.util.Set<String> items = new java.util.TreeSet<>();
                        for (String item : rs.getString(2).split(String.valueOf(TraceSummaries.SEP))) {
                            if (!item.isEmpty()) {
                                items.add(item);
                            }
                        }
                        out.put(rs.getString(1), items);
                    }
                }
            }
            return out;
        });
    }

    /** The distinct values of a span column per trace, for an owner's spans. */
    static Map<String, java.util.Set<String>> distinct(Database db, String owner, String column) {
        String where = owner.equals(TraceSummaries.ALL) ? "" : " WHERE COALESCE(team, '') = '" + owner.substring(1) + "'";
        return db.withConnection(c -> {
            Map<String, java.util.Set<String>> out = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT trace_id, " + column
                    + " FROM spans" + where)) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new java.util.TreeSet<>()).add(rs.getString(2));
                }
            }
            return out;
        });
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("search filters (name, prefix, service, session, errors, duration, time) and keyset pages over the summaries")
    void searchFilters(String store) throws Exception {
        long t0 = System.currentTimeMillis() - 3_600_000;
        try (Database db = open(store)) {
            for (List<SpanRecord> batch : deliveries(t0)) {
                write(db, batch);
            }
            SpanReader r = new SpanReader(db);
            java.util.function.Function<SpanReader.TraceQuery, List<String>> ids = q -> r.search(q, 1000).traces().stream()
                    .map(SpanReader.TraceSummary::traceId).toList();
            assertThat(ids.apply(new SpanReader.TraceQuery(null, null, null, "orphan", null, null, false, null, null)))
                    .hasSize(10);
            assertThat(ids.apply(new SpanReader.TraceQuery(null, null, null, "gen*", null, null, false, null, null)))
                    .hasSize(40);
            assertThat(ids.apply(new SpanReader.TraceQuery(null, null, null, "gen", null, null, false, null, null))).isEmpty();
            assertThat(ids.apply(new SpanReader.TraceQuery(null, null, "other", null, null, null, false, null, null)))
                    .hasSize(10);
            assertThat(ids.apply(new SpanReader.TraceQuery(null, null, null, null, "sess-1", null, false, "team-a", null)))
                    .hasSize(14);
            assertThat(ids.apply(new SpanReader.TraceQuery(null, null, null, null, null, null, true, null, null)))
                    .hasSize(10 + 5 - 1); // orphans (every 4th) and every 7th generate, trace 28 both
            assertThat(ids.apply(new SpanReader.TraceQuery(null, null, null, null, null, null, true, "team-a", null)))
                    .containsExactly(trace(35), trace(28), trace(21), trace(14), trace(7));
            assertThat(ids.apply(new SpanReader.TraceQuery(null, null, null, null, null, 42L, false, null, null)))
                    .hasSize(10); // the orphans start 3 ms before the root: 44 ms
            assertThat(ids.apply(new SpanReader.TraceQuery((t0 + 200) * MS, (t0 + 300) * MS, null, null, null, null, false,
                    "team-a", null))).hasSize(10).first().isEqualTo(trace(29));
            assertThat(r.traceIdsOfSession("sess-0", "team-a", 100)).hasSize(13).first().isEqualTo(trace(3));
            // pages of 7 walk every trace once, newest first
            List<String> walked = new ArrayList<>();
            String cursor = null;
            do {
                SpanReader.TracePage p = r.search(new SpanReader.TraceQuery(null, null, null, null, null, null, false, null,
                        cursor), 7);
                p.traces().forEach(t -> walked.add(t.traceId()));
                cursor = p.nextCursor();
            } while (cursor != null);
            assertThat(walked).hasSize(40).doesNotHaveDuplicates().first().isEqualTo(trace(40));
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("erasing an end user rebuilds the summaries of their traces from the spans left")
    void erasure(String store) throws Exception {
        long t0 = System.currentTimeMillis() - 3_600_000;
        try (Database db = open(store)) {
            for (List<SpanRecord> batch : deliveries(t0)) {
                write(db, batch);
            }
            new Erasure(db).erase("u8");
            for (String owner : List.of(TraceSummaries.ALL, "=team-a", "=team-b")) {
                assertThat(summaries(db, owner)).as(owner).isEqualTo(fromSpans(db, owner));
            }
            assertThat(unowned(db)).isEqualTo(unownedFromSpans(db));
            SpanReader r = new SpanReader(db);
            SpanReader.TraceSummary t8 = r.search(new SpanReader.TraceQuery(null, null, null, null, null, null, false, null,
                    null), 100).traces().stream().filter(t -> t.traceId().equals(trace(8))).findFirst().orElseThrow();
            assertThat(t8.spans()).isEqualTo(1);
            assertThat(t8.session()).isNull();
            assertThat(summaries(db, "=team-a")).doesNotContainKey(trace(8));
            assertThat(r.search(new SpanReader.TraceQuery(null, null, null, null, "sess-2", null, false, "team-a", null), 100)
                    .traces()).extracting(SpanReader.TraceSummary::traceId).doesNotContain(trace(8)).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("retention removes the summaries of expired traces with their spans (PostgreSQL: whole days dropped)")
    void retention(String store) throws Exception {
        long today = PartitionsTest.today();
        try (Database db = open(store)) {
            List<SpanRecord> spans = new ArrayList<>();
            for (int d = 0; d <= 12; d++) {
                long s = today - d * DAY_MS + 1000;
                spans.add(span(trace(100 + d), "r", null, "rag", s, s + 5, "ok", "app", null, "team-a", null, null));
                long noon = today - d * DAY_MS + 13 * 3_600_000L;
                spans.add(span(trace(200 + d), "r", null, "rag", noon, noon + 5, "ok", "app", null, "team-a", null, null));
            }
            if (store.equals("postgresql")) {
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    for (int d = 2; d <= 12; d++) {
                        for (String t : List.of("spans", "trace_summary")) {
                            s.execute("SELECT sluice_partition_day('" + t + "', CAST('" + java.time.LocalDate.ofInstant(
                                    Instant.ofEpochMilli(today - d * DAY_MS), ZoneOffset.UTC) + "' AS DATE), true)");
                        }
                    }
                }
            }
            write(db, spans);
            long now = today + 12 * 3_600_000L;
            RetentionConfig config = new RetentionConfig(null, Duration.ofDays(10), null, null, null, Duration.ofHours(1));
            new Retention(db, config, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC), false).runOnce();
            for (String owner : List.of(TraceSummaries.ALL, "=team-a")) {
                assertThat(summaries(db, owner)).as(owner).isEqualTo(fromSpans(db, owner)).hasSize(2 * 10 + 1);
            }
            if (store.equals("postgresql")) {
                assertThat(Partitions.list(db, "trace_summary")).doesNotContain(
                        PartitionsTest.partition("trace_summary", today - 11 * DAY_MS))
                        .contains(PartitionsTest.partition("trace_summary", today - 10 * DAY_MS),
                                PartitionsTest.partition("trace_summary", today + 7 * DAY_MS));
            }
        }
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("spans stored before the summaries existed are summarised by the migration as the writer would")
    void migrationBackfills(String store) throws Exception {
        long t0 = System.currentTimeMillis() - 3_600_000;
        Path dir = Files.createTempDirectory("sluice-summary-migration");
        String url = store.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("m.db") : Services.emptyPostgres();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/" + store).outOfOrder(true)
                .target("56").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind,"
                    + " start_ns, end_ns, status, service, session_id, end_user, attributes, team) VALUES (?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (List<SpanRecord> batch : deliveries(t0)) {
                    for (SpanRecord s : batch) {
                        ps.setString(1, s.traceId());
                        ps.setString(2, s.spanId());
                        ps.setString(3, s.parentSpanId());
                        ps.setString(4, s.name());
                        ps.setString(5, s.kind());
                        ps.setLong(6, s.startNanos());
                        ps.setLong(7, s.endNanos());
                        ps.setString(8, s.status());
                        ps.setString(9, s.service());
                        ps.setString(10, s.sessionId());
                        ps.setString(11, s.endUser());
                        ps.setString(12, s.attributes());
                        ps.setString(13, s.team());
                        ps.executeUpdate();
                    }
                }
            }
            c.commit();
        }
        try (Database db = store.equals("sqlite") ? Database.openSqlite(dir.resolve("m.db")) : Database.openPostgres(url)) {
            List<String> expected = new ArrayList<>();
            List<String> got = new ArrayList<>();
            try (Database fresh = open(store)) {
                for (List<SpanRecord> batch : deliveries(t0)) {
                    write(fresh, batch);
                }
                assertThat(unowned(db)).isEqualTo(unownedFromSpans(db)).isEqualTo(unowned(fresh));
                for (String owner : List.of(TraceSummaries.ALL, "=team-a", "=team-b")) {
                    assertThat(summaries(db, owner)).as(owner).isEqualTo(fromSpans(db, owner));
                    for (Database d : List.of(fresh, db)) {
                        List<String> out = d == fresh ? expected : got;
                        new SpanReader(d).search(new SpanReader.TraceQuery(null, null, null, null, null, null, false,
                                owner.equals(TraceSummaries.ALL) ? null : owner.substring(1), null), 100).traces()
                                .forEach(t -> out.add(t.toString()));
                    }
                }
            }
            assertThat(got).isEqualTo(expected).isNotEmpty();
        }
    }

    @Test
    @DisplayName("EXPLAIN QUERY PLAN (SQLite): a session's traces read the session index, not every trace by start")
    void sqliteSessionPlan() throws Exception {
        try (Database db = open("sqlite")) {
            write(db, deliveries(System.currentTimeMillis()).getFirst());
            String plan = db.withConnection(c -> {
                StringBuilder out = new StringBuilder();
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN SELECT trace_id FROM trace_summary"
                        + " INDEXED BY trace_summary_session WHERE owner = ? AND session_id = ? ORDER BY start_ns DESC,"
                        + " trace_id DESC LIMIT 1001")) {
                    ps.setString(1, "*");
                    ps.setString(2, "sess-1");
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.append(rs.getString(4)).append('\n');
                        }
                    }
                }
                return out.toString();
            });
            assertThat(plan).containsPattern("USING (COVERING )?INDEX trace_summary_session \\(owner=\\? AND session_id=\\?\\)")
                    .doesNotContain("TEMP B-TREE");
            // and the reader's query is that one
            assertThat(new SpanReader(db).search(new SpanReader.TraceQuery(null, null, null, null, "sess-1", null, false,
                    null, null), 1000).traces()).isNotEmpty();
        }
    }

    @Test
    @DisplayName("EXPLAIN (PostgreSQL): trace search, errors, sessions and ownership read summary indexes; a trace's"
            + " waterfall reads spans by the trace-id index")
    void explainPlans() throws Exception {
        long t0 = System.currentTimeMillis() - 3_600_000;
        try (Database db = open("postgresql"); Connection c = db.connect()) {
            for (List<SpanRecord> batch : deliveries(t0)) {
                write(db, batch);
            }
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE spans");
                s.execute("ANALYZE trace_summary");
                // on tables this small the planner would rightly read them whole: a plan that still does with
                // sequential scans off means no index serves the query
                s.execute("SET enable_seqscan = off");
            }
            String cols = "SELECT trace_id, start_ns, end_ns, spans, errors, root_name, root_service, session_id, model"
                    + " FROM trace_summary WHERE owner = ?";
            for (Object[] q : new Object[][] {
                    {cols + " ORDER BY start_ns DESC, trace_id DESC LIMIT 51", "*"},
                    {cols + " AND start_ns >= ? ORDER BY start_ns DESC, trace_id DESC LIMIT 51", "=team-a", t0 * MS},
                    {cols + " AND errors > 0 ORDER BY start_ns DESC, trace_id DESC LIMIT 51", "*"},
                    {cols + " AND session_id = ? ORDER BY start_ns DESC, trace_id DESC LIMIT 1001", "=team-a", "sess-1"},
                    {cols + " AND (start_ns < ? OR (start_ns = ? AND trace_id < ?)) ORDER BY start_ns DESC, trace_id DESC"
                            + " LIMIT 51", "*", t0 * MS, t0 * MS, trace(9)},
                    {"SELECT trace_id FROM trace_summary WHERE trace_id IN (?, ?) GROUP BY trace_id", trace(1), trace(2)},
                    {"SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns, span_id LIMIT 10000", trace(3)}}) {
                String sql = (String) q[0];
                String plan = PartitionsTest.explain(c, sql, java.util.Arrays.copyOfRange(q, 1, q.length));
                assertThat(plan).as(sql + "\n" + plan).doesNotContain("Seq Scan").containsPattern("Index");
                if (sql.contains("errors > 0")) { // the partial index implies the condition: no row read to test it
                    assertThat(plan).as(plan).doesNotContain("Filter: (errors");
                }
            }
        }
    }

    @Test
    @DisplayName("SQLite: the writer's one look-up a batch gives every trace the state the per-trace look-up gave (summary"
            + " row or not, log rows carrying a root), ids with quotes, backslashes and control characters included")
    void batchedTraceState() throws Exception {
        long t0 = System.currentTimeMillis();
        String odd = "q\"b\\c\u0001d";
        try (Database db = open("sqlite")) {
            // a trace with a summary row (span rows), one whose id needs escaping, one with a summary row and a log root
            write(db, List.of(span(trace(1), "s1", null, "root", t0, t0 + 5, "ok", "app", null, null, null, null),
                    span(odd, "s2", null, "root", t0, t0 + 5, "ok", "app", null, null, null, null),
                    span(trace(6), "s6", null, "root", t0, t0 + 5, "ok", "app", null, null, null, null)));
            db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO request_log (ts, request_id, operation, stream,"
                        + " status, latency_ms, trace_id, span_id, span_start_ns) VALUES (?, ?, 'chat', 0, 200, 1, ?, ?, ?)")) {
                    // trace 2: one log row carrying a root; trace 3: two; trace 4: a log row without a root;
                    // trace 6: a log root beside its summary row; the odd id with a backslash: one log root;
                    // trace 8: a log root and a row of the trace without one (its root's columns expired)
                    String[][] rows = {{trace(2), "r2"}, {trace(3), "r3a"}, {trace(3), "r3b"}, {trace(4), null},
                            {trace(6), "r6"}, {"x\\y\"z\n", "r7"}, {trace(8), "r8"}, {trace(8), null}};
                    for (String[] r : rows) {
                        ps.setLong(1, t0);
                        ps.setString(2, "req-" + r[0]);
                        ps.setString(3, r[0]);
                        ps.setString(4, r[1]);
                        ps.setLong(5, t0 * MS);
                        ps.executeUpdate();
                    }
                }
                return null;
            });
            List<String> traces = List.of(trace(1), trace(2), trace(3), trace(4), trace(5), trace(6), odd, "x\\y\"z\n",
                    trace(8));
            // the log sink asks about traces it just stored a root of: at least one log root each
            List<String> withRoots = List.of(trace(2), trace(3), trace(6), "x\\y\"z\n", trace(8));
            db.withConnection(c -> {
                try (Statements statements = new Statements(TraceSummaries::sqliteFunctions);
                     PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM trace_summary WHERE trace_id = ?1),"
                             + " (SELECT COUNT(*) FROM request_log WHERE trace_id = ?1 AND span_id IS NOT NULL)")) {
                    java.util.Map<String, String> expected = new java.util.LinkedHashMap<>();
                    for (String t : traces) {
                        ps.setString(1, t);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            expected.put(t, rs.getInt(1) + "/" + rs.getInt(2));
                        }
                    }
                    assertThat(expected.values()).containsExactly("1/0", "0/1", "0/2", "0/0", "0/0", "1/1", "1/0", "0/1", "0/1");
                    for (int usual : new int[] {0, 1}) {
                        List<String> asked = usual == 0 ? traces : withRoots;
                        List<String> got = new java.util.ArrayList<>();
                        for (int[] st : TraceSummaries.stateSqlite(c, asked, statements, usual)) {
                            got.add(st[0] + "/" + st[1]);
                        }
                        assertThat(got).as("usual " + usual).isEqualTo(asked.stream().map(expected::get).toList());
                    }
                }
                return null;
            });
        }
    }
}
