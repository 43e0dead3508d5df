package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.testing.TcpProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A node killed under load, then a store outage (issue 20), once with each telemetry buffer:
 * {@code deploy/local-cluster} starts three gateway nodes behind nginx on this machine's PostgreSQL
 * (reached through a TCP relay the bench can cut) and Redis, with the spill files (the default) and
 * again with the JetStream buffer ({@code --buffer jetstream}). Closed-loop clients send chat
 * completions through nginx, each with its own {@code x-request-id}; halfway through, one node gets
 * a {@code kill -9}. Then:
 * <ul>
 *   <li>a concurrency-limited key shows how many of its slots the dead node still holds, and a
 *       fresh rpm-limited key is burst through the survivors (is the limit still exact?);</li>
 *   <li>the load goes on through the survivors while PostgreSQL is unreachable for {@code --outage}
 *       seconds (every connection cut, new ones refused), and a while after it is back;</li>
 *   <li>once the survivors have written what they held (spill files replayed, the stream empty), they
 *       get a SIGTERM (drain, flush), and the request log and spans in PostgreSQL are compared with
 *       what the clients saw, per request id; rows missing among the 200s the killed node had answered
 *       are the records it held in memory;</li>
 *   <li>the load key's daily spend in Redis is compared with the cost summed from its rows.</li>
 * </ul>
 * Run: {@code bench/run cluster [--quick] [--seconds N] [--concurrency N] [--outage SECONDS]
 * [--buffer spill,jetstream]}; results in {@code bench/results/cluster.md}.
 */
public final class ClusterBench {
    private static final byte[] CHAT = ("{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Summarise the benefits of an LLM gateway in two sentences.\"}]}").getBytes(StandardCharsets.UTF_8);

    /** One client request: its id, final status (-1 = no answer: an I/O error), the node that answered, when it was sent. */
    record Outcome(String requestId, int status, String node, String error, long sentAt) {}

