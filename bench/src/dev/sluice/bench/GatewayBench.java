package dev.sluice.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end gateway overhead: the same load sent directly to the simulator and through Sluice,
 * in one run, on this machine. Each side runs in its own JVM; rounds alternate direct and gateway
 * so drift on a shared machine hits both. Reports latency percentiles, the latency Sluice adds,
 * and throughput relative to direct.
 *
 * <p>Run: {@code bench/run} (full) or {@code bench/run --quick} (smoke, ~30 s).
 */
public final class GatewayBench {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Summarise the benefits of an LLM gateway in two sentences.\"}],\"temperature\":0}";
    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Write a short story about a river.\"}]}";

    static String chatBody() {
        return CHAT;
    }

    static String streamBody() {
        return STREAM;
    }

    record Target(String name, String host, int port, String[] headers) {}

    /** @param gatewayBody what the gateway is sent, when it differs from the direct body (another model) */
    record Scenario(String name, String body, String[] simHeaders, int concurrency, boolean streaming, String gatewayBody,
                    boolean withLimits) {
        Scenario(String name, String body, String[] simHeaders, int concurrency, boolean streaming) {
            this(name, body, simHeaders, concurrency, streaming, body, false);
        }

        Scenario(String name, String body, String[] simHeaders, int concurrency, boolean streaming, String gatewayBody) {
            this(name, body, simHeaders, concurrency, streaming, gatewayBody, false);
        }

        String bodyFor(Target t) {
            return t.name().equals("direct") ? body : gatewayBody;
        }
    }

    record Row(String scenario, String target, int concurrency, int requests, long errors, double rps, double p50,
               double p99, double p999, double ttftP50, double ttftP99) {}

    static final List<String> ALL_TARGETS = List.of("direct", "nginx", "portkey", "sluice", "sluice-off");

    /** Throughput of one target with wrk (or, without wrk, the closed loop at concurrency 16). */
    /**
     * @param rssKiB the target's resident memory (its process tree) right after its last wrk round, or -1: what a
     *               minute of saturation leaves resident (a collector that grows its heap instead of collecting it
     *               shows here; bench/README.md, "Session 13: the old generation under sustained load")
     */
    record Throughput(String target, double rps, long requests, long errors, String tool, long rssKiB) {}

    /** One flood of concurrent open streams. */
    record Flood(String target, int wanted, String limitNote, int perSecond, StreamFlood.Result result) {}

    /**
     * Cold start to the first 200 (each start), and resident memory idle after start, 2 s after a warm-up and
     * {@link Startups#QUIET_MILLIS} after it ({@code quietRssKiB}, -1 when not read: the quick run).
     */
    record Startup(String target, String how, List<Double> coldMillis, long idleRssKiB, long warmRssKiB,
                   long quietRssKiB) {
        double medianMillis() {
            List<Double> sorted = coldMillis.stream().sorted().toList();
            return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
        }
    }

    /** Everything one run measured. */
    record Results(boolean quick, List<String> targets, List<Row> rows, List<Throughput> throughput, List<Flood> floods,
                   List<Startup> startups, List<String> notes) {}

