package dev.sluice.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The chat latency tail at concurrency 1 (issue 15): which requests are slow, and why.
 *
 * <p>One closed-loop client thread ({@link RawHttpClient}, one keep-alive socket) sends the 16-token chat
 * request to direct, nginx and one or more Sluice JVMs (default pipeline and all-off, per JVM-flag
 * variant), rounds alternating between the targets. Every request's send time and latency is kept
 * ({@code System.nanoTime()}, CLOCK_MONOTONIC, the clock the JVM's {@code timenanos} log decorator uses),
 * and each Sluice runs with {@code -Xlog:safepoint,gc,jit+compilation=debug,deoptimization=debug}
 * stamped with that clock, so a slow request can be laid over what its gateway's JVM was doing at the
 * time: a safepoint (a GC pause, a deoptimisation) overlapping the request, JIT activity, or nothing the
 * JVM logs (scheduling, the store writers, the OS). The report gives p50/p99/p99.9 per target, added
 * latency over direct, how much of each Sluice's tail overlaps a safepoint, the CPU each gateway thread
 * used during the measured rounds, and the GC counts; the per-request samples go to a CSV.
 *
 * <p>Run: {@code bench/run tail [--rounds 6] [--round-ms 3000] [--only nginx,sluice,sluice-off]
 * [--variant NAME=JVM FLAGS]... [--no-jvm-logs]}. Without {@code --variant} the Sluice JVMs get the
 * launcher's flags ({@link Servers#sluiceJavaOpts()}); each {@code --variant} adds a Sluice pair with those
 * flags, so flag A/Bs alternate within one run. Results: {@code bench/results/tail.md}.
 */
public final class TailBench {
    private static final Pattern SAFEPOINT = Pattern.compile(
            "^\\[(\\d+)ns]\\[safepoint\\s*] Safepoint \"([^\"]+)\".*Total: (\\d+) ns");
    private static final Pattern GC_PAUSE = Pattern.compile("^\\[(\\d+)ns]\\[gc\\s*] GC\\(\\d+\\) (Pause [^(]+)");
    private static final Pattern JIT = Pattern.compile("^\\[(\\d+)ns]\\[jit,compilation\\s*]");
    private static final Pattern DEOPT = Pattern.compile("^\\[(\\d+)ns]\\[deoptimization\\s*]");

    /** One Sluice JVM configuration compared in the run. */
    record Variant(String name, List<String> flags) {}

    /** A target and, for a Sluice, its process and log. */
    record Probe(GatewayBench.Target target, Process process, Path jvmLog, Variant variant) {}

    /** Every request of one target: send time and latency, in nanoseconds, in order. */
    static final class Samples {
        long[] sent = new long[4096];
        long[] latency = new long[4096];
        int[] round = new int[4096];
        int size;
        long errors;
        double seconds;

        void add(long s, long l, int r) {
            if (size == sent.length) {
                sent = Arrays.copyOf(sent, size * 2);
                latency = Arrays.copyOf(latency, size * 2);
                round = Arrays.copyOf(round, size * 2);
            }
            sent[size] = s;
            latency[size] = l;
            round[size++] = r;
        }

        long[] sorted() {
            long[] s = Arrays.copyOf(latency, size);
            Arrays.sort(s);
            return s;
        }

        static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.clamp(rank, 0, sorted.length - 1)] / 1000.0;
        }
    }

    /** One pass of scenario (d)'s cold start and idle memory for one variant. */
    record Rss(Variant variant, int pass, GatewayBench.Startup startup) {}

    /** A stretch of time the gateway's JVM reported, [start, end] in nanoTime. */
    record Event(long start, long end, String what) {}

    public static void main(String[] args) throws Exception {
        int rounds = 6;
        long roundMillis = 3_000;
        long warmupMillis = 5_000;
        boolean jvmLogs = true;
        int rssPasses = 0;
        List<String> only = List.of("nginx", "sluice", "sluice-off");
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--round-ms" -> roundMillis = Long.parseLong(args[++i]);
                case "--warmup-ms" -> warmupMillis = Long.parseLong(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--no-jvm-logs" -> jvmLogs = false;
                case "--rss" -> rssPasses = Integer.parseInt(args[++i]);
                case "--variant" -> {
                    String v = args[++i];
                    int eq = v.indexOf('=');
                    variants.add(new Variant(v.substring(0, eq), List.of(v.substring(eq + 1).strip().split("\\s+"))));
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --rounds N, --round-ms MS,"
                        + " --warmup-ms MS, --only nginx,sluice,sluice-off, --variant NAME=FLAGS, --no-jvm-logs, --rss PASSES)");
            }
        }
        if (variants.isEmpty()) {
            variants.add(new Variant("default-flags", Servers.sluiceJavaOpts()));
        }
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sluice-tail");
        Servers servers = new Servers(root, root.resolve("target/sluice.jar"), work);
        String adminKey = "bench-admin-key-0123456789abcdef";
        String loadBefore = Servers.loadAverage();
        String startedAt = GatewayBench.now();
        List<Probe> probes = new ArrayList<>();
        Map<Probe, Samples> samples = new LinkedHashMap<>();
        Map<Probe, Map<String, long[]>> threadCpu = new LinkedHashMap<>();
        List<Rss> rss = new ArrayList<>();
        String[] chatSim = {"x-sim-tokens", "16"};
        byte[] body = GatewayBench.chatBody().getBytes(StandardCharsets.UTF_8);
        try {
            int simPort = Processes.freePort();
            Process sim = servers.java("simulator", List.of("-XX:+UseSerialGC", "-Xmx2g"), "sim", "--port",
                    Integer.toString(simPort));
            Processes.awaitUp("http://127.0.0.1:" + simPort + "/v1/models");
            probes.add(new Probe(new GatewayBench.Target("direct", "127.0.0.1", simPort, new String[0]), sim, null, null));
            if (only.contains("nginx")) {
                int port = Processes.freePort();
                Process p = servers.nginx("nginx", port, simPort);
                Processes.awaitUp("http://127.0.0.1:" + port + "/v1/models");
                probes.add(new Probe(new GatewayBench.Target("nginx", "127.0.0.1", port, new String[0]), p, null, null));
            }
            for (Variant v : variants) {
                for (String kind : List.of("sluice", "sluice-off")) {
                    if (!only.contains(kind)) {
                        continue;
                    }
                    boolean on = kind.equals("sluice");
                    String name = variants.size() == 1 ? kind : kind + "[" + v.name() + "]";
                    String file = name.replaceAll("[^a-zA-Z0-9-]", "_");
                    int port = Processes.freePort();
                    Path config = servers.sluiceConfig(file, port, simPort, on, on, on, adminKey);
                    Path log = work.resolve(file + ".jvm.log");
                    List<String> jvm = new ArrayList<>(v.flags());
                    if (jvmLogs) {
                        jvm.add("-Xlog:safepoint,gc,jit+compilation=debug,deoptimization=debug:file=" + log + ":tn,tg");
                    }
                    Process p = servers.java(file, jvm, "serve", "--config", config.toString());
                    Processes.awaitUp("http://127.0.0.1:" + port + "/health/ready");
                    String[] headers = on ? new String[] {"Authorization", "Bearer "
                            + GatewayBench.createKey(port, adminKey, "{\"name\":\"bench\"}")} : new String[0];
                    probes.add(new Probe(new GatewayBench.Target(name, "127.0.0.1", port, headers), p, jvmLogs ? log : null, v));
                }
            }
            System.err.printf("tail: %d targets, warm-up %d ms each, then %d rounds of %d ms alternating; work dir %s%n",
                    probes.size(), warmupMillis, rounds, roundMillis, work);
            for (Probe p : probes) {
                run(p, body, chatSim, warmupMillis, -1, new Samples());
                samples.put(p, new Samples());
            }
            for (Probe p : probes) {
                threadCpu.put(p, threadTimes(p.process().pid()));
            }
            for (int r = 0; r < rounds; r++) {
                for (Probe p : probes) {
                    run(p, body, chatSim, roundMillis, r, samples.get(p));
                }
                System.err.printf("tail: round %d of %d done%n", r + 1, rounds);
            }
            for (Probe p : probes) {
                Map<String, long[]> before = threadCpu.get(p);
                Map<String, long[]> delta = new TreeMap<>();
                threadTimes(p.process().pid()).forEach((k, v) -> {
                    long[] b = before.getOrDefault(k, new long[2]);
                    delta.put(k, new long[] {v[0] - b[0], v[1] - b[1]});
                });
                threadCpu.put(p, delta);
            }
            // scenario (d)'s idle RSS (after start, after a warm-up) per variant, passes alternating the variants
            Startups startups = new Startups(servers, simPort, adminKey, false);
            for (int pass = 0; pass < rssPasses; pass++) {
                for (Variant v : variants) {
                    GatewayBench.Startup st = startups.sluiceWith(v.name(), String.join(" ", v.flags()), v.flags());
                    rss.add(new Rss(v, pass, st));
                }
            }
        } finally {
            servers.stopAll();
        }
        String loadAfter = Servers.loadAverage();
        StringBuilder rssTable = new StringBuilder();
        if (!rss.isEmpty()) {
            rssTable.append("\n### Idle RSS per variant (scenario (d)'s measurement: fresh database, limits, log and tracing on;"
                    + " RSS 2 s after the first 200, and 2 s after 3 s of concurrency 16 chat + 1 s of streams)\n\n"
                    + "| variant | pass | cold start ms (median of 3) | idle RSS after start MiB | after warm-up MiB |\n"
                    + "|---|---:|---:|---:|---:|\n");
            for (Rss r : rss) {
                rssTable.append("| ").append(r.variant().name()).append(" | ").append(r.pass() + 1).append(" | ")
                        .append(f(r.startup().medianMillis())).append(" | ").append(r.startup().idleRssKiB() / 1024)
                        .append(" | ").append(r.startup().warmRssKiB() / 1024).append(" |\n");
            }
        }
        String report = report(startedAt, root, probes, samples, threadCpu, loadBefore, loadAfter, work) + rssTable;
        Path csv = work.resolve("requests.csv");
        StringBuilder rows = new StringBuilder("target,round,sent_ns,latency_ns\n");
        for (Probe p : probes) {
            Samples s = samples.get(p);
            for (int i = 0; i < s.size; i++) {
                rows.append(p.target().name()).append(',').append(s.round[i]).append(',').append(s.sent[i]).append(',')
                        .append(s.latency[i]).append('\n');
            }
        }
        Files.writeString(csv, rows);
        Path out = root.resolve("bench/results/tail.md");
        Files.writeString(out, report);
        System.out.println(report);
        System.err.println("tail: report " + out + ", per-request samples " + csv + ", JVM logs in " + work);
    }

    private static void run(Probe p, byte[] body, String[] simHeaders, long millis, int round, Samples into)
            throws IOException {
        String[] headers = GatewayBench.concat(p.target().headers(), simHeaders);
        long start = System.nanoTime();
        long end = start + millis * 1_000_000;
        try (RawHttpClient client = new RawHttpClient(p.target().host(), p.target().port())) {
            while (System.nanoTime() < end) {
                try {
                    RawHttpClient.Result r = client.post("/v1/chat/completions", body, headers);
                    if (r.status() != 200) {
                        into.errors++;
                        continue;
                    }
                    into.add(r.sentNanos(), r.doneNanos() - r.sentNanos(), round);
                } catch (IOException e) {
                    into.errors++;
                    client.close();
                }
            }
        }
        into.seconds += (System.nanoTime() - start) / 1e9;
    }

    /**
     * Per thread name (threads of one name summed, trailing digits folded to #): nanoseconds on a CPU and
     * nanoseconds waiting on a run queue (runnable but not running), from {@code /proc/PID/task/TID/schedstat}.
     */
    static Map<String, long[]> threadTimes(long pid) {
        Map<String, long[]> times = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]+$", "#");
                    String[] f = Files.readString(t.resolve("schedstat")).strip().split(" ");
                    long[] sum = times.computeIfAbsent(name, k -> new long[2]);
                    sum[0] += Long.parseLong(f[0]);
                    sum[1] += Long.parseLong(f[1]);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            // not Linux, or the process ended
        }
        return times;
    }

    /** Safepoints (with their cause; GC pauses named by the gc log line that ends them), JIT and deopt lines. */
    static List<Event> jvmEvents(Path log, List<Event> jit) {
        List<Event> safepoints = new ArrayList<>();
        if (log == null || !Files.exists(log)) {
            return safepoints;
        }
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = SAFEPOINT.matcher(line);
                if (m.find()) {
                    long end = Long.parseLong(m.group(1));
                    safepoints.add(new Event(end - Long.parseLong(m.group(3)), end, m.group(2)));
                    continue;
                }
                Matcher j = JIT.matcher(line);
                if (j.find()) {
                    long t = Long.parseLong(j.group(1));
                    jit.add(new Event(t, t, "jit"));
                    continue;
                }
                Matcher d = DEOPT.matcher(line);
                if (d.find()) {
                    long t = Long.parseLong(d.group(1));
                    jit.add(new Event(t, t, "deopt"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return safepoints;
    }

    private static String report(String startedAt, Path root, List<Probe> probes, Map<Probe, Samples> samples,
                                 Map<Probe, Map<String, long[]>> threadCpu, String loadBefore, String loadAfter, Path work) {
        StringBuilder md = new StringBuilder();
        md.append("Tail benchmark (`bench/run tail`) — ").append(startedAt).append(", commit ").append(Report.commit(root))
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores. Load average (1/5/15 min) ")
                .append(loadBefore).append(" before, ").append(loadAfter).append(" after.\n\n");
        md.append("Chat (16-token answers), concurrency 1, one keep-alive connection, rounds alternating between the targets."
                + " Added = the target's percentile minus direct's.\n\n");
        md.append("| target | JVM flags | requests | errors | req/s | p50 µs | p99 µs | p99.9 µs | max µs | added p50 | added p99 | added p99.9 |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        long[] direct = samples.get(probes.getFirst()).sorted();
        for (Probe p : probes) {
            Samples s = samples.get(p);
            long[] sorted = s.sorted();
            boolean isDirect = p == probes.getFirst();
            md.append("| ").append(p.target().name()).append(" | ")
                    .append(p.variant() == null ? "" : "`" + String.join(" ", p.variant().flags()) + "`").append(" | ")
                    .append(s.size).append(" | ").append(s.errors).append(" | ").append(f(s.size / s.seconds)).append(" | ")
                    .append(f(Samples.pct(sorted, 50))).append(" | ").append(f(Samples.pct(sorted, 99))).append(" | ")
                    .append(f(Samples.pct(sorted, 99.9))).append(" | ").append(f(sorted.length == 0 ? Double.NaN
                            : sorted[sorted.length - 1] / 1000.0)).append(" | ");
            if (isDirect) {
                md.append(" |  |  |\n");
            } else {
                md.append(f(Samples.pct(sorted, 50) - Samples.pct(direct, 50))).append(" | ")
                        .append(f(Samples.pct(sorted, 99) - Samples.pct(direct, 99))).append(" | ")
                        .append(f(Samples.pct(sorted, 99.9) - Samples.pct(direct, 99.9))).append(" |\n");
            }
        }
        md.append("\n### Per round (p50 / p99 µs), to see drift\n\n| target |");
        int rounds = Arrays.stream(samples.get(probes.getFirst()).round, 0, samples.get(probes.getFirst()).size).max().orElse(0) + 1;
        for (int r = 0; r < rounds; r++) {
            md.append(" round ").append(r + 1).append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(rounds)).append('\n');
        for (Probe p : probes) {
            Samples s = samples.get(p);
            md.append("| ").append(p.target().name()).append(" |");
            for (int r = 0; r < rounds; r++) {
                int rr = r;
                long[] one = java.util.stream.IntStream.range(0, s.size).filter(i -> s.round[i] == rr)
                        .mapToLong(i -> s.latency[i]).sorted().toArray();
                md.append(' ').append(f(Samples.pct(one, 50))).append(" / ").append(f(Samples.pct(one, 99))).append(" |");
            }
            md.append('\n');
        }
        md.append("\n### What the gateway's JVM was doing during the slow requests\n\n");
        md.append("Slow = above the target's own p99. *Safepoint* = the request's interval [sent, done] overlaps a safepoint"
                + " of that gateway's JVM (from `-Xlog:safepoint`, `timenanos` = the client's clock); *JIT nearby* = no"
                + " safepoint, but a compilation or deoptimisation was logged within the request or the 2 ms before it;"
                + " *neither* = nothing the JVM logs. \"p99 without safepoint requests\" drops every request that overlaps"
                + " a safepoint (slow or not) — what the tail would be if the pauses cost nothing.\n\n");
        md.append("| target | safepoints in rounds | of which GC | GC pause total ms | mean GC interval (requests) | slow requests"
                + " | overlap a safepoint | JIT nearby | neither | p99 without safepoint requests µs | p99.9 without µs"
                + " | VM Thread CPU per safepoint µs |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder causes = new StringBuilder();
        for (Probe p : probes) {
            if (p.jvmLog() == null) {
                continue;
            }
            Samples s = samples.get(p);
            List<Event> jit = new ArrayList<>();
            List<Event> safepoints = jvmEvents(p.jvmLog(), jit);
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (int i = 0; i < s.size; i++) {
                first = Math.min(first, s.sent[i]);
                last = Math.max(last, s.sent[i] + s.latency[i]);
            }
            long lo = first;
            long hi = last;
            // only what happened while this target was being measured (its rounds), not between them
            List<Event> inRounds = safepoints.stream().filter(e -> e.end() >= lo && e.start() <= hi)
                    .filter(e -> overlapsAny(s, e)).toList();
            long gcCount = inRounds.stream().filter(e -> e.what().contains("Collect")).count();
            double gcMillis = inRounds.stream().filter(e -> e.what().contains("Collect"))
                    .mapToLong(e -> e.end() - e.start()).sum() / 1e6;
            long[] sorted = s.sorted();
            long p99 = (long) (Samples.pct(sorted, 99) * 1000);
            int slow = 0;
            int slowSafepoint = 0;
            int slowJit = 0;
            Map<String, Integer> byCause = new TreeMap<>();
            List<Long> clean = new ArrayList<>();
            long[] jitTimes = jit.stream().mapToLong(Event::start).sorted().toArray();
            for (int i = 0; i < s.size; i++) {
                long a = s.sent[i];
                long b = a + s.latency[i];
                Event hit = null;
                for (Event e : inRounds) {
                    if (e.end() >= a && e.start() <= b) {
                        hit = e;
                        break;
                    }
                }
                if (hit == null) {
                    clean.add(s.latency[i]);
                }
                if (s.latency[i] <= p99) {
                    continue;
                }
                slow++;
                if (hit != null) {
                    slowSafepoint++;
                    byCause.merge(hit.what(), 1, Integer::sum);
                } else if (anyIn(jitTimes, a - 2_000_000, b)) {
                    slowJit++;
                }
            }
            long[] cleanSorted = clean.stream().mapToLong(Long::longValue).sorted().toArray();
            md.append("| ").append(p.target().name()).append(" | ").append(inRounds.size()).append(" | ").append(gcCount)
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", gcMillis)).append(" | ")
                    .append(gcCount == 0 ? "-" : f((double) s.size / gcCount)).append(" | ").append(slow).append(" | ")
                    .append(slowSafepoint).append(" | ").append(slowJit).append(" | ")
                    .append(slow - slowSafepoint - slowJit).append(" | ").append(f(Samples.pct(cleanSorted, 99)))
                    .append(" | ").append(f(Samples.pct(cleanSorted, 99.9))).append(" | ")
                    .append(inRounds.isEmpty() ? "-" : f(threadCpu.getOrDefault(p, Map.of())
                            .getOrDefault("VM Thread", new long[2])[0] / 1e3 / inRounds.size())).append(" |\n");
            double[] pauses = inRounds.stream().filter(e -> e.what().contains("Collect"))
                    .mapToDouble(e -> (e.end() - e.start()) / 1000.0).sorted().toArray();
            causes.append("- ").append(p.target().name()).append(": slow requests overlapping a safepoint, by cause ")
                    .append(byCause).append("; GC pauses in rounds p50 / max ")
                    .append(pauses.length == 0 ? "-" : f(pauses[pauses.length / 2]) + " / " + f(pauses[pauses.length - 1]))
                    .append(" µs; JIT/deopt log lines during the rounds: ")
                    .append(Arrays.stream(jitTimes).filter(t -> t >= lo && t <= hi).count()).append('\n');
        }
        md.append('\n').append(causes);
        md.append("\n### CPU per request during the measured rounds, by thread (from schedstat)\n\n"
                + "µs on a CPU per request (threads of one name summed), and in brackets µs per request spent runnable but"
                + " waiting for a CPU (run-queue delay: the machine's load, or the process's own threads competing).\n\n");
        for (Probe p : probes) {
            Map<String, long[]> cpu = threadCpu.get(p);
            int n = samples.get(p).size;
            if (cpu == null || n == 0) {
                continue;
            }
            long total = cpu.values().stream().mapToLong(v -> v[0]).sum();
            long wait = cpu.values().stream().mapToLong(v -> v[1]).sum();
            md.append("- ").append(p.target().name()).append(": total ").append(f(total / 1e3 / n)).append(" (")
                    .append(f(wait / 1e3 / n)).append(") — ");
            cpu.entrySet().stream().filter(e -> e.getValue()[0] > 0)
                    .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(10)
                    .forEach(e -> md.append('`').append(e.getKey()).append("` ")
                            .append(String.format(Locale.ROOT, "%.1f (%.1f)", e.getValue()[0] / 1e3 / n, e.getValue()[1] / 1e3 / n))
                            .append(", "));
            md.append('\n');
        }
        md.append("\nJVM logs and per-request samples (`requests.csv`): ").append(work).append('\n');
        return md.toString();
    }

    private static boolean overlapsAny(Samples s, Event e) {
        for (int i = 0; i < s.size; i++) {
            if (s.sent[i] <= e.end() && s.sent[i] + s.latency[i] >= e.start()) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyIn(long[] sortedTimes, long from, long to) {
        int i = Arrays.binarySearch(sortedTimes, from);
        if (i < 0) {
            i = -i - 1;
        }
        return i < sortedTimes.length && sortedTimes[i] <= to;
    }

    private static String f(double v) {
        return GatewayBench.fmt(v);
    }
}
