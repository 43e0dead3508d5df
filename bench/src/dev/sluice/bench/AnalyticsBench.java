package dev.sluice.bench;

import dev.sluice.analytics.Stats;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.Database;
import dev.sluice.store.RequestLogSink;
import dev.sluice.store.RequestQuery;
import dev.sluice.store.RequestRecord;
import dev.sluice.store.RequestSearch;
import dev.sluice.store.Rollups;
import dev.sluice.store.SpanReader;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.SpanSink;
import dev.sluice.store.StatsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Analytics at scale (issue 20): a fresh PostgreSQL database ({@code sluice_bench_analytics}) migrated by
 * Sluice (day-partitioned request log, spans and bodies; rollups), seeded server side with
 * {@code generate_series} — N request-log rows over the last 30 days and 5 spans per request (10,000,000 and
 * 50,000,000 by default; {@code --quick}: 100,000 and 500,000; {@code --requests N} to choose) — and the
 * rollups rebuilt from them with the same SQL the first open uses. Then, through the analytics readers the
 * admin API and the dashboard use (in process: {@link Stats#compute} with {@link StatsReader}, and
 * {@link RequestSearch}; the answer is serialised to JSON as the API does):
 * <ol>
 *   <li>stats over 30 days grouped by model (target p95 ≤ 200 ms), and the same with {@code exact=true}
 *       (the raw log) as the baseline;</li>
 *   <li>request search with filters (model + errors + last 24 h; one key; one user over 30 days), 50 rows
 *       (target p95 ≤ 100 ms);</li>
 *   <li>ingest with tracing on: request-log records (rollups included) and 5 spans each (server root,
 *       3 internal stages, 1 client attempt) through the store's batching writers as fast as they take them,
 *       then every record counted back by span kind and distinct ids (target ≥ 5,000 requests/s, zero loss).</li>
 * </ol>
 * The database is dropped at the end. Run: {@code bench/run analytics [--quick] [--requests N]}.
 * Results: {@code bench/results/analytics.md}.
 */
public final class AnalyticsBench {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final long DAY = 86_400_000L;
    private static final int SPANS_PER_REQUEST = 5;

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        long requests = a.contains("--requests") ? Long.parseLong(a.get(a.indexOf("--requests") + 1))
                : quick ? 100_000 : 10_000_000;
        long spans = requests * SPANS_PER_REQUEST;
        int ingest = quick ? 20_000 : 100_000;
        // --db NAME: another database name, so two runs on one server (e.g. two branches) do not drop each other's
        String db0 = a.contains("--db") ? a.get(a.indexOf("--db") + 1)
                : System.getenv().getOrDefault("SLUICE_BENCH_DB", "sluice_bench_analytics");
        if (!db0.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("--db: lower-case letters, digits and _ only");
        }
        final String DB = db0;
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        StringBuilder md = new StringBuilder();
        String loadBefore = Servers.loadAverage();
        md.append("Analytics at scale").append(quick ? " (quick run)" : "").append(" — ").append(Instant.now())
                .append(", commit ").append(Report.commit(root)).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, load ").append(loadBefore).append("\n\n");
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres?user=postgres");
             Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DB);
        }
        String url = SERVER + DB + "?user=postgres";
        long now = System.currentTimeMillis();
        try (Database db = Database.openPostgres(url)) {
            double seedSeconds = seed(db, requests, now);
            md.append(String.format(Locale.ROOT, "Store: PostgreSQL (database %s), %,d request-log rows and %,d spans over"
                    + " the last 30 days, day-partitioned; seeded server side with generate_series and the rollups rebuilt"
                    + " in %.0f s. Readers in process (the admin API's and dashboard's), answers serialised to JSON;"
                    + " 30 timed runs after 3 warm-ups each.%n%n", DB, requests, spans, seedSeconds));
            System.out.print(md);
            StatsReader stats = new StatsReader(db);
            RequestSearch search = new RequestSearch(db);
            long month = now - 30 * DAY;
            long dayAgo = now - DAY;
            md.append("| query | source | runs | p50 ms | p95 ms | max ms | target |\n|---|---|---:|---:|---:|---:|---|\n");
            RequestQuery last30 = RequestQuery.ALL.withRange(month, null);
            row(md, "stats, 30 days, grouped by model", "rollups", 30, 200,
                    () -> Stats.compute(stats, last30, spec(month, List.of(), false, "model")).bytes().length);
            row(md, "stats, 30 days, daily buckets (overview chart)", "rollups", 30, 200,
                    () -> Stats.compute(stats, last30, spec(month, List.of(), false, null, Duration.ofDays(1))).bytes().length);
            row(md, "stats, 30 days, grouped by team (budgets page)", "rollups", 30, 200,
                    () -> Stats.compute(stats, last30, spec(month, List.of(), false, "team")).bytes().length);
            // the dashboard's Overview: its three calls (totals, a time series, grouped by model) one after the other
            for (String[] range : new String[][] {{"1h", "3600000", "60000"}, {"24h", "86400000", "1800000"},
                    {"7d", "604800000", "21600000"}, {"30d", "2592000000", "86400000"}}) {
                long from = now - Long.parseLong(range[1]);
                RequestQuery q = RequestQuery.ALL.withRange(from, null);
                Duration bucket = Duration.ofMillis(Long.parseLong(range[2]));
                row(md, "Overview " + range[0] + " (totals + " + bucket.toMinutes() + "-minute series + by model)", "rollups",
                        30, 300, () -> Stats.compute(stats, q, spec(from, List.of(), false, null)).bytes().length
                                + Stats.compute(stats, q, spec(from, List.of(), false, null, bucket)).bytes().length
                                + Stats.compute(stats, q, spec(from, List.of(), false, "model")).bytes().length);
            }
            RequestQuery day = RequestQuery.ALL.withRange(dayAgo, null);
            row(md, "stats, 24 h, grouped by model (baseline: raw log, exact)", "raw", 5, 0,
                    () -> Stats.compute(stats, day, spec(dayAgo, List.of(), true, "model")).bytes().length);
            row(md, "stats, 24 h, grouped by model", "rollups", 30, 200,
                    () -> Stats.compute(stats, day, spec(dayAgo, List.of(), false, "model")).bytes().length);
            RequestQuery errors = new RequestQuery(dayAgo, null, null, null, null, "gpt-4o", null, "error", null, null, null,
                    null, null, null, null, null, null);
            row(md, "search: model + errors, last 24 h, 50 rows", "raw", 30, 100,
                    () -> search.search(errors, 50, null, null).rows().size());
            RequestQuery key = new RequestQuery(month, null, "key_7", null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null);
            row(md, "search: one key, 30 days, 50 rows", "raw", 30, 100,
                    () -> search.search(key, 50, null, null).rows().size());
            RequestQuery user = new RequestQuery(month, null, null, null, "user-42", null, null, null, null, null, null,
                    null, null, null, null, null, null);
            row(md, "search: one end user, 30 days, 50 rows", "raw", 30, 100,
                    () -> search.search(user, 50, null, null).rows().size());
            // traces (issue 19's Traces page and sessions; issue 20): trace_summary, one row per trace and owner
            SpanReader traces = new SpanReader(db);
            long dayNs = dayAgo * 1_000_000;
            long monthNs = month * 1_000_000;
            row(md, "traces: newest 50, all time (Traces page)", "summary", 30, 300,
                    () -> traces.search(new SpanReader.TraceQuery(null, null, null, null, null, null, false, null, null), 50)
                            .traces().size());
            row(md, "traces: last 24 h, one team, 50", "summary", 30, 300,
                    () -> traces.search(new SpanReader.TraceQuery(dayNs, null, null, null, null, null, false, "team-3", null), 50)
                            .traces().size());
            row(md, "traces: errors only, 30 days, one team, 50", "summary", 30, 300,
                    () -> traces.search(new SpanReader.TraceQuery(monthNs, null, null, null, null, null, true, "team-5", null), 50)
                            .traces().size());
            row(md, "traces: span name 'attempt*', last 24 h, 50", "summary", 30, 300,
                    () -> traces.search(new SpanReader.TraceQuery(dayNs, null, null, "attempt*", null, null, false, null, null), 50)
                            .traces().size());
            String page2 = traces.search(new SpanReader.TraceQuery(dayNs, null, null, null, null, null, false, null, null), 50)
                    .nextCursor();
            row(md, "traces: last 24 h, second page (keyset)", "summary", 30, 300,
                    () -> traces.search(new SpanReader.TraceQuery(dayNs, null, null, null, null, null, false, null, page2), 50)
                            .traces().size());
            long mid = requests / 2;
            row(md, "session: its traces (session page), one team", "summary", 30, 300,
                    () -> traces.search(new SpanReader.TraceQuery(null, null, null, null, "sess-" + mid / 4, null, false,
                            "team-" + (mid % 8), null), 1000).traces().size());
            row(md, "trace: one trace's spans (waterfall, by trace id)", "spans", 30, 300,
                    () -> traces.trace(md5(Long.toString(mid)), 10_000).size());
            row(md, "traces: last 24 h, 50 (baseline: the previous reader, raw spans grouped by trace)", "raw", 3, 0,
                    () -> rawTraceSearch(db, dayNs));
            md.append('\n');
            md.append(ingest(db, ingest));
        } finally {
            try (Connection admin = DriverManager.getConnection(SERVER + "postgres?user=postgres");
                 Statement s = admin.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            }
        }
        md.append("\nLoad average after: ").append(Servers.loadAverage()).append(". The bench database was dropped.\n");
        Path out = root.resolve("bench/results/analytics" + (quick ? "-quick" : "") + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.out.println("written to " + out);
    }

    private static Stats.Spec spec(long from, List<String> unused, boolean exact, String groupBy) {
        return spec(from, unused, exact, groupBy, null);
    }

    private static Stats.Spec spec(long from, List<String> unused, boolean exact, String groupBy, Duration bucket) {
        return new Stats.Spec(from, null, bucket, groupBy == null ? List.of() : List.of(groupBy), 100_000_000L, 10_000,
                Duration.ofSeconds(120), exact);
    }

    private static void row(StringBuilder md, String name, String source, int runs, int targetMs, Supplier<Integer> q) {
        for (int i = 0; i < 3; i++) {
            q.get();
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            q.get();
            times.add((System.nanoTime() - t0) / 1e6);
        }
        times.sort(null);
        double p50 = times.get(times.size() / 2);
        double p95 = times.get((int) Math.ceil(0.95 * times.size()) - 1);
        String line = String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %s |%n", name, source, runs, p50, p95,
                times.getLast(), targetMs == 0 ? "baseline" : p95 <= targetMs ? "≤ " + targetMs + " ms: **yes**"
                        : "≤ " + targetMs + " ms: **no**");
        md.append(line);
        System.out.print(line);
    }

    /** The trace search of commit 4c66130 (before trace_summary): spans in the range, grouped by trace. */
    private static int rawTraceSearch(Database db, long fromNs) {
        return db.read(c -> {
            int n = 0;
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT trace_id, MIN(start_ns) AS s, MAX(end_ns) AS e,"
                    + " COUNT(*) AS n, SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errs FROM spans WHERE trace_id IN"
                    + " (SELECT DISTINCT trace_id FROM spans WHERE 1=1 AND start_ns >= ?) GROUP BY trace_id HAVING 1=1"
                    + " ORDER BY s DESC, trace_id DESC LIMIT ?")) {
                ps.setLong(1, fromNs);
                ps.setLong(2, 51);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                    }
                }
            }
            return n;
        });
    }

    private static String md5(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seeds the raw tables server side in chunks, then rebuilds the rollups; returns the seconds it took. */
    private static double seed(Database db, long requests, long now) throws Exception {
        long t0 = System.nanoTime();
        long start = now - 30 * DAY;
        LocalDate first = LocalDate.ofInstant(Instant.ofEpochMilli(start), ZoneOffset.UTC);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (LocalDate d = first; !d.isAfter(first.plusDays(31)); d = d.plusDays(1)) {
                for (String t : List.of("request_log", "spans", "bodies", "trace_summary")) {
                    s.execute("SELECT sluice_partition_day('" + t + "', DATE '" + d + "', " + (t.equals("spans") || t.equals("trace_summary")) + ")");
                }
            }
            // a bulk load: without the secondary indexes (built once afterwards, faster than maintained row by row)
            // and without waiting for each chunk's WAL flush
            s.execute("SET synchronous_commit = off");
            s.execute("SET maintenance_work_mem = '512MB'");
            List<String> indexes = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
                    + " JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid IN (CAST('request_log' AS regclass),"
                    + " CAST('spans' AS regclass)) AND NOT x.indisprimary")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    indexes.add(rs.getString(2));
                }
            }
            for (String name : names) {
                s.execute("DROP INDEX " + name); // a partitioned index: its partitions' go with it
            }
            s.execute("SELECT setseed(0.42)");
            long chunk = 500_000;
            for (long lo = 1; lo <= requests; lo += chunk) {
                long hi = Math.min(requests, lo + chunk - 1);
                // g spreads evenly over the 30 days; the attributes follow fixed mixes (6 models, 3 providers,
                // 50 keys, 8 teams, 5,000 users, ~7% errors, a cache mix); latency log-normal-ish
                s.executeUpdate("INSERT INTO request_log (ts, request_id, key_id, team, end_user, operation, model, provider,"
                        + " upstream_model, stream, status, error_type, tokens_in, tokens_out, ttft_ms, latency_ms, attempts,"
                        + " cost_usd, cache_status, trace_id, session_id, uid)"
                        + " SELECT " + start + " + g * " + (30 * DAY / requests) + ", 'req-' || g, 'key_' || (g % 50),"
                        + " 'team-' || (g % 8), 'user-' || (g % 5000), 'chat',"
                        + " (ARRAY['gpt-4o-mini','gpt-4o','claude-3-5-haiku','gemini-flash','auto','resilient'])[1 + g % 6],"
                        + " (ARRAY['openai','anthropic','gemini'])[1 + g % 3], 'up', (g % 2)::int,"
                        + " CASE WHEN g % 29 = 0 THEN 429 WHEN g % 31 = 0 THEN 502 ELSE 200 END,"
                        + " CASE WHEN g % 29 = 0 THEN 'rate_limited' WHEN g % 31 = 0 THEN 'server_error' END,"
                        + " 100 + (g % 900)::int, 10 + (g % 300)::int,"
                        + " CASE WHEN g % 2 = 0 THEN (20 + exp(random() * 6))::bigint END,"
                        + " (30 + exp(random() * 8))::bigint, 1, (g % 1000) / 100000.0,"
                        + " (ARRAY['miss','miss','miss','hit','semantic-hit','bypass'])[1 + g % 6],"
                        + " md5(g::text), 'sess-' || (g / 4), md5('uid' || g)"
                        + " FROM generate_series(CAST(" + lo + " AS BIGINT), " + hi + ") g");
                s.executeUpdate("INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns, status,"
                        + " service, session_id, request_id, end_user, team)"
                        + " SELECT md5(g::text), substr(md5(g || '-' || k), 1, 16),"
                        + " CASE WHEN k > 0 THEN substr(md5(g || '-0'), 1, 16) END,"
                        + " (ARRAY['chat','auth','limits','route','attempt'])[1 + k],"
                        + " (ARRAY['server','internal','internal','internal','client'])[1 + k],"
                        + " (" + start + " + g * " + (30 * DAY / requests) + ") * 1000000 + k * 1000,"
                        + " (" + start + " + g * " + (30 * DAY / requests) + ") * 1000000 + k * 1000 + 500000,"
                        + " CASE WHEN g % 29 = 0 AND k = 0 THEN 'error' ELSE 'ok' END, 'sluice', 'sess-' || (g / 4),"
                        + " 'req-' || g, 'user-' || (g % 5000), 'team-' || (g % 8)"
                        + " FROM generate_series(CAST(" + lo + " AS BIGINT), " + hi + ") g, generate_series(0, 4) k");
                // the trace summaries the span writer keeps (trace_summary, V60): per trace, one row for every span
                // and one for its team's, as SpanSink makes them for these spans
                s.executeUpdate("INSERT INTO trace_summary (trace_id, owner, day, start_ns, end_ns, spans, errors, root_name,"
                        + " root_service, root_start_ns, session_id, model, names, services)"
                        + " SELECT md5(g::text), o.owner, st - st % 86400000000000, st, st + 4000 + 500000, 5,"
                        + " CASE WHEN g % 29 = 0 THEN 1 ELSE 0 END, 'chat', 'sluice', st, 'sess-' || (g / 4), NULL,"
                        + " chr(31) || 'chat' || chr(31) || 'auth' || chr(31) || 'limits' || chr(31) || 'route' || chr(31)"
                        + " || 'attempt' || chr(31), chr(31) || 'sluice' || chr(31)"
                        + " FROM (SELECT g, (" + start + " + g * " + (30 * DAY / requests) + ") * 1000000 AS st"
                        + " FROM generate_series(CAST(" + lo + " AS BIGINT), " + hi + ") g) x,"
                        + " LATERAL (VALUES ('*'), ('=team-' || (g % 8))) o(owner)");
                System.out.printf(Locale.ROOT, "seeded %,d of %,d requests (%,d spans) in %.0f s; load %s%n", hi, requests,
                        hi * SPANS_PER_REQUEST, (System.nanoTime() - t0) / 1e9, Servers.loadAverage());
            }
            long indexStart = System.nanoTime();
            for (String def : indexes) {
                // the definition of a partitioned table's index reads "ON ONLY parent": that would create the
                // parent's index alone (invalid) and no partition's
                s.execute(def.replace(" ON ONLY ", " ON "));
            }
            System.out.printf(Locale.ROOT, "indexes built in %.0f s%n", (System.nanoTime() - indexStart) / 1e9);
            long rollupStart = System.nanoTime();
            c.setAutoCommit(false);
            long fromDay = first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            Rollups.rebuild(c, fromDay, fromDay + 32 * DAY);
            c.commit();
            c.setAutoCommit(true);
            System.out.printf(Locale.ROOT, "rollups rebuilt in %.0f s%n", (System.nanoTime() - rollupStart) / 1e9);
            s.execute("ANALYZE");
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Writers at full speed, then everything counted back. */
    private static String ingest(Database db, int n) throws Exception {
        Path spill = Files.createTempDirectory("sluice-analytics-bench-spill");
        long base = System.currentTimeMillis();
        String run = Long.toHexString(base);
        long t0;
        long offered = 0;
        long refused = 0;
        try (BatchWriter<RequestRecord> log = new BatchWriter<>("request-log", db, new RequestLogSink(), RequestRecord.class,
                200_000, spill);
             BatchWriter<SpanRecord> spans = new BatchWriter<>("spans", db, new SpanSink(), SpanRecord.class, 1_000_000,
                     spill)) {
            t0 = System.nanoTime();
            String[] names = {"chat", "auth", "limits", "route", "attempt"};
            String[] kinds = {"server", "internal", "internal", "internal", "client"};
            for (int i = 0; i < n; i++) {
                long ts = base + i / 10;
                String trace = String.format("%s%016x", run.length() >= 16 ? run.substring(0, 16) : "0".repeat(16 - run.length()) + run, i);
                String req = "ing-" + run + "-" + i;
                if (!log.offer(new RequestRecord(ts, req, "key_" + (i % 50), "team-" + (i % 8), "user-" + (i % 5000), "chat",
                        "gpt-4o-mini", "openai", "up", false, 200, null, 100, 20, 40, 120, 1, null, null, null, 0.0001, "miss",
                        null, null, null, trace, null, null, null))) {
                    refused++;
                }
                for (int k = 0; k < SPANS_PER_REQUEST; k++) {
                    if (!spans.offer(new SpanRecord(trace, String.format("%015x%d", i, k), k == 0 ? null : String.format("%015x0", i),
                            names[k], kinds[k], ts * 1_000_000 + k, ts * 1_000_000 + k + 1000, "ok", null, "sluice", null, req,
                            null, null, null, "team-" + (i % 8)))) {
                        refused++;
                    }
                }
                offered++;
            }
            if (!log.flush(600_000) || !spans.flush(600_000)) {
                throw new IllegalStateException("the writers did not flush within 10 minutes");
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Ingest with tracing on, into the seeded store: %,d requests and %,d spans"
                + " offered to the store writers (request log with rollups, spans) as fast as they take them; all written"
                + " in %.1f s: **%,.0f requests/s** (%,.0f spans/s); target ≥ 5,000 requests/s: %s. Records refused by a"
                + " full queue: %d.%n%n", n, n * (long) SPANS_PER_REQUEST, seconds, n / seconds,
                n * (double) SPANS_PER_REQUEST / seconds, n / seconds >= 5_000 ? "**yes**" : "**no**", refused));
        md.append("| counted in the store | expected | stored | lost |\n|---|---:|---:|---:|\n");
        Map<String, long[]> counts = new TreeMap<>();
        db.withConnection(c -> {
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT request_id) FROM request_log WHERE request_id LIKE"
                        + " 'ing-" + run + "-%'")) {
                    rs.next();
                    counts.put("request_log (distinct request ids)", new long[] {n, rs.getLong(1)});
                }
                try (ResultSet rs = s.executeQuery("SELECT kind, COUNT(DISTINCT (trace_id, span_id)) FROM spans WHERE"
                        + " request_id LIKE 'ing-" + run + "-%' GROUP BY kind")) {
                    while (rs.next()) {
                        long expected = switch (rs.getString(1)) {
                            case "internal" -> 3L * n;
                            default -> n;
                        };
                        counts.put("spans, kind " + rs.getString(1) + " (distinct trace+span ids)",
                                new long[] {expected, rs.getLong(2)});
                    }
                }
                // the trace summaries count every span written, once
                try (ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(spans), 0), COUNT(*) FROM trace_summary WHERE owner = '*'"
                        + " AND trace_id IN (SELECT DISTINCT trace_id FROM spans WHERE request_id LIKE 'ing-" + run + "-%')")) {
                    rs.next();
                    counts.put("trace_summary: spans summed over the ingested traces", new long[] {(long) SPANS_PER_REQUEST * n,
                            rs.getLong(1)});
                    counts.put("trace_summary: rows of the ingested traces (owner '*')", new long[] {n, rs.getLong(2)});
                }
                // the rollups hold exactly the raw rows (seeded ones and those just written)
                long raw;
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM request_log")) {
                    rs.next();
                    raw = rs.getLong(1);
                }
                for (String level : Rollups.LEVELS.stream().map(Rollups.Level::table).toList()) {
                    try (ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(requests), 0) FROM " + level)) {
                        rs.next();
                        counts.put("requests in " + level + " vs rows in request_log", new long[] {raw, rs.getLong(1)});
                    }
                }
            }
            return null;
        });
        for (String kind : List.of("server", "internal", "client")) {
            counts.putIfAbsent("spans, kind " + kind + " (distinct trace+span ids)",
                    new long[] {kind.equals("internal") ? 3L * n : n, 0});
        }
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | **%,d** |%n", e.getKey(), e.getValue()[0],
                    e.getValue()[1], e.getValue()[0] - e.getValue()[1]));
        }
        return md.toString();
    }
}
