import dev.sluice.store.Database;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.SpanSink;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The span writer's store half alone, CPU time per request (six gateway span rows and their trace summaries), into a
 * SQLite store that already holds PREFILL requests, batches of BATCH rows in one transaction as BatchWriter sends them.
 * Random trace ids, as the gateway makes them. Settings tried on the writer's connection: -Dpragmas="cache_size=-32000;..."
 * run: java -cp target/sluice.jar [-Dprefill=100000 -Dn=30000 -Dbatch=512 -Dpragmas=...] bench/scripts/SpanWriterProbe.java DIR
 * -Dfold=true: the four stage spans in the root's row (V62); with -DfoldAttempt=true the attempt too (session 9: one row a
 * request). (Until session 9, -Dfold also added the attempt's row twice, the second skipped by ON CONFLICT.)
 */
public class SpanWriterProbe {
    static final String ROOT_ATTRS = "{\"sluice.key.id\":\"key_eaim3kf4sg\",\"gen_ai.operation.name\":\"chat\",\"gen_ai.request.model\":\"gpt-4o-mini\",\"sluice.stream\":false,\"gen_ai.request.temperature\":0.0,\"gen_ai.output.type\":\"text\",\"sluice.request_id\":\"req_e6a3827938f44814ffffffff87879616\",\"http.response.status_code\":200,\"gen_ai.provider.name\":\"sim\",\"gen_ai.response.model\":\"gpt-4o-mini\",\"gen_ai.response.id\":\"chatcmpl-lIyR1WfGh8YEDti23Kg2xNsf\",\"gen_ai.response.finish_reasons\":[\"stop\"],\"gen_ai.usage.input_tokens\":21,\"gen_ai.usage.output_tokens\":46,\"sluice.cost_usd\":3.0749999999999995E-5,\"sluice.attempts\":1,\"sluice.ttft_ms\":1}";
    static final String CLIENT_ATTRS = "{\"gen_ai.operation.name\":\"chat\",\"gen_ai.provider.name\":\"sim\",\"gen_ai.request.model\":\"gpt-4o-mini\",\"gen_ai.response.id\":\"chatcmpl-lIyR1WfGh8YEDti23Kg2xNsf\",\"gen_ai.response.model\":\"gpt-4o-mini\",\"gen_ai.response.finish_reasons\":[\"stop\"],\"gen_ai.usage.input_tokens\":21,\"gen_ai.usage.output_tokens\":46}";
    static long clock = System.currentTimeMillis() * 1_000_000L;
    /** SpanRecord's canonical constructor when it has the stages component (V62 builds), else null. */
    static final java.lang.reflect.Constructor<?> STAGES = SpanRecord.class.getRecordComponents().length == 17
            ? SpanRecord.class.getDeclaredConstructors()[0].getParameterCount() == 17 ? SpanRecord.class.getDeclaredConstructors()[0]
            : SpanRecord.class.getDeclaredConstructors()[1] : null;

    static SpanRecord stagesRow(String t, String root, long s, String rid, String attrs, String stages) {
        try {
            return (SpanRecord) STAGES.newInstance(t, root, null, "chat gpt-4o-mini", "server", s, s + 1320000, "unset", null, "sluice", null, rid, null, attrs, null, null, stages);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(int chars) {
        StringBuilder b = new StringBuilder(chars);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < chars; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    /** One chat request's six rows, in the order they end (innermost first, the root last). */
    static void request(List<SpanRecord> out) {
        // -Dordered=true: trace ids led by the time (48 bits of epoch ms), the rest random, as a time-ordered id generator makes them
        String t = Boolean.getBoolean("ordered") ? String.format("%012x", clock / 1_000_000L) + hex(20) : hex(32);
        String root = hex(16), auth = hex(16), limits = hex(16), prompts = hex(16), route = hex(16), attempt = hex(16);
        long s = clock += 400_000;
        String rid = "req_" + hex(32);
        out.add(new SpanRecord(t, attempt, route, "chat gpt-4o-mini", "client", s + 5000, s + 1300000, "unset", null, "sluice", null, null, null, CLIENT_ATTRS, null, null));
        if (Boolean.getBoolean("fold")) { // the four stage spans in the root's row: its stages column (V62), or events before it
            String stages = "[[\"" + route + "\",\"" + limits + "\",\"sluice.Router\",4000,1310000,0],[\"" + limits + "\",\"" + prompts
                    + "\",\"sluice.LimitStage\",3000,1311000,0],[\"" + prompts + "\",\"" + auth + "\",\"sluice.PromptStage\",2000,1312000,0],[\""
                    + auth + "\",\"" + root + "\",\"sluice.AuthStage\",1000,1313000,0]]";
            String attrs = ROOT_ATTRS.replace("req_e6a3827938f44814ffffffff87879616", rid);
            if (Boolean.getBoolean("foldAttempt")) { // session 9: the attempt in the root's row too, its attributes as indexes into the root's
                out.removeLast();
                stages = stages.substring(0, stages.length() - 1) + ",[\"" + attempt + "\",\"" + route
                        + "\",\"chat gpt-4o-mini\",5000,1300000,0,\"client\",[1,8,2,10,9,11,12,13]]]";
            }
            out.add(STAGES == null ? new SpanRecord(t, root, null, "chat gpt-4o-mini", "server", s, s + 1320000, "unset", null, "sluice", null, rid, null, attrs, stages, null)
                    : stagesRow(t, root, s, rid, attrs, stages));
            return;
        }
        out.add(new SpanRecord(t, route, limits, "sluice.Router", "internal", s + 4000, s + 1310000, "unset", null, "sluice", null, null, null, null, null, null));
        out.add(new SpanRecord(t, limits, prompts, "sluice.LimitStage", "internal", s + 3000, s + 1311000, "unset", null, "sluice", null, null, null, null, null, null));
        out.add(new SpanRecord(t, prompts, auth, "sluice.PromptStage", "internal", s + 2000, s + 1312000, "unset", null, "sluice", null, null, null, null, null, null));
        out.add(new SpanRecord(t, auth, root, "sluice.AuthStage", "internal", s + 1000, s + 1313000, "unset", null, "sluice", null, null, null, null, null, null));
        out.add(new SpanRecord(t, root, null, "chat gpt-4o-mini", "server", s, s + 1320000, "unset", null, "sluice", null, rid, null, ROOT_ATTRS.replace("req_e6a3827938f44814ffffffff87879616", rid), null, null));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        int prefill = Integer.getInteger("prefill", 100_000), n = Integer.getInteger("n", 30_000), batch = Integer.getInteger("batch", 512);
        String pragmas = System.getProperty("pragmas", "");
        Path file = dir.resolve("probe.db");
        boolean fresh = !Files.exists(file);
        try (Database db = Database.openSqlite(file); Connection c = db.connect()) {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                for (String p : pragmas.split(";")) {
                    if (!p.isBlank()) {
                        st.execute(p.trim().toUpperCase().startsWith("CREATE") || p.trim().toUpperCase().startsWith("DROP") ? p : "PRAGMA " + p);
                    }
                }
            }
            // -Dsql="stmt|stmt": schema variants tried on a fresh store (e.g. a table rebuilt, an index dropped)
            if (fresh) {
                try (Statement st = c.createStatement()) {
                    for (String q : System.getProperty("sql", "").split("\\|")) {
                        if (!q.isBlank()) {
                            st.execute(q);
                        }
                    }
                }
            }
            SpanSink sink = new SpanSink();
            if (fresh) {
                run(c, sink, prefill, batch);
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            }
            var mx = ManagementFactory.getThreadMXBean();
            for (int round = 0; round < Integer.getInteger("rounds", 3); round++) {
                long[] io0 = io();
                long cpu0 = mx.getCurrentThreadCpuTime(), user0 = mx.getCurrentThreadUserTime(), w0 = System.nanoTime();
                long gen = run(c, sink, n, batch);
                long cpu = mx.getCurrentThreadCpuTime() - cpu0 - gen, user = mx.getCurrentThreadUserTime() - user0, wall = System.nanoTime() - w0;
                long[] io1 = io();
                System.out.printf("round %d: %d requests, batch %d, pragmas [%s]: %.1f us CPU/request (user+sys; sys %.1f), wall %.1f us/request, %.0f requests/s;"
                        + " per request: read %.0f B in %.2f calls, written %.0f B in %.2f calls%n",
                        round, n, batch, pragmas, cpu / 1e3 / n, (cpu + gen - user) / 1e3 / n, wall / 1e3 / n, n / (wall / 1e9),
                        (io1[0] - io0[0]) / (double) n, (io1[2] - io0[2]) / (double) n, (io1[1] - io0[1]) / (double) n, (io1[3] - io0[3]) / (double) n);
            }
        }
    }

    /** rchar, wchar, syscr, syscw of this process. */
    static long[] io() throws Exception {
        long[] v = new long[4];
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            String[] kv = line.split(":\\s*");
            switch (kv[0]) {
                case "rchar" -> v[0] = Long.parseLong(kv[1]);
                case "wchar" -> v[1] = Long.parseLong(kv[1]);
                case "syscr" -> v[2] = Long.parseLong(kv[1]);
                case "syscw" -> v[3] = Long.parseLong(kv[1]);
                default -> { }
            }
        }
        return v;
    }

    /** Inserts n requests' rows; returns the CPU ns spent making the records (not counted). */
    static long run(Connection c, SpanSink sink, int n, int batch) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        long gen = 0;
        List<SpanRecord> rows = new ArrayList<>(batch + 6);
        for (int r = 0; r < n; r++) {
            long g0 = mx.getCurrentThreadCpuTime();
            request(rows);
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
