package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
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
 * A node killed under load (issue 20): {@code deploy/local-cluster} starts three gateway nodes
 * behind nginx on this machine's PostgreSQL and Redis; closed-loop clients send chat completions
 * through nginx, each with its own {@code x-request-id}; halfway through, one node gets a
 * {@code kill -9}. Then:
 * <ul>
 *   <li>a concurrency-limited key shows how many of its slots the dead node still holds, and a
 *       fresh rpm-limited key is burst through the survivors (is the limit still exact?);</li>
 *   <li>the survivors get a SIGTERM (drain, flush), and the request log in PostgreSQL is compared
 *       with what the clients saw: every 200 should have its row; rows missing among the 200s the
 *       killed node had answered are the records it held in memory;</li>
 *   <li>the load key's daily spend in Redis is compared with the cost summed from its rows.</li>
 * </ul>
 * Run: {@code bench/run cluster [--quick] [--seconds N] [--concurrency N]}; results in
 * {@code bench/results/cluster.md}.
 */
public final class ClusterBench {
    private static final byte[] CHAT = ("{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Summarise the benefits of an LLM gateway in two sentences.\"}]}").getBytes(StandardCharsets.UTF_8);

    /** One client request: its id, final status (-1 = no answer: an I/O error), the node that answered. */
    record Outcome(String requestId, int status, String node, String error) {}

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int seconds = intArg(args, "--seconds", quick ? 16 : 60);
        int concurrency = intArg(args, "--concurrency", 32);
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory("sluice-cluster-bench");
        Map<String, String> env;
        StringBuilder md = new StringBuilder();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        try {
            cluster(root, "up", "--dir", dir.toString());
            env = readEnv(dir.resolve("cluster.env"));
            md.append(run(root, env, seconds, concurrency, loadBefore));
        } finally {
            cluster(root, "down", "--dir", dir.toString());
        }
        Path out = root.resolve("bench/results/cluster" + (quick ? "-quick" : "") + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.out.println("Written to " + out);
    }

    private static String run(Path root, Map<String, String> env, int seconds, int concurrency, String loadBefore)
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