    public static void main(String[] args) throws Exception {
        List<String> argList = List.of(args);
        boolean quick = argList.contains("--quick");
        List<String> targets = new ArrayList<>(quick ? List.of("direct", "sluice") : ALL_TARGETS);
        int streams = quick ? 200 : 10_000;
        String scenarioSet = "a,b,c,d";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { }
                case "--only" -> {
                    targets = new ArrayList<>(List.of(args[++i].split(",")));
                    if (!targets.contains("direct")) {
                        targets.addFirst("direct");
                    }
                }
                case "--streams" -> streams = Integer.parseInt(args[++i]);
                case "--scenarios" -> scenarioSet = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --quick, --only direct,nginx,portkey,sluice,sluice-off, --streams N, --scenarios a,b,c,d)");
            }
        }
        for (String t : targets) {
            if (!ALL_TARGETS.contains(t)) {
                throw new IllegalArgumentException("unknown target " + t + "; targets: " + ALL_TARGETS);
            }
        }
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        Path jar = root.resolve("target/sluice.jar");
        Path work = Files.createTempDirectory("sluice-bench");
        Servers servers = new Servers(root, jar, work);
        if (targets.contains("nginx") && !Servers.nginxAvailable()) {
            throw new IllegalStateException("nginx is not installed (bench/run installs it; or leave it out with --only)");
        }
        if (targets.contains("portkey") && !servers.portkeyAvailable()) {
            throw new IllegalStateException("Portkey is not installed in bench/.cache/portkey (bench/run installs it)");
        }
        List<String> notes = new ArrayList<>();
        Results results = new Results(quick, targets, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), notes);
        String loadBefore = Servers.loadAverage();
        try {
            int simPort = Processes.freePort();
            // every JVM under test logs its safepoints (its GC pauses among them) on CLOCK_MONOTONIC, so that the
            // stream probes can be lined up with them (ProbePauses): logging only, no other change to their flags
            Process sim = servers.java("simulator", List.of("-XX:+UseSerialGC", "-Xmx2g", safepointLog(work, "simulator")), "sim", "--port",
                    Integer.toString(simPort));
            Processes.awaitUp("http://127.0.0.1:" + simPort + "/v1/models");
            String adminKey = "bench-admin-key-0123456789abcdef";
            Map<String, Target> byName = new LinkedHashMap<>();
            Map<String, Process> processes = new LinkedHashMap<>();
            processes.put("direct", sim);
            for (String name : targets) {
                int port = Processes.freePort();
                switch (name) {
                    case "direct" -> byName.put(name, new Target(name, "127.0.0.1", simPort, new String[0]));
                    case "nginx" -> {
                        processes.put(name, servers.nginx(name, port, simPort));
                        Processes.awaitUp("http://127.0.0.1:" + port + "/v1/models");
                        byName.put(name, new Target(name, "127.0.0.1", port, new String[0]));
                    }
                    case "portkey" -> {
                        processes.put(name, servers.portkey(name, port));
                        Processes.awaitUp("http://127.0.0.1:" + port + "/");
                        byName.put(name, new Target(name, "127.0.0.1", port, portkeyHeaders(simPort)));
                    }
                    case "sluice" -> {
                        Path config = servers.sluiceConfig(name, port, simPort, true, true, true, adminKey);
                        processes.put(name, servers.java(name, withSafepointLog(Servers.sluiceJavaOpts(), work, name), "serve",
                                "--config", config.toString()));
                        Processes.awaitUp("http://127.0.0.1:" + port + "/health/ready");
                        String key = createKey(port, adminKey, "{\"name\":\"bench\"}");
                        byName.put(name, new Target(name, "127.0.0.1", port, new String[] {"Authorization", "Bearer " + key}));
                    }
                    case "sluice-off" -> {
                        Path config = servers.sluiceConfig(name, port, simPort, false, false, false, adminKey);
                        processes.put(name, servers.java(name, withSafepointLog(Servers.sluiceJavaOpts(), work, name), "serve",
                                "--config", config.toString()));
                        Processes.awaitUp("http://127.0.0.1:" + port + "/health/ready");
                        byName.put(name, new Target(name, "127.0.0.1", port, new String[0]));
                    }
                    default -> throw new IllegalStateException(name);
                }
            }
            List<Target> all = List.copyOf(byName.values());

            // (a) and (b): closed-loop latency, non-streaming and streaming, rounds alternating between targets
            long roundMillis = quick ? 800 : 4_000;
            int rounds = quick ? 2 : 3;
            String[] chatSim = {"x-sim-tokens", "16"};
            String[] streamSim = {"x-sim-tokens", "100", "x-sim-itl-ms", "1"};
            List<String> sets = List.of(scenarioSet.split(","));
            List<Scenario> scenarios = new ArrayList<>(List.of(
                    new Scenario("chat, concurrency 1", CHAT, chatSim, 1, false),
                    new Scenario("chat, concurrency 16", CHAT, chatSim, 16, false),
                    new Scenario("stream 100 tokens @1ms, concurrency 1", STREAM, streamSim, 1, true),
                    new Scenario("stream 100 tokens @1ms, concurrency 16", STREAM, streamSim, 16, true)));
            scenarios.removeIf(s -> !sets.contains(s.streaming() ? "b" : "a"));
            for (Scenario s : scenarios) {
                System.err.printf("%s: warming up%n", s.name());
                Map<String, Measured> m = new LinkedHashMap<>();
                for (Target t : all) {
                    measure(t, s, roundMillis);
                    m.put(t.name(), new Measured());
                }
                Map<String, long[]> switches = new LinkedHashMap<>(); // target -> {switches, requests}
                for (int r = 0; r < rounds; r++) {
                    for (Target t : all) {
                        long pid = processes.get(t.name()).pid();
                        long before = Servers.contextSwitches(pid);
                        Measured round = measure(t, s, roundMillis);
                        long[] sw = switches.computeIfAbsent(t.name(), k -> new long[2]);
                        sw[0] += Servers.contextSwitches(pid) - before;
                        sw[1] += round.latency.count();
                        m.get(t.name()).add(round);
                    }
                }
                if (!s.streaming()) {
                    StringBuilder sw = new StringBuilder("Thread waits a request, ").append(s.name())
                            .append(" (voluntary context switches of each target's own processes, every thread, over the"
                                    + " measured rounds; the simulator's for direct): the hand-offs a request costs:");
                    switches.forEach((name, v) -> sw.append(String.format(Locale.ROOT, " %s %.2f;", name,
                            v[1] == 0 ? Double.NaN : (double) v[0] / v[1])));
                    notes.add(sw.substring(0, sw.length() - 1) + ".");
                }
                StringBuilder line = new StringBuilder(s.name()).append(':');
                for (Target t : all) {
                    Row row = m.get(t.name()).row(s, t);
                    results.rows().add(row);
                    line.append(String.format(Locale.ROOT, " %s p50 %.0f us;", t.name(), row.p50()));
                }
                System.err.println(line);
            }

            // (a) maximum throughput, 16 connections
            if (!sets.contains("a")) {
                // no throughput without scenario (a)
            } else if (!quick && Wrk.available()) {
                int secs = 5;
                Map<String, long[]> sums = new LinkedHashMap<>();
                Map<String, double[]> secsSum = new LinkedHashMap<>();
                Map<String, Long> rssAfter = new LinkedHashMap<>();
                for (int r = 0; r < 2; r++) {
                    for (Target t : all) {
                        Wrk.Result w = Wrk.run(work, t, t.name().equals("direct") ? CHAT : CHAT, chatSim, 16, secs);
                        sums.computeIfAbsent(t.name(), k -> new long[2]);
                        secsSum.computeIfAbsent(t.name(), k -> new double[1]);
                        sums.get(t.name())[0] += w.requests();
                        sums.get(t.name())[1] += w.errors();
                        secsSum.get(t.name())[0] += w.seconds();
                        System.err.printf("throughput %s: %.0f req/s%n", t.name(), w.rps());
                        rssAfter.put(t.name(), Servers.rssKiB(processes.get(t.name()).pid()));
                    }
                }
                for (Target t : all) {
                    long[] s = sums.get(t.name());
                    results.throughput().add(new Throughput(t.name(), (s[0] - s[1]) / secsSum.get(t.name())[0], s[0], s[1],
                            "wrk, 16 connections, 2 x " + secs + " s", rssAfter.get(t.name())));
                }
            } else {
                if (!quick) {
                    notes.add("wrk is not installed: throughput is the closed loop's at concurrency 16.");
                }
                for (Row r : results.rows()) {
                    if (r.scenario().equals("chat, concurrency 16")) {
                        results.throughput().add(new Throughput(r.target(), r.rps(), r.requests(), r.errors(),
                                "closed loop, 16 connections", -1));
                    }
                }
            }

            // (c) many concurrent open streams: direct (the baseline TTFT) and through Sluice's default pipeline
            String floodTarget = targets.contains("sluice") ? "sluice" : targets.contains("sluice-off") ? "sluice-off" : null;
            if (floodTarget != null && sets.contains("c")) {
                // ramp at a rate the gateway can set streams up at on a small machine, long enough streams
                // that all are open together, then probe streams one at a time while all are open
                int perSecond = quick ? 400 : 300;
                // through the gateway, every other probe goes straight to the simulator in the same seconds (the
                // baseline of the added TTFT): 400 probes give each kind 200, so a p99 is its 2nd-slowest sample
                int probes = quick ? 20 : 400;
                int probesPerSecond = 50;
                int itl = quick ? 200 : 1_000;
                int tokens = quick ? 5 : (int) Math.min(120, streams / perSecond + probes / probesPerSecond + 15);
                // each stream on its own schedule (x-sim-itl-scheduled): with sleep(itl) after each write, a pause of the
                // simulator (its young collections while the ramp fills its old generation: 50-150 ms) left every
                // stream it held in step for the rest of the flood, a burst at the same point of every second that
                // the probes, direct and through the gateway, waited behind (bench/README.md, session 13)
                String[] floodSim = {"x-sim-tokens", Integer.toString(tokens), "x-sim-itl-ms", Integer.toString(itl),
                        "x-sim-itl-scheduled", "true"};
                long self = Servers.openFilesLimit(ProcessHandle.current().pid());
                long simLimit = Servers.openFilesLimit(sim.pid());
                Process gw = processes.get(floodTarget);
                long gwLimit = Servers.openFilesLimit(gw.pid());
                long possible = Math.min(Math.min(self, simLimit) - 200, (gwLimit - 200) / 2);
                int n = (int) Math.min(streams, possible - probes);
                String limitNote = n < streams ? String.format(Locale.ROOT,
                        "%d requested; open-files limits (harness %d, simulator %d, gateway %d: 2 per stream) allow %d "
                        + "besides the %d probe streams", streams, self, simLimit, gwLimit, n, probes) : "";
                if (!limitNote.isEmpty()) {
                    notes.add("Streams at scale: " + limitNote + ".");
                }
                long deadline = (long) n * 1000 / perSecond + (long) probes * 1000 / probesPerSecond + (long) tokens * itl
                        + 120_000;
                Target direct = byName.get("direct");
                for (String name : List.of("direct", floodTarget)) {
                    Target t = byName.get(name);
                    Process p = processes.get(name);
                    System.gc();
                    Thread.sleep(1_000);
                    System.err.printf("streams at scale: %d streams to %s%n", n, name);
                    List<ProbePauses.Probe> probeTimes = new ArrayList<>();
                    StreamFlood.Result r = StreamFlood.run(t.host(), t.port(), STREAM.getBytes(StandardCharsets.UTF_8),
                            concat(t.headers(), floodSim), n, perSecond, probes, probesPerSecond,
                            () -> Servers.rssKiB(p.pid()), deadline,
                            name.equals("direct") ? null : new StreamFlood.Baseline(direct.host(), direct.port(),
                                    concat(direct.headers(), floodSim)),
                            (toDirect, sent, ttft) -> probeTimes.add(new ProbePauses.Probe(toDirect, sent, ttft)));
                    if (!name.equals("direct")) {
                        String pauses = ProbePauses.summary(probeTimes,
                                ProbePauses.pauses(work.resolve(name + "-safepoints.log")),
                                ProbePauses.pauses(work.resolve("simulator-safepoints.log")));
                        System.err.println("  " + pauses);
                        notes.add("Streams at scale, " + name + ", probes and stop-the-world pauses: " + pauses + ".");
                    }
                    System.err.printf("  %d completed, %d errors, peak open %d, TTFT p99 %.0f us (probes %.0f us), RSS %d -> %d MiB%s%n",
                            r.completed(), r.errors(), r.peakOpen(), r.ttft().percentileMicros(99),
                            r.probeTtft().percentileMicros(99), r.rssBeforeKiB() / 1024,
                            r.rssPeakKiB() / 1024, r.firstError() == null ? "" : ", first error: " + r.firstError());
                    results.floods().add(new Flood(name, streams, limitNote, perSecond, r));
                }
            }

            // (d) cold start and idle memory, each on a fresh instance while the others stay up
            Startups startups = new Startups(servers, simPort, adminKey, quick);
            for (String name : sets.contains("d") ? targets : List.<String>of()) {
                switch (name) {
                    case "sluice" -> {
                        String flags = "the launcher's JVM flags (" + String.join(" ", Servers.sluiceJavaOpts()) + ")";
                        results.startups().add(startups.sluice("sluice", flags, List.of()));
                        if (!quick) {
                            results.startups().add(startups.sluiceRestart("sluice, restart", flags, List.of()));
                            // what a user runs: ./sluice itself, with the AOT cache its background training made
                            java.nio.file.Path aot = startups.launcherCache();
                            if (aot != null) {
                                String how = "./sluice serve (" + flags + " + -XX:AOTCache=target/sluice.aot, trained by the"
                                        + " launcher after the build: serve + 50 chat and 50 streamed requests)";
                                results.startups().add(startups.launcher("sluice + AOT cache (./sluice)", how, false));
                                results.startups().add(startups.launcher("sluice + AOT cache, restart (launcher default)",
                                        how, true));
                            } else {
                                notes.add("The launcher's AOT training wrote no cache; see target/aot-training.log");
                            }
                            results.startups().add(startups.sluiceWith("sluice, previous flags", String.join(" ",
                                    Startups.PREVIOUS_FLAGS) + " (before the launcher's memory flags)", Startups.PREVIOUS_FLAGS));
                        }
                    }
                    case "nginx" -> results.startups().add(startups.nginx());
                    case "portkey" -> results.startups().add(startups.portkey());
                    default -> { }
                }
            }
        } finally {
            servers.stopAll();
        }
        String loadAfter = Servers.loadAverage();
        List<String> problems = Report.write(root, results, loadBefore, loadAfter);
        if (!problems.isEmpty()) {
            System.err.println((quick ? "Harness problems (the smoke run fails):" : "Errors or missing figures (listed in the report):"));
            problems.forEach(p -> System.err.println("  - " + p));
            if (quick) {
                System.exit(1); // the smoke run guards the harness; the full run reports what it saw
            }
        }
    }

    static String[] portkeyHeaders(int simPort) {
        return new String[] {"Authorization", "Bearer sk-bench", "x-portkey-provider", "openai",
            "x-portkey-custom-host", "http://127.0.0.1:" + simPort + "/v1",
            "x-portkey-forward-headers", "x-sim-tokens,x-sim-itl-ms"};
    }

    /** Samples gathered over several rounds of one target. */
    static final class Measured {
        final Stats latency = new Stats();
        final Stats ttft = new Stats();
        double seconds;

        void add(Measured other) {
            latency.addAll(other.latency);
            ttft.addAll(other.ttft);
            seconds += other.seconds;
        }

        Row row(Scenario s, Target t) {
            return new Row(s.name(), t.name(), s.concurrency(), latency.count(), latency.errors(),
                    latency.count() / seconds, latency.percentileMicros(50), latency.percentileMicros(99),
                    latency.percentileMicros(99.9), s.streaming() ? ttft.percentileMicros(50) : Double.NaN,
                    s.streaming() ? ttft.percentileMicros(99) : Double.NaN);
        }
    }

    static Measured measure(Target target, Scenario s, long millis) throws InterruptedException {
        byte[] body = s.bodyFor(target).getBytes(StandardCharsets.UTF_8);
        String[] headers = concat(target.headers(), s.simHeaders());
        Measured m = new Measured();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < s.concurrency(); i++) {
            workers.add(Thread.ofPlatform().start(() -> {
                Stats latency = new Stats();
                Stats ttft = new Stats();
                try (RawHttpClient client = new RawHttpClient(target.host(), target.port())) {
                    while (!stop.get()) {
                        try {
                            RawHttpClient.Result r = client.post("/v1/chat/completions", body, headers);
                            if (r.status() != 200) {
                                latency.error();
                                continue;
                            }
                            latency.add(r.doneNanos() - r.sentNanos());
                            ttft.add(r.firstDataEventNanos() - r.sentNanos());
                        } catch (IOException e) {
                            latency.error();
                            client.close();
                        }
                    }
                }
                m.latency.addAll(latency);
                m.ttft.addAll(ttft);
            }));
        }
        long start = System.nanoTime();
        Thread.sleep(millis);
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        m.seconds = (System.nanoTime() - start) / 1e9;
        return m;
    }

    static String createKey(int port, String adminKey, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/admin/keys").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Authorization", "Bearer " + adminKey);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        String answer = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(answer);
        if (!m.find()) {
            throw new IllegalStateException("no key in " + answer);
        }
        return m.group(1);
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String now() {
        return Instant.now().toString();
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    /** -Xlog of a JVM's safepoints to {@code work/<name>-safepoints.log}, CLOCK_MONOTONIC times (see ProbePauses). */
    static String safepointLog(Path work, String name) {
        return "-Xlog:safepoint:file=" + work.resolve(name + "-safepoints.log") + ":timenanos";
    }

    private static List<String> withSafepointLog(List<String> flags, Path work, String name) {
        List<String> all = new ArrayList<>(flags);
        all.add(safepointLog(work, name));
        return all;
    }
}
