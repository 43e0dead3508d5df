package dev.sluice.bench;

import dev.sluice.store.BatchWriter;
import dev.sluice.store.BodyRecord;
import dev.sluice.store.BodySink;
import dev.sluice.store.Database;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.SpanSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What observability costs, in one run (issue 6's benchmark):
 * <ol>
 *   <li>gateway overhead with tracing and full body capture (redacted) on vs everything off, against
 *       the simulator directly, rounds alternating so drift hits all three alike;</li>
 *   <li>a sustained open-loop load (2,000 requests/s for 60 s; 10 s with --quick) through the gateway
 *       with tracing and capture on, then a SIGTERM, then a count of what reached the store: request
 *       log rows, root spans and bodies must each equal the responses received;</li>
 *   <li>the store writers' own throughput (spans and bodies through {@link BatchWriter}), SQLite and,
 *       when it is reachable, PostgreSQL.</li>
 * </ol>
 * Run: {@code bench/run tracing [--quick]}. Results: {@code bench/results/tracing.md}.
 */
public final class TracingBench {
    private static final byte[] CHAT = ("{\"model\":\"gpt-4o-mini\",\"user\":\"bench-user\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Summarise the benefits of an LLM gateway in two sentences. Reply to ann@example.com.\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    private static final String[] SIM = {"x-sim-tokens", "16"};
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sluice-tracing-bench");
        Processes procs = new Processes(root.resolve("target/sluice.jar"), work);
        List<String> jvm = List.of("-XX:+UseSerialGC", "-Xmx1g");
        StringBuilder md = new StringBuilder();
        md.append("Observability cost").append(quick ? " (quick run)" : "").append(" — ").append(Instant.now())
                .append(", commit ").append(Report.commit(root)).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores\n\n");
        try {
            int simPort = Processes.freePort();
            procs.java("simulator", jvm, "sim", "--port", Integer.toString(simPort));
            Processes.awaitUp("http://127.0.0.1:" + simPort + "/v1/models");
            Gw off = Gw.start(procs, work, "off", simPort, "tracing: {enabled: false, capture: none}", jvm);
            Gw on = Gw.start(procs, work, "on", simPort, "tracing: {enabled: true, capture: full, redact: true}", jvm);

            overhead(md, simPort, off, on, quick);
            off.process().destroy();
            on.process().destroy();
            // a fresh gateway, so every row in its store comes from the sustained load
            Gw load = Gw.start(procs, work, "load", simPort, "tracing: {enabled: true, capture: full, redact: true}", jvm);
            sustained(md, load, quick ? 10 : 60, 2_000);
            storeThroughput(md, work, quick ? 20_000 : 200_000);
        } finally {
            procs.stopAll();
        }
        Path out = root.resolve("bench/results/tracing.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.out.println("written to " + out);
    }

    /** A gateway process with one virtual key. */
    record Gw(String name, int port, String key, Process process, Path db) {
        static Gw start(Processes procs, Path work, String name, int simPort, String tracing, List<String> jvm)
                throws Exception {
            int port = Processes.freePort();
            String admin = "bench-admin-key-0123456789abcdef";
            Path db = work.resolve(name + ".db");
            Path config = work.resolve(name + ".yaml");
            Files.writeString(config, """
                    server: {host: 127.0.0.1, port: %d}
                    auth: {enabled: true, admin_key: %s}
                    store: {path: %s, spill_dir: %s}
                    %s
                    providers:
                      sim: {type: openai, base_url: "http://127.0.0.1:%d/v1", forward_headers: ["x-sim-*"]}
                    models:
                      gpt-4o-mini: {provider: sim}
                    """.formatted(port, admin, db, work.resolve(name + "-spill"), tracing, simPort));
            Process p = procs.java("gateway-" + name, jvm, "serve", "--config", config.toString());
            Processes.awaitUp("http://127.0.0.1:" + port + "/health/ready");
            String key = GatewayBench.createKey(port, admin, "{\"name\":\"bench\"}");
            return new Gw(name, port, key, p, db);
        }

        String[] headers() {
            return new String[] {"Authorization", "Bearer " + key, SIM[0], SIM[1]};
        }
    }

    static void overhead(StringBuilder md, int simPort, Gw off, Gw on, boolean quick) throws Exception {
        long millis = quick ? 1_500 : 5_000;
        int rounds = quick ? 2 : 4;
        md.append("## Gateway overhead, tracing + full body capture on vs off\n\n");
        md.append("| concurrency | target | requests | errors | p50 µs | p99 µs | added p50 µs | added p99 µs |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|\n");
        String[] direct = SIM;
        for (int concurrency : new int[] {1, 16}) {
            closedLoop(simPort, direct, concurrency, millis); // warm-up
            closedLoop(off.port(), off.headers(), concurrency, millis);
            closedLoop(on.port(), on.headers(), concurrency, millis);
            Stats d = new Stats();
            Stats f = new Stats();
            Stats n = new Stats();
            for (int r = 0; r < rounds; r++) {
                d.addAll(closedLoop(simPort, direct, concurrency, millis));
                f.addAll(closedLoop(off.port(), off.headers(), concurrency, millis));
                n.addAll(closedLoop(on.port(), on.headers(), concurrency, millis));
            }
            double d50 = d.percentileMicros(50);
            double d99 = d.percentileMicros(99);
            row(md, concurrency, "direct", d, d50, d99);
            row(md, concurrency, "sluice, tracing off", f, d50, d99);
            row(md, concurrency, "sluice, tracing + capture on", n, d50, d99);
            double addedOff = f.percentileMicros(50) - d50;
            double addedOn = n.percentileMicros(50) - d50;
            md.append(String.format(Locale.ROOT, "| %d | **tracing adds to the gateway's own p50 overhead** | | | | | **%+.0f%%** (target ≤ 20%%) | |%n",
                    concurrency, 100 * (addedOn - addedOff) / addedOff));
            System.err.printf("concurrency %d: added p50 off %.0f us, on %.0f us%n", concurrency, addedOff, addedOn);
        }
        md.append('\n');
    }

    /** One table row; the added latency is over direct's p50/p99 of the same run. */
    static void row(StringBuilder md, int concurrency, String target, Stats s, double d50, double d99) {
        boolean base = target.equals("direct");
        md.append(String.format(Locale.ROOT, "| %d | %s | %d | %d | %.0f | %.0f | %s | %s |%n", concurrency, target,
                s.count(), s.errors(), s.percentileMicros(50), s.percentileMicros(99),
                base ? "" : String.format(Locale.ROOT, "%.0f", s.percentileMicros(50) - d50),
                base ? "" : String.format(Locale.ROOT, "%.0f", s.percentileMicros(99) - d99)));
    }

    static Stats closedLoop(int port, String[] headers, int concurrency, long millis) throws InterruptedException {
        return closedLoop(port, CHAT, headers, concurrency, millis);
    }

    /** Each of {@code concurrency} clients sends {@code body} on its own keep-alive connection, back to back. */
    static Stats closedLoop(int port, byte[] body, String[] headers, int concurrency, long millis)
            throws InterruptedException {
        GatewayBench.Target target = new GatewayBench.Target("gateway", "127.0.0.1", port, headers);
        GatewayBench.Scenario scenario = new GatewayBench.Scenario("closed loop",
                new String(body, StandardCharsets.UTF_8), new String[0], concurrency, false);
        return GatewayBench.measure(target, scenario, millis).latency;
    }

    /**
     * Open loop: {@code connections} senders, each on a fixed schedule, together {@code rate} requests
     * per second; a sender that falls behind sends at once (and the achieved rate shows it). Then the
     * gateway gets a SIGTERM and the store is counted.
     */
    static void sustained(StringBuilder md, Gw gw, int seconds, int rate) throws Exception {
        int connections = 64;
        long intervalNanos = 1_000_000_000L * connections / rate;
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Stats latency = new Stats();
        long start = System.nanoTime() + 50_000_000L;
        long end = start + seconds * 1_000_000_000L;
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            long offset = intervalNanos * c / connections;
            senders.add(Thread.ofPlatform().start(() -> {
                Stats mine = new Stats();
                RawHttpClient client = new RawHttpClient("127.0.0.1", gw.port());
                try {
                    for (long next = start + offset; next < end; next += intervalNanos) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        try {
                            RawHttpClient.Result r = client.post("/v1/chat/completions", CHAT, gw.headers());
                            (r.status() == 200 ? ok : failed).incrementAndGet();
                            mine.add(r.doneNanos() - r.sentNanos());
                        } catch (IOException e) {
                            failed.incrementAndGet();
                            client.close();
                            client = new RawHttpClient("127.0.0.1", gw.port());
                        }
                    }
                } finally {
                    client.close();
                }
                latency.addAll(mine);
            }));
        }
        for (Thread s : senders) {
            s.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long answered = latency.count();
        gw.process().destroy(); // SIGTERM: the gateway drains and flushes its writers
        gw.process().waitFor();
        long logRows;
        long rootSpans;
        long bodies;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + gw.db());
             Statement s = c.createStatement()) {
            logRows = count(s, "SELECT COUNT(*) FROM request_log");
            rootSpans = count(s, "SELECT COUNT(*) FROM spans WHERE kind = 'server'");
            bodies = count(s, "SELECT COUNT(*) FROM bodies");
        }
        md.append("## Sustained load with tracing and capture on, then SIGTERM\n\n");
        md.append(String.format(Locale.ROOT, "Target %,d req/s for %d s over %d connections: achieved %,.0f req/s; "
                        + "%,d answered (%,d ok, %,d failed); latency p50 %.0f µs, p99 %.0f µs.%n%n",
                rate, seconds, connections, answered / elapsed, answered, ok.get(), failed.get(),
                latency.percentileMicros(50), latency.percentileMicros(99)));
        md.append("| table | rows stored | responses received | lost |\n|---|---:|---:|---:|\n");
        md.append(lossRow("request_log", logRows, answered));
        md.append(lossRow("spans (request roots)", rootSpans, answered));
        md.append(lossRow("bodies", bodies, answered));
        md.append('\n');
    }

    private static String lossRow(String table, long rows, long expected) {
        return String.format(Locale.ROOT, "| %s | %,d | %,d | **%,d** |%n", table, rows, expected, expected - rows);
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void storeThroughput(StringBuilder md, Path work, int records) throws Exception {
        md.append("## Store writers (BatchWriter, batched transactions)\n\n");
        md.append("| store | kind | records | seconds | records/s |\n|---|---|---:|---:|---:|\n");
        try (Database sqlite = Database.openSqlite(work.resolve("writers.db"))) {
            writers(md, "SQLite", sqlite, work, records);
        }
        String schema = "sluice_bench_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (Exception e) {
            md.append("| PostgreSQL | not reachable at 127.0.0.1:5432, skipped | | | |\n\n");
            return;
        }
        try (Database pg = Database.openPostgres(POSTGRES + "&currentSchema=" + schema)) {
            writers(md, "PostgreSQL", pg, work, records);
        } finally {
            try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
        md.append('\n');
    }

    private static void writers(StringBuilder md, String store, Database db, Path work, int records) throws Exception {
        String attrs = "{\"gen_ai.operation.name\":\"chat\",\"gen_ai.request.model\":\"gpt-4o-mini\",\"sluice.key.id\":\"k1\"}";
        try (BatchWriter<SpanRecord> spans = new BatchWriter<>("bench-spans", db, new SpanSink(), SpanRecord.class,
                10_000, work.resolve("spill-spans-" + store))) {
            long t0 = System.nanoTime();
            for (int i = 0; i < records; i++) {
                String trace = String.format("%032x", i);
                awaitRoom(spans, 10_000);
                spans.offer(new SpanRecord(trace, String.format("%016x", i + 1), null, "chat gpt-4o-mini", "server",
                        i, i + 1000, "unset", null, "sluice", null, "req-" + i, "user-" + (i % 100), attrs, "[]", "bench-team"));
            }
            spans.flush(600_000);
            throughput(md, store, "spans", records, System.nanoTime() - t0);
        }
        String request = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(500) + "\"}]}";
        String response = "{\"choices\":[{\"message\":{\"content\":\"" + "y".repeat(1000) + "\"}}]}";
        try (BatchWriter<BodyRecord> bodies = new BatchWriter<>("bench-bodies", db, new BodySink(), BodyRecord.class,
                10_000, work.resolve("spill-bodies-" + store))) {
            long t0 = System.nanoTime();
            for (int i = 0; i < records; i++) {
                awaitRoom(bodies, 10_000);
                bodies.offer(new BodyRecord("req-" + i, i, "user-" + (i % 100), "bench-team", request, response, "uid-" + i));
            }
            bodies.flush(600_000);
            throughput(md, store, "bodies (1.5 KB)", records, System.nanoTime() - t0);
        }
    }

    private static void awaitRoom(BatchWriter<?> writer, int capacity) {
        while (writer.queued() >= capacity - 1) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void throughput(StringBuilder md, String store, String kind, int records, long nanos) {
        double seconds = nanos / 1e9;
        md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.2f | %,.0f |%n", store, kind, records, seconds,
                records / seconds));
        System.err.printf("%s %s: %,.0f records/s%n", store, kind, records / seconds);
    }
}
