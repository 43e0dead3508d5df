import dev.sluice.store.Database;
import dev.sluice.store.RequestLogSink;
import dev.sluice.store.RequestRecord;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.SpanSink;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The two writers' store halves together, CPU time and bytes written per request (session 10): a chat request's
 * request-log row (RequestLogProbe's) and its one span row with the stages and the attempt folded in
 * (SpanWriterProbe -Dordered -Dfold -DfoldAttempt), BATCH requests a flush (the default 50 ms flush interval makes
 * 30-40 at a paced 600-800 req/s, 150-300 at saturation), into SQLite stores that already hold PREFILL requests.
 * Modes, alternated round by round in one JVM, each on its own store file:
 *   two    - a transaction for the log rows, then one for the span rows (two writers, before session 10);
 *   one    - both in one transaction (one writer, session 10's BatchWriter.Group);
 *   nospan - the log rows only, one transaction: the floor of "the root span in the request-log row" (no span row,
 *            no trace summary; the wider log row not counted).
 *   rootcols - session 12: each log row carries its request's root span (with its folded stages and attempt) as
 *            columns (migration V67), the trace summary written by the log sink; no span row. Needs a V67 build.
 *   rootcolsbare - as rootcols, the root's attributes left out: the most slimming them could save.
 *   any other name - as one, with -Dpragma.NAME="..." run on its connection first (e.g. -Dpragma.big=cache_size=-16384);
 *            rootcolsNAME - as rootcols, with the same -Dpragma.rootcolsNAME, and -Dsql.rootcolsNAME="stmt;stmt" run once on
 *            its new store before the prefill (a schema variant, e.g. an index dropped)
 * run: java -cp target/sluice.jar -Dordered=true -Dfold=true -DfoldAttempt=true [-Dprefill=50000 -Dn=10000 -Dbatch=40
 *      -Drounds=4 -Dmodes=two,one,nospan] bench/scripts/StoreWriterProbe.java DIR
 * (the source launcher finds RequestLogProbe and SpanWriterProbe next to this file)
 */
public class StoreWriterProbe {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        int prefill = Integer.getInteger("prefill", 50_000), n = Integer.getInteger("n", 10_000), batch = Integer.getInteger("batch", 40);
        String[] modes = System.getProperty("modes", "two,one,nospan").split(",");
        var mx = ManagementFactory.getThreadMXBean();
        List<Database> dbs = new ArrayList<>();
        List<Connection> cs = new ArrayList<>();
        List<RequestLogSink> logs = new ArrayList<>();
        List<SpanSink> spans = new ArrayList<>();
        for (String mode : modes) {
            Path file = dir.resolve(mode + ".db");
            boolean fresh = !Files.exists(file);
            Database db = Database.openSqlite(file);
            Connection c = db.connect();
            c.setAutoCommit(true);
            String pragma = System.getProperty("pragma." + mode);
            if (pragma != null) {
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA " + pragma);
                }
            }
            dbs.add(db);
            cs.add(c);
            logs.add(new RequestLogSink());
            spans.add(new SpanSink());
            String sql = System.getProperty("sql." + mode);
            if (fresh && sql != null) { // a schema variant, applied to the new store before it is filled
                try (Statement st = c.createStatement()) {
                    for (String q : sql.split(";")) {
                        if (!q.isBlank()) {
                            st.execute(q);
                        }
                    }
                }
            }
            if (fresh) {
                run(c, logs.getLast(), spans.getLast(), mode, prefill, 512);
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            }
        }
        for (int round = 0; round < Integer.getInteger("rounds", 4); round++) {
            for (int m = 0; m < modes.length; m++) {
                int k = (m + round) % modes.length; // the order rotates each round
                long[] io0 = SpanWriterProbe.io();
                long cpu0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                long gen = run(cs.get(k), logs.get(k), spans.get(k), modes[k], n, batch);
                long cpu = mx.getCurrentThreadCpuTime() - cpu0 - gen, wall = System.nanoTime() - w0;
                long[] io1 = SpanWriterProbe.io();
                System.out.printf("round %d %-6s batch %d: %.1f us CPU/request, wall %.1f us/request, written %.0f B/request in %.2f calls%n",
                        round, modes[k], batch, cpu / 1e3 / n, wall / 1e3 / n, (io1[1] - io0[1]) / (double) n,
                        (io1[3] - io0[3]) / (double) n);
            }
        }
        for (int i = 0; i < cs.size(); i++) {
            cs.get(i).close();
            dbs.get(i).close();
        }
    }

    /** Writes n requests' rows in flushes of {@code batch} requests; returns the CPU ns spent making the records. */
    static long run(Connection c, RequestLogSink log, SpanSink spans, String mode, int n, int batch) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        long gen = 0;
        List<RequestRecord> logRows = new ArrayList<>(batch);
        List<SpanRecord> spanRows = new ArrayList<>(batch);
        for (int r = 0; r < n; r++) {
            long g0 = mx.getCurrentThreadCpuTime();
            logRows.add(RequestLogProbe.record());
            if (mode.startsWith("rootcols")) {
                SpanWriterProbe.request(spanRows);
                SpanRecord s = spanRows.removeLast();
                if (mode.equals("rootcolsbare")) { // what slimming the carried root could reach: no attributes at all
                    s = new SpanRecord(s.traceId(), s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.startNanos(),
                            s.endNanos(), s.status(), s.statusMessage(), s.service(), s.sessionId(), s.requestId(),
                            s.endUser(), null, s.events(), s.team(), s.stages());
                }
                logRows.add(carry(logRows.removeLast(), s));
            } else if (!mode.equals("nospan")) {
                SpanWriterProbe.request(spanRows);
            }
            gen += mx.getCurrentThreadCpuTime() - g0;
            if (logRows.size() >= batch || r == n - 1) {
                begin(c);
                log.insert(c, logRows);
                if (mode.equals("two")) {
                    commit(c);
                    begin(c);
                }
                if (!spanRows.isEmpty()) {
                    spans.insert(c, spanRows);
                }
                commit(c);
                logRows.clear();
                spanRows.clear();
            }
        }
        return gen;
    }

    /**
     * The log row carrying the root span: the row's trace id becomes the span's (both led by the time with -Dordered),
     * the span's request id the row's (led by the time, as the gateway's are: SpanWriterProbe's is random, which would
     * cost the log's request-id index a random page a row).
     */
    static RequestRecord carry(RequestRecord l, SpanRecord s) {
        SpanRecord root = new SpanRecord(s.traceId(), s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.startNanos(),
                s.endNanos(), s.status(), s.statusMessage(), s.service(), s.sessionId(), l.requestId(), s.endUser(),
                s.attributes(), s.events(), s.team(), s.stages());
        return new RequestRecord(l.ts(), l.requestId(), l.keyId(), l.team(), l.endUser(), l.operation(), l.model(),
                l.provider(), l.upstreamModel(), l.stream(), l.status(), l.errorType(), l.tokensIn(), l.tokensOut(), l.ttftMs(),
                l.latencyMs(), l.attempts(), l.fallbackModel(), l.routeReason(), l.attemptLog(), l.costUsd(), l.cacheStatus(),
                l.cacheSimilarity(), l.savedTokensIn(), l.savedTokensOut(), root.traceId(), l.sessionId(), l.tags(),
                l.guardrails(), l.prompt(), l.promptVersion(), l.experiment(), l.variant(), l.experimentWindow(), l.uid(), root);
    }

    static void begin(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
    }

    static void commit(Connection c) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("COMMIT");
        }
    }
}
