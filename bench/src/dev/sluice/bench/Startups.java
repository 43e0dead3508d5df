package dev.sluice.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Scenario (d): cold start to the first 200 on a chat completion (process spawn to answer, median
 * of 3 fresh starts) and resident memory when idle, right after start and after a warm-up. A first
 * start gets a fresh database (Flyway migrates it), a restart one this build migrated before.
 */
final class Startups {
    /** The JVM flags {@code ./sluice} starts the gateway with (keep in step with the launcher). */
    static final List<String> LAUNCHER_FLAGS = List.of("-XX:+UseSerialGC", "-Xms16m", "-XX:NewRatio=1",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:-ShrinkHeapInSteps", "-XX:+UseCompactObjectHeaders",
            "--sun-misc-unsafe-memory-access=allow");

    /** The launcher's flags before they were tuned for memory, for comparison. */
    static final List<String> PREVIOUS_FLAGS = List.of("-XX:+UseSerialGC");

    private static final String[] CHAT_SIM = {"x-sim-tokens", "16"};

    /**
     * When the "idle after a warm-up" reading is taken, from the end of the warm-up. The 2 s reading is taken
     * too, but a gateway 2 s after traffic is not idle yet: Sluice's {@code IdleHeapTrim} gives the heap and
     * glibc's freed arenas back once no collection has happened for 10 s (its check runs every 2.5 s, so
     * 10-12.5 s after the last one). Every target is read at the same moment.
     */
    static final long QUIET_MILLIS = 20_000;
    private final Servers servers;
    private final int simPort;
    private final boolean quick;
    private int seq;

    Startups(Servers servers, int simPort, String adminKey, boolean quick) {
        this.servers = servers;
        this.simPort = simPort;
        this.quick = quick;
    }

    private interface Launch {
        Process start(int port) throws IOException;
    }

    GatewayBench.Startup sluice(String label, String how, List<String> extraJvm) throws Exception {
        return sluiceWith(label, how, jvmWith(extraJvm));
    }

    /** With exactly these JVM flags, whatever SLUICE_JAVA_OPTS says. */
    GatewayBench.Startup sluiceWith(String label, String how, List<String> jvm) throws Exception {
        return measure(label, how + "; auth off (a fresh database has no keys), limits, request log and tracing on",
                port -> servers.java("cold-" + (++seq), jvm, "serve", "--config",
                        servers.sluiceConfig("cold-" + seq, port, simPort, false, true, true, null).toString()),
                port -> new GatewayBench.Target("cold", "127.0.0.1", port, new String[0]));
    }

    GatewayBench.Startup nginx() throws Exception {
        return measure("nginx", "worker_processes auto", port -> servers.nginx("nginx-cold-" + (++seq), port, simPort),
                port -> new GatewayBench.Target("cold", "127.0.0.1", port, new String[0]));
    }

    GatewayBench.Startup portkey() throws Exception {
        return measure("portkey", "node start-server.js --headless",
                port -> servers.portkey("portkey-cold-" + (++seq), port),
                port -> new GatewayBench.Target("cold", "127.0.0.1", port, GatewayBench.portkeyHeaders(simPort)));
    }

    /**
     * Restarts on a database an earlier start of the same build migrated (the usual restart of a
     * deployment); {@link #sluice} measures first starts, each on a fresh database that Flyway migrates.
     */
    GatewayBench.Startup sluiceRestart(String label, String how, List<String> extraJvm) throws Exception {
        List<String> jvm = jvmWith(extraJvm);
        // one start, not measured, migrates restart.db; every measured start reuses it (the config is rewritten per port)
        int first = Processes.freePort();
        Process p = servers.java("restart-0", jvm, "serve", "--config",
                servers.sluiceConfig("restart", first, simPort, false, true, true, null).toString());
        try {
            firstOk(new GatewayBench.Target("restart", "127.0.0.1", first, new String[0]), System.nanoTime() + 60_000_000_000L);
        } finally {
            Servers.stop(p);
        }
        return measure(label, how + "; restarts on a database already migrated by this build; auth off, limits,"
                        + " request log and tracing on",
                port -> servers.java("restart-" + (++seq), jvm, "serve", "--config",
                        servers.sluiceConfig("restart", port, simPort, false, true, true, null).toString()),
                port -> new GatewayBench.Target("cold", "127.0.0.1", port, new String[0]));
    }