        // the survivors drain and flush on SIGTERM; then the store is complete for everything they served
        for (int i = 2; i <= nodes; i++) {
            ProcessHandle p = ProcessHandle.of(Long.parseLong(env.get("NODE" + i + "_PID"))).orElseThrow();
            p.destroy();
            p.onExit().get(60, TimeUnit.SECONDS);
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();

        Map<String, Double> rowCost = new HashMap<>();
        Map<String, Integer> rows = new HashMap<>(); // rows of the measured load (ids cl-<n>), by request id
        try (Connection c = DriverManager.getConnection(env.get("STORE_URL"));
             PreparedStatement s = c.prepareStatement("SELECT request_id, status, cost_usd FROM request_log WHERE key_id = ?")) {
            s.setString(1, loadKey.path("id").asText());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rowCost.merge(r.getString(1), r.getDouble(3), Double::sum);
                    if (r.getString(1).startsWith("cl-")) {
                        rows.merge(r.getString(1), 1, Integer::sum);
                    }
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

        return report(root, outcomes, heldOutcomes, rows, rowCost, redisSpend, victim, killedAtMillis.get() - start,
                elapsed, concurrency, probeAdmitted, probeAfterKill, rpmAdmitted, burstSeconds, spilled, loadBefore, loadAfter);
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
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            String node = r.headers().firstValue("x-sluice-node").orElse("");
            return new Outcome(requestId, r.statusCode(), node, r.statusCode() == 200 ? null
                    : new String(r.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Outcome(requestId, -1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(requestId, -1, "", "interrupted");
        }
    }

    private static String report(Path root, List<Outcome> outcomes, List<Outcome> held, Map<String, Integer> rows,
                                 Map<String, Double> rowCost, double redisSpend, String victim, long killedAt,
                                 double elapsed, int concurrency, int probeAdmitted, double probeAfterKill, int rpmAdmitted, double burstSeconds,
                                 long spilled, String loadBefore, String loadAfter) {
        int ok = 0;
        int retried = 0;
        Map<String, Integer> failures = new TreeMap<>();
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
            } else {
                String what = o.status() == -1 ? "no answer: " + o.error() : o.status() + " " + shorten(o.error());
                failures.merge(what, 1, Integer::sum);
            }
        }
        long victimLost = victimOk.stream().filter(id -> !rows.containsKey(id)).count();
        long survivorLost = okIds.stream().filter(id -> !victimOk.contains(id) && !rows.containsKey(id)).count();
        long duplicateRows = rows.values().stream().filter(n -> n > 1).count();
        long rowsWithout200 = rows.keySet().stream().filter(id -> !okIds.contains(id)).count();
        double loggedCost = rowCost.values().stream().mapToDouble(Double::doubleValue).sum();
        int heldOk = (int) held.stream().filter(o -> o.status() == 200).count();
        double success = 100.0 * ok / outcomes.size();

        StringBuilder md = new StringBuilder();
        md.append("Cluster benchmark — ").append(Instant.now()).append(", commit ").append(Report.commit(root)).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores; load average (1/5/15 min) ")
                .append(loadBefore.substring(0, loadBefore.lastIndexOf(' ', loadBefore.lastIndexOf(' ') - 1))).append(" before, ")
                .append(loadAfter.substring(0, loadAfter.lastIndexOf(' ', loadAfter.lastIndexOf(' ') - 1))).append(" after\n\n");
        md.append(String.format(Locale.ROOT, "3 gateway nodes (`deploy/local-cluster`: PostgreSQL store, Redis limits) behind nginx "
                + "(`proxy_next_upstream error timeout non_idempotent`); %d closed-loop clients for %.0f s through nginx; "
                + "node %s got `kill -9` after %.1f s.%n%n", concurrency, elapsed, victim, killedAt / 1000.0));
        md.append("| measure | value |\n|---|---:|\n");
        row(md, "requests sent", String.format(Locale.ROOT, "%,d (%,.0f/s)", outcomes.size(), outcomes.size() / elapsed));
        row(md, "answered 200", String.format(Locale.ROOT, "%,d", ok));
        row(md, "**client success rate** (target ≥ 99.9%)", String.format(Locale.ROOT, "**%.3f%%**", success));
        row(md, "200s that nginx retried on another node (the first node dropped the connection)", String.format(Locale.ROOT, "%,d", retried));
        servedBy.forEach((node, n) -> row(md, "200s answered by " + node + (node.equals(victim) ? " (killed)" : ""),
                String.format(Locale.ROOT, "%,d", n)));
        row(md, "request-log rows of these requests", String.format(Locale.ROOT, "%,d", rows.size()));
        row(md, "**200s acknowledged by the killed node whose row never appeared**",
                String.format(Locale.ROOT, "**%,d** of %,d", victimLost, victimOk.size()));
        row(md, "200s answered by the survivors whose row never appeared", String.format(Locale.ROOT, "%,d", survivorLost));
        row(md, "rows for a request the client saw no 200 for", String.format(Locale.ROOT, "%,d", rowsWithout200));
        row(md, "request ids with more than one row", String.format(Locale.ROOT, "%,d", duplicateRows));
        row(md, "records left in the killed node's spill files (replayed when it restarts)", String.format(Locale.ROOT, "%,d", spilled));
        int loggedRows = rowCost.size();
        row(md, "daily spend of the load key (warm-up included): Redis vs the sum of its rows' cost",
                String.format(Locale.ROOT, "$%.8f vs $%.8f (%+.1f requests' worth)", redisSpend, loggedCost,
                        loggedRows == 0 ? 0 : (redisSpend - loggedCost) / (loggedCost / loggedRows)));
        row(md, "concurrency key (limit 6): long requests in flight at the kill that ended 200", heldOk + " of 6");
        row(md, String.format(Locale.ROOT, "… %.0f s after the kill, 6 at once through the survivors: admitted", probeAfterKill),
                probeAdmitted + " of 6");
        row(md, String.format(Locale.ROOT, "fresh key, rpm 20, 60 at once through the survivors (%.1f s): admitted", burstSeconds),
                String.valueOf(rpmAdmitted));
        md.append('\n');
        if (!failures.isEmpty()) {
            md.append("Failed requests:\n\n| what | count |\n|---|---:|\n");
            failures.forEach((what, n) -> row(md, what.replace('|', '/'), String.valueOf(n)));
            md.append('\n');
        }
        md.append("Concurrency-key requests in flight at the kill (status, nodes tried): ")
                .append(String.join("; ", held.stream().map(o -> o.status() + " " + shorten(o.error()) + " via " + o.node()).toList()))
                .append("\n\n");
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

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }
}
