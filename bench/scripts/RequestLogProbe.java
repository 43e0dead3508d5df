import dev.sluice.store.Database;
import dev.sluice.store.RequestLogSink;
import dev.sluice.store.RequestRecord;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request-log writer's store half alone (RequestLogSink: the row, the uid check, the 16 rollup levels), CPU time
 * per request, into a SQLite store that already holds PREFILL requests, in transactions of BATCH records as
 * BatchWriter commits them (the default 40: 800 requests/s with the 50 ms flush interval). The records are the
 * bench's chat request (one key, one model, status 200, no team). Run with each jar's own sink:
 * java -cp target/sluice.jar [-Dprefill=100000 -Dn=30000 -Dbatch=40 -Drounds=3] bench/scripts/RequestLogProbe.java DIR
 */
public class RequestLogProbe {
    static long clock = System.currentTimeMillis() - 3_600_000L;

    static String hex(int chars) {
        StringBuilder b = new StringBuilder(chars);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < chars; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    static RequestRecord record() {
        long ts = clock += 1;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String trace = String.format("%012x", ts) + hex(20);
        return new RequestRecord(ts, "req_" + String.format("%012x", ts) + hex(12), "key_eaim3kf4sg", null, null, "chat",
                "gpt-4o-mini", "sim", "gpt-4o-mini", false, 200, null, 21, 46, r.nextInt(1, 4), r.nextInt(1, 6), 1, null,
                "primary", "[{\"provider\":\"sim\",\"model\":\"gpt-4o-mini\",\"status\":200,\"ms\":1}]", 3.075e-5, "bypass",
                null, null, null, trace, null, null, null, null, null, null, null, null, String.format("%012x", ts) + hex(20));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        int prefill = Integer.getInteger("prefill", 100_000), n = Integer.getInteger("n", 30_000), batch = Integer.getInteger("batch", 40);
        Path file = dir.resolve("probe.db");
        boolean fresh = !Files.exists(file);
        try (Database db = Database.openSqlite(file); Connection c = db.connect()) {
            c.setAutoCommit(true);
            RequestLogSink sink = new RequestLogSink();
            if (fresh) {
                run(c, sink, prefill, 512);
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            }
            var mx = ManagementFactory.getThreadMXBean();
            for (int round = 0; round < Integer.getInteger("rounds", 3); round++) {
                long cpu0 = mx.getCurrentThreadCpuTime(), user0 = mx.getCurrentThreadUserTime(), w0 = System.nanoTime();
                long gen = run(c, sink, n, batch);
                long cpu = mx.getCurrentThreadCpuTime() - cpu0 - gen, user = mx.getCurrentThreadUserTime() - user0, wall = System.nanoTime() - w0;
                System.out.printf("round %d: %d requests, batch %d: %.1f us CPU/request (sys %.1f), wall %.1f us/request%n",
                        round, n, batch, cpu / 1e3 / n, (cpu + gen - user) / 1e3 / n, wall / 1e3 / n);
            }
        }
    }

    /** Inserts n requests' rows; returns the CPU ns spent making the records (not counted). */
    static long run(Connection c, RequestLogSink sink, int n, int batch) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        long gen = 0;
        List<RequestRecord> rows = new ArrayList<>(batch);
        for (int r = 0; r < n; r++) {
            long g0 = mx.getCurrentThreadCpuTime();
            rows.add(record());
            gen += mx.getCurrentThreadCpuTime() - g0;
            if (rows.size() >= batch || r == n - 1) {
                try (Statement st = c.createStatement()) {
                    st.execute("BEGIN IMMEDIATE");
                }
                sink.insert(c, rows);
                try (Statement st = c.createStatement()) {
                    st.execute("COMMIT");
                }
                rows.clear();
            }
        }
        return gen;
    }
}