    /**
     * The launcher's own AOT cache, {@code target/sluice.aot}, as a user has it: when it is missing or older
     * than the jar, any {@code ./sluice} command starts the launcher's background training, and this waits for
     * it (up to 15 minutes). Returns null if no cache came of it (the training's log is target/aot-training.log).
     */
    Path launcherCache() throws Exception {
        Path aot = servers.root().resolve("target/sluice.aot");
        if (!fresh(aot)) {
            Process version = servers.start("launcher-version", List.of(servers.root().resolve("sluice").toString(),
                    "--version"));
            version.waitFor(120, TimeUnit.SECONDS);
            Path training = servers.root().resolve("target/sluice.aot.training");
            long deadline = System.nanoTime() + 900_000_000_000L;
            while (!fresh(aot) && Files.exists(training) && System.nanoTime() < deadline) {
                Thread.sleep(1_000);
            }
        }
        return fresh(aot) ? aot : null;
    }

    private boolean fresh(Path aot) throws IOException {
        return Files.isRegularFile(aot)
                && Files.getLastModifiedTime(aot).compareTo(Files.getLastModifiedTime(servers.jar())) > 0;
    }

    /**
     * Started as a user starts it, {@code ./sluice serve --config FILE} (its flags, its AOT cache once
     * {@link #launcherCache} made it), on a fresh database, or with {@code restart} on one migrated before.
     */
    GatewayBench.Startup launcher(String label, String how, boolean restart) throws Exception {
        List<String> sluice = List.of(servers.root().resolve("sluice").toString(), "serve", "--config");
        String db = restart ? "launcher-restart" : null;
        if (restart) {
            int first = Processes.freePort();
            Process p = servers.start("launcher-restart-0", concat(sluice,
                    servers.sluiceConfig(db, first, simPort, false, true, true, null).toString()));
            try {
                firstOk(new GatewayBench.Target("restart", "127.0.0.1", first, new String[0]), System.nanoTime() + 60_000_000_000L);
            } finally {
                Servers.stop(p);
            }
        }
        return measure(label, how + (restart ? "; restarts on a database already migrated by this build" : "; a fresh database")
                        + "; auth off, limits, request log and tracing on",
                port -> {
                    String name = "launcher-" + (++seq);
                    return servers.start(name, concat(sluice,
                            servers.sluiceConfig(restart ? db : name, port, simPort, false, true, true, null).toString()));
                },
                port -> new GatewayBench.Target("cold", "127.0.0.1", port, new String[0]));
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    private static List<String> jvmWith(List<String> extra) {
        List<String> jvm = new ArrayList<>(Servers.sluiceJavaOpts());
        jvm.addAll(extra);
        return jvm;
    }

    private GatewayBench.Startup measure(String label, String how, Launch launch,
                                         IntFunction<GatewayBench.Target> target) throws Exception {
        int runs = quick ? 1 : 3;
        List<Double> millis = new ArrayList<>();
        long idle = -1;
        long warm = -1;
        long quiet = -1;
        for (int i = 0; i < runs; i++) {
            int port = Processes.freePort();
            GatewayBench.Target t = target.apply(port);
            long t0 = System.nanoTime();
            Process p = launch.start(port);
            try {
                long ok = firstOk(t, t0 + 60_000_000_000L);
                millis.add((ok - t0) / 1e6);
                System.err.printf("cold start %s: %.0f ms%n", label, (ok - t0) / 1e6);
                if (i == runs - 1) {
                    Thread.sleep(2_000);
                    idle = Servers.rssKiB(p.pid());
                    warmUp(t, quick ? 1_000 : 3_000);
                    Thread.sleep(2_000);
                    warm = Servers.rssKiB(p.pid());
                    if (!quick) { // the smoke run stays short
                        Thread.sleep(QUIET_MILLIS - 2_000);
                        quiet = Servers.rssKiB(p.pid());
                    }
                }
            } finally {
                Servers.stop(p);
            }
        }
        return new GatewayBench.Startup(label, how, millis, idle, warm, quiet);
    }

    /** Polls with a chat completion until one answers 200; returns that moment (System.nanoTime). */
    private static long firstOk(GatewayBench.Target t, long deadline) throws Exception {
        byte[] body = GatewayBench.chatBody().getBytes(StandardCharsets.UTF_8);
        String[] headers = GatewayBench.concat(t.headers(), CHAT_SIM);
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            try (RawHttpClient c = new RawHttpClient(t.host(), t.port())) {
                RawHttpClient.Result r = c.post("/v1/chat/completions", body, headers);
                if (r.status() == 200) {
                    return r.doneNanos();
                }
                last = "status " + r.status();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("no 200 from " + t.port() + " within 60 s; last: " + last);
    }

    private static void warmUp(GatewayBench.Target t, long millis) throws InterruptedException {
        GatewayBench.measure(t, new GatewayBench.Scenario("warm-up", GatewayBench.chatBody(), CHAT_SIM, 16, false), millis);
        GatewayBench.measure(t, new GatewayBench.Scenario("warm-up", GatewayBench.streamBody(),
                new String[] {"x-sim-tokens", "100", "x-sim-itl-ms", "1"}, 4, true), millis / 3);
    }
}
