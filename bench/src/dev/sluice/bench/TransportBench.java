package dev.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The transport comparison of issue 15: minimal proxies (parse and re-write the JSON, forward to the
 * simulator) on Helidon SE (server + WebClient, the gateway's stack until then), on Netty 4.2 with
 * its own client on the same event loops, and on Netty with the JDK HttpClient for the upstream hop,
 * with nginx as the reference when installed. All in one run, each proxy in its own JVM with the
 * launcher's flags: throughput with wrk (16 connections), the proxy's CPU per request over that run
 * (from /proc/PID/stat), p50/p99 at concurrency 1 (rounds alternating), and resident memory per
 * open SSE stream. The proxies live in bench/transport (their own pom), so the comparison keeps
 * running whatever the gateway ships.
 *
 * <p>Run: {@code bench/run transport [--quick]}.
 */
public final class TransportBench {
    private static final String[] CHAT_SIM = {"x-sim-tokens", "16"};

    record Row(String target, double rps, long requests, long errors, double cpuMicrosPerRequest, String tool,
               double p50, double p99, double p999, long streams, long streamErrors, long rssBeforeKiB,
               long rssPeakKiB, double probeTtftP99) {
        double kibPerStream() {
            return streams == 0 ? Double.NaN : (rssPeakKiB - rssBeforeKiB) / (double) streams;
        }
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        String cp = System.getProperty("transport.cp");
        if (cp == null) {
            throw new IllegalStateException("run through bench/run transport (it builds the proxies' classpath)");
        }
        Path jar = root.resolve("target/sluice.jar");
        Path work = Files.createTempDirectory("sluice-transport");
        Servers servers = new Servers(root, jar, work);
        String loadBefore = Servers.loadAverage();
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try {
            int simPort = Processes.freePort();
            Process sim = servers.java("simulator", List.of("-XX:+UseSerialGC", "-Xmx2g"), "sim", "--port",
                    Integer.toString(simPort));
            Processes.awaitUp("http://127.0.0.1:" + simPort + "/v1/models");
            Map<String, GatewayBench.Target> targets = new LinkedHashMap<>();
            Map<String, Process> procs = new LinkedHashMap<>();
            targets.put("direct", new GatewayBench.Target("direct", "127.0.0.1", simPort, new String[0]));
            procs.put("direct", sim);
            if (Servers.nginxAvailable()) {
                int port = Processes.freePort();
                procs.put("nginx", servers.nginx("nginx", port, simPort));
                targets.put("nginx", new GatewayBench.Target("nginx", "127.0.0.1", port, new String[0]));
            } else {
                notes.add("nginx is not installed: no reference row (bench/run installs it for the full run).");
            }
            Map<String, String[]> proxies = new LinkedHashMap<>();
            proxies.put("helidon", new String[] {"dev.sluice.bench.transport.HelidonProxy"});
            proxies.put("netty", new String[] {"dev.sluice.bench.transport.NettyProxy", "netty"});
            proxies.put("netty+jdk-client", new String[] {"dev.sluice.bench.transport.NettyProxy", "jdk"});
            for (Map.Entry<String, String[]> p : proxies.entrySet()) {
                int port = Processes.freePort();
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(Startups.LAUNCHER_FLAGS);
                cmd.add("-cp");
                cmd.add(cp);
                cmd.add(p.getValue()[0]);
                cmd.add(Integer.toString(port));
                cmd.add(Integer.toString(simPort));
                if (p.getValue().length > 1) {
                    cmd.add(p.getValue()[1]);
                }
                procs.put(p.getKey(), servers.start(p.getKey(), cmd));
                targets.put(p.getKey(), new GatewayBench.Target(p.getKey(), "127.0.0.1", port, new String[0]));
            }
            for (GatewayBench.Target t : targets.values()) {
                Processes.awaitUp("http://127.0.0.1:" + t.port() + "/v1/models");
            }
            List<GatewayBench.Target> all = List.copyOf(targets.values());
            boolean wrk = Wrk.available();
            if (!wrk) {
                notes.add("wrk is not installed: throughput and CPU are the closed loop's at 16 connections.");
            }
            int secs = quick ? 2 : 8;
            int rounds = quick ? 1 : 2;
            GatewayBench.Scenario c16 = new GatewayBench.Scenario("chat, concurrency 16", GatewayBench.chatBody(),
                    CHAT_SIM, 16, false);
            // warm-up: JIT and pools of every target
            for (GatewayBench.Target t : all) {
                System.err.printf("warming up %s%n", t.name());
                GatewayBench.measure(t, c16, quick ? 1_000 : 3_000); // first requests are slow (JIT, lazy set-up)
                throughput(work, t, c16, wrk, quick ? 1 : 4);
            }
            Map<String, double[]> sums = new LinkedHashMap<>(); // requests, errors, seconds, cpu ticks
            for (int r = 0; r < rounds; r++) {
                for (GatewayBench.Target t : all) {
                    long pid = procs.get(t.name()).pid();
                    long cpu0 = cpuTicks(pid);
                    Wrk.Result w = throughput(work, t, c16, wrk, secs);
                    long cpu1 = cpuTicks(pid);
                    double[] s = sums.computeIfAbsent(t.name(), k -> new double[4]);
                    s[0] += w.requests();
                    s[1] += w.errors();
                    s[2] += w.seconds();
                    s[3] += cpu1 - cpu0;
                    System.err.printf("throughput %s: %.0f req/s, %.0f us CPU/req%n", t.name(), w.rps(),
                            (cpu1 - cpu0) * 1e6 / TICKS / Math.max(1, w.requests()));
                }
            }
            // latency at concurrency 1, rounds alternating
            GatewayBench.Scenario c1 = new GatewayBench.Scenario("chat, concurrency 1", GatewayBench.chatBody(),
                    CHAT_SIM, 1, false);
            Map<String, GatewayBench.Measured> lat = new LinkedHashMap<>();
            for (GatewayBench.Target t : all) {
                GatewayBench.measure(t, c1, quick ? 300 : 1_000);
                lat.put(t.name(), new GatewayBench.Measured());
            }
            for (int r = 0; r < (quick ? 2 : 4); r++) {
                for (GatewayBench.Target t : all) {
                    lat.get(t.name()).add(GatewayBench.measure(t, c1, quick ? 500 : 3_000));
                }
            }
            // open streams: RSS per stream while N streams are held open
            int n = quick ? 100 : 2_000;
            long possible = Math.min(Servers.openFilesLimit(ProcessHandle.current().pid()),
                    Servers.openFilesLimit(sim.pid())) - 200;
            if (n > possible / 2) {
                n = (int) (possible / 2);
                notes.add("Open streams: the open-files limit allows " + n + " streams per target.");
            }
            int perSecond = quick ? 200 : 500;
            int itl = quick ? 200 : 1_000;
            int tokens = quick ? 5 : n / perSecond + 10;
            String[] floodSim = {"x-sim-tokens", Integer.toString(tokens), "x-sim-itl-ms", Integer.toString(itl)};
            Map<String, StreamFlood.Result> floods = new LinkedHashMap<>();
            for (GatewayBench.Target t : all) {
                if (t.name().equals("direct")) {
                    continue;
                }
                Process p = procs.get(t.name());
                Thread.sleep(500);
                System.err.printf("streams: %d open streams through %s%n", n, t.name());
                StreamFlood.Result r = StreamFlood.run(t.host(), t.port(),
                        GatewayBench.streamBody().getBytes(StandardCharsets.UTF_8), floodSim, n, perSecond,
                        quick ? 5 : 50, 50, () -> Servers.rssKiB(p.pid()),
                        (long) n * 1000 / perSecond + (long) tokens * itl + 120_000, null);
                floods.put(t.name(), r);
                System.err.printf("  %d completed, %d errors, RSS %d -> %d MiB%s%n", r.completed(), r.errors(),
                        r.rssBeforeKiB() / 1024, r.rssPeakKiB() / 1024,
                        r.firstError() == null ? "" : ", first error: " + r.firstError());
            }
            for (GatewayBench.Target t : all) {
                double[] s = sums.get(t.name());
                GatewayBench.Measured m = lat.get(t.name());
                StreamFlood.Result f = floods.get(t.name());
                rows.add(new Row(t.name(), (s[0] - s[1]) / s[2], (long) s[0], (long) s[1],
                        s[3] * 1e6 / TICKS / Math.max(1, s[0]),
                        wrk ? "wrk -c16, " + rounds + " x " + secs + " s" : "closed loop c=16, " + rounds + " x " + secs + " s",
                        m.latency.percentileMicros(50), m.latency.percentileMicros(99), m.latency.percentileMicros(99.9),
                        f == null ? 0 : f.requested(), f == null ? 0 : f.errors(), f == null ? 0 : f.rssBeforeKiB(),
                        f == null ? 0 : f.rssPeakKiB(), f == null ? Double.NaN : f.probeTtft().percentileMicros(99)));
            }
        } finally {
            servers.stopAll();
        }
        String loadAfter = Servers.loadAverage();
        Path out = root.resolve("bench/results/" + (quick ? "transport-quick.md" : "transport.md"));
        Files.writeString(out, report(rows, notes, quick, loadBefore, loadAfter));
        System.err.println("wrote " + out);
        System.out.println(Files.readString(out));
        boolean failed = rows.stream().anyMatch(r -> r.requests() == 0 || r.errors() > 0 || r.streamErrors() > 0);
        if (failed && quick) {
            System.exit(1);
        }
    }

    private static final double TICKS = 100; // USER_HZ on Linux

    /** utime + stime of a process (all its threads, and nginx's workers), in clock ticks. */
    static long cpuTicks(long pid) {
        long total = ownTicks(pid);
        for (ProcessHandle c : ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of())) {
            total += ownTicks(c.pid());
        }
        return total;
    }

    private static long ownTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Wrk.Result throughput(Path work, GatewayBench.Target t, GatewayBench.Scenario s, boolean wrk, int secs)
            throws IOException, InterruptedException {
        if (wrk) {
            return Wrk.run(work, t, GatewayBench.chatBody(), CHAT_SIM, 16, secs);
        }
        GatewayBench.Measured m = GatewayBench.measure(t, s, secs * 1000L);
        return new Wrk.Result(m.latency.count() / m.seconds, m.latency.count() + m.latency.errors(),
                m.latency.errors(), m.seconds);
    }

    static String report(List<Row> rows, List<String> notes, boolean quick, String loadBefore, String loadAfter) {
        Row direct = rows.stream().filter(r -> r.target().equals("direct")).findFirst().orElseThrow();
        Row nginx = rows.stream().filter(r -> r.target().equals("nginx")).findFirst().orElse(null);
        StringBuilder md = new StringBuilder("# Transport comparison").append(quick ? " (quick smoke run)" : "")
                .append("\n\n").append(GatewayBench.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, load average ").append(loadBefore).append(" before, ").append(loadAfter).append(" after. ")
                .append("Each proxy parses and re-writes the request JSON (and a non-streamed answer's), forwards to the ")
                .append("simulator (16 tokens, no delay) and runs in its own JVM with the launcher's flags (")
                .append(String.join(" ", Startups.LAUNCHER_FLAGS)).append("). CPU is the proxy process's own ")
                .append("(user + system, /proc) over the throughput runs, divided by the requests it served. ")
                .append("Added latency is the target's minus direct's from the same alternating rounds.\n\n")
                .append("| target | req/s (16 conn) | % of nginx | CPU µs/req | c=1 p50 | added p50 | c=1 p99 | added p99 "
                        + "| p99.9 | open streams | RSS before → peak | KiB/stream | new stream TTFT p99 |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            boolean isDirect = r.target().equals("direct");
            md.append("| ").append(r.target())
                    .append(" | ").append(GatewayBench.fmt(r.rps())).append(r.errors() > 0 ? " (" + r.errors() + " errors)" : "")
                    .append(" | ").append(nginx == null || isDirect ? "-" : GatewayBench.fmt(100 * r.rps() / nginx.rps()) + "%")
                    .append(" | ").append(GatewayBench.fmt(r.cpuMicrosPerRequest()))
                    .append(" | ").append(GatewayBench.fmt(r.p50())).append(" µs")
                    .append(" | ").append(isDirect ? "-" : GatewayBench.fmt(r.p50() - direct.p50()) + " µs")
                    .append(" | ").append(GatewayBench.fmt(r.p99())).append(" µs")
                    .append(" | ").append(isDirect ? "-" : GatewayBench.fmt(r.p99() - direct.p99()) + " µs")
                    .append(" | ").append(GatewayBench.fmt(r.p999())).append(" µs")
                    .append(" | ").append(r.streams() == 0 ? "-" : r.streams() + (r.streamErrors() > 0 ? " (" + r.streamErrors() + " errors)" : ""))
                    .append(" | ").append(r.streams() == 0 ? "-" : r.rssBeforeKiB() / 1024 + " → " + r.rssPeakKiB() / 1024 + " MiB")
                    .append(" | ").append(GatewayBench.fmt(r.kibPerStream()))
                    .append(" | ").append(r.streams() == 0 ? "-" : GatewayBench.fmt(r.probeTtftP99()) + " µs")
                    .append(" |\n");
        }
        md.append("\nThroughput tool: ").append(rows.getFirst().tool()).append(". The direct row's CPU is the simulator's.\n");
        for (String n : notes) {
            md.append("\n- ").append(n);
        }
        md.append('\n');
        return md.toString();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