    /** One buffer's run: its figures in table order, and what failed. */
    record Figures(String buffer, Map<String, String> rows, String notes) {}

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int seconds = intArg(args, "--seconds", quick ? 16 : 60);
        int concurrency = intArg(args, "--concurrency", 32);
        int outage = intArg(args, "--outage", quick ? 20 : 300);
        List<String> buffers = List.of(stringArg(args, "--buffer", "spill,jetstream").split(","));
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        List<Figures> runs = new ArrayList<>();
        for (String buffer : buffers) {
            Path dir = Files.createTempDirectory("sluice-cluster-bench");
            // the nodes reach PostgreSQL through this relay, so the bench can take the store away from them
            try (TcpProxy pg = new TcpProxy(5432)) {
                Map<String, String> env = Map.of();
                try {
                    cluster(root, "up", "--dir", dir.toString(), "--buffer", buffer,
                            "--pg", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/test?user=postgres");
                    env = readEnv(dir.resolve("cluster.env"));
                    runs.add(run(env, seconds, concurrency, outage, pg));
                } finally {
                    pg.restore();
                    cluster(root, "down", "--dir", dir.toString());
                    if (env.containsKey("STREAM")) {
                        deleteStream(env.get("NATS_URL"), env.get("STREAM"));
                    }
                }
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        String md = report(root, runs, seconds, concurrency, outage, loadBefore, loadAfter);
        Path out = root.resolve("bench/results/cluster" + (quick ? "-quick" : "") + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        System.out.println(md);
        System.out.println("Written to " + out);
    }

    private static Figures run(Map<String, String> env, int seconds, int concurrency, int outageSeconds, TcpProxy pg)
            throws Exception {
        String base = "http://127.0.0.1:" + env.get("NGINX_PORT");
        String admin = env.get("ADMIN_KEY");
        int nodes = Integer.parseInt(env.get("NODES"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode loadKey = createKey(http, base, admin, "{\"name\":\"load\",\"budget\":{\"daily_usd\":1000000}}");
        JsonNode concKey = createKey(http, base, admin, "{\"name\":\"held\",\"limits\":{\"concurrency\":6}}");

        // warm-up: JIT, connection pools, the limiter's Lua script on every node
        load(http, base, loadKey.path("key").asText(), concurrency, 3_000, "warm", new TreeMap<>());

        // six long requests on the concurrency-limited key, spread over the nodes, sent 1 s before the
        // kill and answered 6 s after it: the killed node holds two of them
        String held = concKey.path("key").asText();
        List<Future<Outcome>> heldRequests = new ArrayList<>();
        ExecutorService heldPool = Executors.newVirtualThreadPerTaskExecutor();
        Runnable sendHeld = () -> {
            for (int i = 0; i < 6; i++) {
                String id = "held-" + i;
                heldRequests.add(heldPool.submit(() -> send(http, base, held, id, "x-sim-ttft-ms", "7000")));
            }
        };

        long victimPid = Long.parseLong(env.get("NODE1_PID"));
        String victim = "127.0.0.1:" + env.get("NODE1_PORT");
        long durationMillis = seconds * 1000L;
        AtomicLong killedAtMillis = new AtomicLong();
        Runnable kill = () -> {
            ProcessHandle.of(victimPid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
            killedAtMillis.set(System.currentTimeMillis());
        };
        long start = System.currentTimeMillis();
        List<Outcome> outcomes = load(http, base, loadKey.path("key").asText(), concurrency, durationMillis, "cl",
                new TreeMap<>(Map.of(durationMillis / 2 - 1_000, sendHeld, durationMillis / 2, kill)));
        double elapsed = (System.currentTimeMillis() - start) / 1000.0;
        List<Outcome> heldOutcomes = new ArrayList<>();
        for (Future<Outcome> f : heldRequests) {
            heldOutcomes.add(f.get(60, TimeUnit.SECONDS));
        }
        heldPool.close();

        // the dead node's concurrency slots: six long requests again, through the survivors
        double probeAfterKill = (System.currentTimeMillis() - killedAtMillis.get()) / 1000.0;
        List<Future<Outcome>> probe = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                String id = "held-probe-" + i;
                probe.add(pool.submit(() -> send(http, base, held, id, "x-sim-ttft-ms", "1000")));
            }
        }
        int probeAdmitted = 0;
        for (Future<Outcome> f : probe) {
            probeAdmitted += f.get().status() == 200 ? 1 : 0;
        }

        // is a fresh rpm limit exact across the survivors? 60 at once against rpm 20 (refill: 1 per 3 s)
        String rpmKey = createKey(http, base, admin, "{\"name\":\"rpm\",\"limits\":{\"rpm\":20}}").path("key").asText();
        int rpmAdmitted = 0;
        long burstStart = System.nanoTime();
        List<Future<Outcome>> burst = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 60; i++) {
                String id = "rpm-" + i;
                burst.add(pool.submit(() -> send(http, base, rpmKey, id)));
            }
        }
        double burstSeconds = (System.nanoTime() - burstStart) / 1e9;
        for (Future<Outcome> f : burst) {
            rpmAdmitted += f.get().status() == 200 ? 1 : 0;
        }

        // the store goes away for outageSeconds while the load goes on through the survivors
        long cutAt = 3_000;
        long restoreAt = cutAt + outageSeconds * 1000L;
        AtomicLong cutMillis = new AtomicLong();
        AtomicLong restoreMillis = new AtomicLong();
        AtomicLong mostWaiting = new AtomicLong(); // the most records waiting while the store was away
        String buffer = env.get("BUFFER");
        List<Path> survivorSpills = new ArrayList<>();
        for (int i = 2; i <= nodes; i++) {
            survivorSpills.add(Path.of(env.get("CLUSTER_DIR"), "node-" + i, "spill"));
        }
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    mostWaiting.accumulateAndGet(waiting(env, survivorSpills), Math::max);
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // NATS or a spill file mid-rename: the next sample
                }
            }
        });
        long outageStart = System.currentTimeMillis();
        List<Outcome> outage = load(http, base, loadKey.path("key").asText(), concurrency, restoreAt + 10_000, "out",
                new TreeMap<>(Map.of(cutAt, () -> {
                    cut(pg);
                    cutMillis.set(System.currentTimeMillis());
                }, restoreAt, () -> {
                    try {
                        pg.restore();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    restoreMillis.set(System.currentTimeMillis());
                })));
        double outageElapsed = (System.currentTimeMillis() - outageStart) / 1000.0;

        // what the survivors held is written once the store is back: spill files replayed, the stream consumed
        long drainStart = System.currentTimeMillis();
        boolean drained = false;
        while (System.currentTimeMillis() - drainStart < 600_000 && !(drained = waiting(env, survivorSpills) == 0)) {
            Thread.sleep(500);
        }
        double drainSeconds = (System.currentTimeMillis() - drainStart) / 1000.0;
        sampler.interrupt();

        // the survivors drain and flush on SIGTERM; then the store is complete for everything they served
        for (int i = 2; i <= nodes; i++) {
            ProcessHandle p = ProcessHandle.of(Long.parseLong(env.get("NODE" + i + "_PID"))).orElseThrow();
            p.destroy();
            p.onExit().get(60, TimeUnit.SECONDS);
        }
        if ("jetstream".equals(buffer)) {
            // the killed node's unacknowledged batches went back to the stream; nothing consumes once all stopped
            drained &= waiting(env, survivorSpills) == 0;
        }

        Map<String, Double> rowCost = new HashMap<>();
        Map<String, Integer> rows = new HashMap<>(); // rows of the measured load (ids cl-<n>, out-<n>), by request id
        Map<String, Set<String>> spanKinds = new TreeMap<>(); // span kind -> request ids with such a span
        try (Connection c = DriverManager.getConnection(env.get("STORE_URL").replaceFirst("127\\.0\\.0\\.1:\\d+", "127.0.0.1:5432"))) {
            try (PreparedStatement s = c.prepareStatement("SELECT request_id, status, cost_usd FROM request_log WHERE key_id = ?")) {
                s.setString(1, loadKey.path("id").asText());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rowCost.merge(r.getString(1), r.getDouble(3), Double::sum);
                        if (measured(r.getString(1))) {
                            rows.merge(r.getString(1), 1, Integer::sum);
                        }
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT DISTINCT request_id, kind FROM spans WHERE request_id LIKE 'cl-%' OR request_id LIKE 'out-%'");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    spanKinds.computeIfAbsent(r.getString(2), k -> new HashSet<>()).add(r.getString(1));
                }
            }
        }
        double redisSpend;
        String day = LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd"));
        RedisClient redis = RedisClient.create(env.get("REDIS_URL"));
        try (StatefulRedisConnection<String, String> r = redis.connect()) {
            String v = r.sync().get("sluice:lim:key:" + loadKey.path("id").asText() + ":usd:d:" + day);
            redisSpend = v == null ? 0 : Double.parseDouble(v);
        } finally {
            redis.shutdown();
        }
        long spilled = spillLines(Path.of(env.get("CLUSTER_DIR"), "node-1", "spill"));

        Figures f = figures(buffer, outcomes, heldOutcomes, rows, rowCost, redisSpend, victim, killedAtMillis.get() - start,
                elapsed, probeAdmitted, probeAfterKill, rpmAdmitted, burstSeconds, spilled);
        Map<String, String> m = new LinkedHashMap<>(f.rows());
        outageFigures(m, outage, rows, spanKinds, cutMillis.get(), restoreMillis.get(), outageElapsed, mostWaiting.get(),
                buffer, drained, drainSeconds);
        spanFigures(m, outcomes, outage, spanKinds);
        StringBuilder notes = new StringBuilder(f.notes());
        Map<String, Integer> outageFailures = failures(outage);
        if (!outageFailures.isEmpty()) {
            notes.append("Failed requests of the outage phase:\n\n| what | count |\n|---|---:|\n");
            outageFailures.forEach((what, n) -> row(notes, what.replace('|', '/'), String.valueOf(n)));
            notes.append('\n');
        }
        return new Figures(buffer, m, notes.toString());
    }

    private static boolean measured(String requestId) {
        return requestId.startsWith("cl-") || requestId.startsWith("out-");
    }

    private static void cut(TcpProxy pg) {
        try {
            pg.cut();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Records waiting for the store: with the spill files, the lines in the survivors' spill files (their
     * in-memory queues are not visible from outside); with JetStream, the messages in the stream.
     */
    private static long waiting(Map<String, String> env, List<Path> spills) throws Exception {
        if ("jetstream".equals(env.get("BUFFER"))) {
            try (io.nats.client.Connection nc = io.nats.client.Nats.connect(env.get("NATS_URL"))) {
                return nc.jetStreamManagement().getStreamInfo(env.get("STREAM")).getStreamState().getMsgCount();
            }
        }
        long n = 0;
        for (Path p : spills) {
            n += spillLines(p);
        }
        return n;
    }

    private static void deleteStream(String url, String stream) {
        try (io.nats.client.Connection nc = io.nats.client.Nats.connect(url)) {
            nc.jetStreamManagement().deleteStream(stream);
        } catch (Exception e) {
            System.err.println("cluster bench: stream " + stream + " could not be deleted: " + e);
        }
    }

    /**
     * A closed loop of {@code concurrency} virtual threads for {@code millis}, running each action
     * once at its time (milliseconds after the start). Request ids are {@code prefix-<n>}.
     */
    private static List<Outcome> load(HttpClient http, String base, String key, int concurrency, long millis, String prefix,
                                      TreeMap<Long, Runnable> actions) throws Exception {
        ConcurrentLinkedQueue<Outcome> out = new ConcurrentLinkedQueue<>();
        AtomicLong seq = new AtomicLong();
        long start = System.currentTimeMillis();
        long end = start + millis;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                pool.submit(() -> {
                    while (System.currentTimeMillis() < end) {
                        out.add(send(http, base, key, prefix + "-" + seq.incrementAndGet()));
                    }
                });
            }
            for (Map.Entry<Long, Runnable> a : actions.entrySet()) {
                Thread.sleep(Math.max(0, start + a.getKey() - System.currentTimeMillis()));
                a.getValue().run();
            }
        }
        return new ArrayList<>(out);
    }

    private static Outcome send(HttpClient http, String base, String key, String requestId, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .header("x-request-id", requestId).header("x-sim-tokens", "16")
                .POST(HttpRequest.BodyPublishers.ofByteArray(CHAT));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        long at = System.currentTimeMillis();
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            String node = r.headers().firstValue("x-sluice-node").orElse("");
            return new Outcome(requestId, r.statusCode(), node, r.statusCode() == 200 ? null
                    : new String(r.body(), StandardCharsets.UTF_8), at);
        } catch (IOException e) {
            return new Outcome(requestId, -1, "", e.toString(), at);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(requestId, -1, "", "interrupted", at);
        }
    }

    private static Map<String, Integer> failures(List<Outcome> outcomes) {
        Map<String, Integer> failures = new TreeMap<>();
        for (Outcome o : outcomes) {
            if (o.status() != 200) {
                String what = o.status() == -1 ? "no answer: " + o.error() : o.status() + " " + shorten(o.error());
                failures.merge(what, 1, Integer::sum);
            }
        }
        return failures;
    }

    /** The kill phase's figures. */
    private static Figures figures(String buffer, List<Outcome> outcomes, List<Outcome> held, Map<String, Integer> rows,
                                   Map<String, Double> rowCost, double redisSpend, String victim, long killedAt,
                                   double elapsed, int probeAdmitted, double probeAfterKill, int rpmAdmitted,
                                   double burstSeconds, long spilled) {
        int ok = 0;
        int retried = 0;
        Map<String, Integer> servedBy = new TreeMap<>();
        Set<String> victimOk = new HashSet<>();
        Set<String> okIds = new HashSet<>();
        for (Outcome o : outcomes) {
            if (o.status() == 200) {
                ok++;
                okIds.add(o.requestId());
                // with a retry nginx lists every node it tried, the one that answered last
                String[] tried = o.node().split(",\\s*");
                String answered = tried[tried.length - 1];
                servedBy.merge(answered, 1, Integer::sum);
                retried += tried.length > 1 ? 1 : 0;
                if (answered.equals(victim)) {
                    victimOk.add(o.requestId());
                }
            }
        }
        Set<String> loadIds = new HashSet<>();
        outcomes.forEach(o -> loadIds.add(o.requestId()));
        long victimLost = victimOk.stream().filter(id -> !rows.containsKey(id)).count();
        long survivorLost = okIds.stream().filter(id -> !victimOk.contains(id) && !rows.containsKey(id)).count();
        long duplicateRows = rows.entrySet().stream().filter(e -> loadIds.contains(e.getKey()) && e.getValue() > 1).count();
        long rowsWithout200 = rows.keySet().stream().filter(id -> loadIds.contains(id) && !okIds.contains(id)).count();
        long loadRows = rows.keySet().stream().filter(loadIds::contains).count();
        double loggedCost = rowCost.values().stream().mapToDouble(Double::doubleValue).sum();
        int heldOk = (int) held.stream().filter(o -> o.status() == 200).count();

        Map<String, String> m = new LinkedHashMap<>();
        m.put("**Kill phase**: node killed after", String.format(Locale.ROOT, "%.1f s of %.0f s", killedAt / 1000.0, elapsed));
        m.put("requests sent", String.format(Locale.ROOT, "%,d (%,.0f/s)", outcomes.size(), outcomes.size() / elapsed));
        m.put("answered 200", String.format(Locale.ROOT, "%,d", ok));
        m.put("**client success rate** (target ≥ 99.9%)", String.format(Locale.ROOT, "**%.3f%%**", 100.0 * ok / outcomes.size()));
        m.put("200s that nginx retried on another node (the first node dropped the connection)", String.format(Locale.ROOT, "%,d", retried));
        m.put("200s answered by the killed node / by the survivors", victimOk.size() + " / " + String.join(" / ",
                servedBy.entrySet().stream().filter(e -> !e.getKey().equals(victim)).map(e -> String.format(Locale.ROOT, "%,d", e.getValue())).toList()));
        m.put("request-log rows of these requests", String.format(Locale.ROOT, "%,d", loadRows));
        m.put("**200s acknowledged by the killed node whose row never appeared**",
                String.format(Locale.ROOT, "**%,d** of %,d", victimLost, victimOk.size()));
        m.put("200s answered by the survivors whose row never appeared", String.format(Locale.ROOT, "%,d", survivorLost));
        m.put("rows for a request the client saw no 200 for; request ids with more than one row",
                String.format(Locale.ROOT, "%,d; %,d", rowsWithout200, duplicateRows));
        m.put("records left in the killed node's spill files (replayed if it restarts on the same disk)", String.format(Locale.ROOT, "%,d", spilled));
        int loggedRows = rowCost.size();
        m.put("daily spend of the load key (whole run): Redis vs the sum of its rows' cost",
                String.format(Locale.ROOT, "$%.6f vs $%.6f (%+.1f requests' worth)", redisSpend, loggedCost,
                        loggedRows == 0 ? 0 : (redisSpend - loggedCost) / (loggedCost / loggedRows)));
        m.put("concurrency key (limit 6): long requests in flight at the kill that ended 200", heldOk + " of 6");
        m.put("6 at once on it through the survivors, after the kill: admitted", String.format(Locale.ROOT, "%d of 6 (%.0f s after)",
                probeAdmitted, probeAfterKill));
        m.put("fresh key, rpm 20, 60 at once through the survivors: admitted", String.format(Locale.ROOT, "%d (in %.1f s)",
                rpmAdmitted, burstSeconds));
        StringBuilder notes = new StringBuilder();
        Map<String, Integer> failures = failures(outcomes);
        if (!failures.isEmpty()) {
            notes.append("Failed requests of the kill phase:\n\n| what | count |\n|---|---:|\n");
            failures.forEach((what, n) -> row(notes, what.replace('|', '/'), String.valueOf(n)));
            notes.append('\n');
        }
        notes.append("Concurrency-key requests in flight at the kill (status, nodes tried): ")
                .append(String.join("; ", held.stream().map(o -> o.status() + " " + shorten(o.error()) + " via " + o.node()).toList()))
                .append("\n\n");
        return new Figures(buffer, m, notes.toString());
    }

    /** The outage phase's figures: what the clients saw while the store was away, and what reached it afterwards. */
    private static void outageFigures(Map<String, String> m, List<Outcome> outage, Map<String, Integer> rows,
                                      Map<String, Set<String>> spanKinds, long cutAt, long restoredAt, double elapsed,
                                      long held, String buffer, boolean drained, double drainSeconds) {
        int ok = 0;
        int okDuring = 0;
        int sentDuring = 0;
        long lost = 0;
        long lostDuring = 0;
        long duplicates = 0;
        for (Outcome o : outage) {
            boolean during = o.sentAt() >= cutAt && o.sentAt() < restoredAt;
            sentDuring += during ? 1 : 0;
            if (o.status() == 200) {
                ok++;
                okDuring += during ? 1 : 0;
                if (!rows.containsKey(o.requestId())) {
                    lost++;
                    lostDuring += during ? 1 : 0;
                }
            }
            duplicates += rows.getOrDefault(o.requestId(), 0) > 1 ? 1 : 0;
        }
        m.put("**Outage phase**: PostgreSQL unreachable (connections cut, new ones refused) for",
                String.format(Locale.ROOT, "%.0f s (load for %.0f s through the 2 survivors)", (restoredAt - cutAt) / 1000.0, elapsed));
        m.put("requests sent / answered 200 (success rate)", String.format(Locale.ROOT, "%,d / %,d (%.3f%%)", outage.size(), ok,
                outage.isEmpty() ? 0 : 100.0 * ok / outage.size()));
        m.put("… of them sent while the store was away / answered 200", String.format(Locale.ROOT, "%,d / %,d", sentDuring, okDuring));
        m.put("most records waiting at once (" + ("jetstream".equals(buffer) ? "messages in the stream" : "lines in the survivors' spill files") + ")",
                String.format(Locale.ROOT, "%,d", held));
        m.put("time from the store's return until nothing waited", drained ? String.format(Locale.ROOT, "%.1f s", drainSeconds)
                : String.format(Locale.ROOT, "**still waiting after %.0f s**", drainSeconds));
        m.put("**200s of the outage phase whose row never appeared** (of them answered while the store was away)",
                String.format(Locale.ROOT, "**%,d** of %,d (%,d of %,d)", lost, ok, lostDuring, okDuring));
        m.put("request ids of the outage phase with more than one row", String.format(Locale.ROOT, "%,d", duplicates));
    }

    /** Spans per kind: how many 200s of each phase have a span of that kind in the store. */
    private static void spanFigures(Map<String, String> m, List<Outcome> kill, List<Outcome> outage, Map<String, Set<String>> kinds) {
        for (Map.Entry<String, Set<String>> k : kinds.entrySet()) {
            long killOk = kill.stream().filter(o -> o.status() == 200).count();
            long killWith = kill.stream().filter(o -> o.status() == 200 && k.getValue().contains(o.requestId())).count();
            long outOk = outage.stream().filter(o -> o.status() == 200).count();
            long outWith = outage.stream().filter(o -> o.status() == 200 && k.getValue().contains(o.requestId())).count();
            m.put("200s with a `" + k.getKey() + "` span: kill phase; outage phase",
                    String.format(Locale.ROOT, "%,d of %,d; %,d of %,d", killWith, killOk, outWith, outOk));
        }
    }

    private static String report(Path root, List<Figures> runs, int seconds, int concurrency, int outage,
                                 String loadBefore, String loadAfter) {
        StringBuilder md = new StringBuilder();
        md.append("Cluster benchmark — ").append(Instant.now()).append(", commit ").append(Report.commit(root)).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores; load average (1/5/15 min) ")
                .append(loadBefore.substring(0, loadBefore.lastIndexOf(' ', loadBefore.lastIndexOf(' ') - 1))).append(" before, ")
                .append(loadAfter.substring(0, loadAfter.lastIndexOf(' ', loadAfter.lastIndexOf(' ') - 1))).append(" after\n\n");
        md.append(String.format(Locale.ROOT, "Each column is its own 3-node cluster (`deploy/local-cluster --buffer …`: PostgreSQL "
                + "store reached through a relay the bench can cut, Redis limits) behind nginx (`proxy_next_upstream error timeout "
                + "non_idempotent`), one after the other in this run. Kill phase: %d closed-loop clients for %d s through nginx, "
                + "node 1 `kill -9`ed halfway. Outage phase: the same clients through the 2 survivors while PostgreSQL is "
                + "unreachable for %d s.%n%n", concurrency, seconds, outage));
        md.append("| measure |");
        runs.forEach(r -> md.append(' ').append("jetstream".equals(r.buffer()) ? "JetStream buffer" : "spill files (default)").append(" |"));
        md.append("\n|---|");
        runs.forEach(r -> md.append("---:|"));
        md.append('\n');
        Set<String> measures = new java.util.LinkedHashSet<>();
        runs.forEach(r -> measures.addAll(r.rows().keySet()));
        for (String what : measures) {
            md.append("| ").append(what).append(" |");
            runs.forEach(r -> md.append(' ').append(r.rows().getOrDefault(what, "—")).append(" |"));
            md.append('\n');
        }
        md.append('\n');
        for (Figures r : runs) {
            if (!r.notes().isEmpty()) {
                md.append("**").append(r.buffer()).append("**: ").append(r.notes());
            }
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String what, String value) {
        md.append("| ").append(what).append(" | ").append(value).append(" |\n");
    }

    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        try {
            JsonNode error = Json.parse(s.getBytes(StandardCharsets.UTF_8)).path("error");
            if (!error.isMissingNode()) {
                return error.path("code").asText();
            }
        } catch (RuntimeException notJson) {
            // nginx's own error pages are HTML
        }
        String flat = s.replaceAll("\\s+", " ");
        return flat.length() > 80 ? flat.substring(0, 80) + "…" : flat;
    }

    private static long spillLines(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                try (Stream<String> lines = Files.lines(f)) {
                    n += lines.count();
                }
            }
        }
        return n;
    }

    private static JsonNode createKey(HttpClient http, String base, String admin, String body) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/keys"))
                .header("authorization", "Bearer " + admin).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("key creation failed: " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return Json.parse(r.body());
    }

    private static void cluster(Path root, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("deploy/local-cluster").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("deploy/local-cluster " + String.join(" ", args) + " failed");
        }
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String v = line.substring(eq + 1);
                env.put(line.substring(0, eq), v.startsWith("'") ? v.substring(1, v.length() - 1) : v);
            }
        }
        return env;
    }

    private static String stringArg(String[] args, String name, String dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }
}
