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
import java.util.List;
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
    private static final String RESILIENT_CHAT = CHAT.replace("gpt-4o-mini", "gpt-4o-mini-resilient");
    private static final String STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Write a short story about a river.\"}]}";

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
               double p99, double ttftP50, double ttftP99) {}

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        Path jar = root.resolve("target/sluice.jar");
        Path work = Files.createTempDirectory("sluice-bench");
        Processes procs = new Processes(jar, work);
        List<String> jvm = List.of("-XX:+UseSerialGC", "-Xmx1g");
        try {
            int simPort = Processes.freePort();
            procs.java("simulator", jvm, "sim", "--port", Integer.toString(simPort));
            Processes.awaitUp("http://127.0.0.1:" + simPort + "/v1/models");

            int gwPort = Processes.freePort();
            String adminKey = "bench-admin-key-0123456789abcdef";
            Path config = work.resolve("sluice.yaml");
            Files.writeString(config, """
                    server: {host: 127.0.0.1, port: %d}
                    auth: {enabled: true, admin_key: %s}
                    store: {path: %s}
                    providers:
                      sim: {type: openai, base_url: "http://127.0.0.1:%5$d/v1", forward_headers: ["x-sim-*"]}
                      sim-b: {type: openai, base_url: "http://127.0.0.1:%5$d/v1", forward_headers: ["x-sim-*"]}
                    models:
                      gpt-4o-mini: {provider: sim}
                      gpt-4o-mini-resilient:
                        retries: 3
                        deployments:
                          - {provider: sim, model: gpt-4o-mini}
                          - {provider: sim-b, model: gpt-4o-mini}
                    """.formatted(gwPort, adminKey, work.resolve("bench.db"), simPort, simPort));
            procs.java("gateway", jvm, "serve", "--config", config.toString());
            Processes.awaitUp("http://127.0.0.1:" + gwPort + "/health/ready");
            String key = createKey(gwPort, adminKey, "{\"name\":\"bench\"}");
            // limits high enough never to refuse, so the run measures what checking them costs
            String limitedKey = createKey(gwPort, adminKey, "{\"name\":\"bench-limited\",\"limits\":{\"rpm\":1000000000,"
                    + "\"tpm\":2000000000,\"concurrency\":100000},\"budget\":{\"daily_usd\":1000000}}");

            Target direct = new Target("direct", "127.0.0.1", simPort, new String[0]);
            Target sluice = new Target("sluice", "127.0.0.1", gwPort, new String[] {"Authorization", "Bearer " + key});
            Target limited = new Target("sluice, limits on", "127.0.0.1", gwPort,
                    new String[] {"Authorization", "Bearer " + limitedKey});
            long roundMillis = quick ? 1_500 : 5_000;
            int rounds = quick ? 2 : 3;
            List<Scenario> scenarios = List.of(
                    new Scenario("chat, concurrency 1", CHAT, new String[] {"x-sim-tokens", "16"}, 1, false),
                    new Scenario("chat, concurrency 16", CHAT, new String[] {"x-sim-tokens", "16"}, 16, false),
                    new Scenario("chat, concurrency 16, key limits and budget off vs on", CHAT,
                            new String[] {"x-sim-tokens", "16"}, 16, false, CHAT, true),
                    new Scenario("chat, concurrency 16, no faults (2 deployments, retries 3)", CHAT,
                            new String[] {"x-sim-tokens", "16"}, 16, false, RESILIENT_CHAT),
                    new Scenario("chat, concurrency 16, 30% upstream 503s (2 deployments, retries 3)", CHAT,
                            new String[] {"x-sim-tokens", "16", "x-sim-error-rate", "0.3", "x-sim-error-status", "503"},
                            16, false, RESILIENT_CHAT),
                    new Scenario("stream 100 tokens @1ms, concurrency 1", STREAM,
                            new String[] {"x-sim-tokens", "100", "x-sim-itl-ms", "1"}, 1, true),
                    new Scenario("stream 100 tokens @1ms, concurrency 16", STREAM,
                            new String[] {"x-sim-tokens", "100", "x-sim-itl-ms", "1"}, 16, true));

            List<Row> rows = new ArrayList<>();
            for (Scenario s : scenarios) {
                System.err.printf("%s: warming up%n", s.name());
                measure(direct, s, roundMillis);
                measure(sluice, s, roundMillis);
                Measured d = new Measured();
                Measured g = new Measured();
                Measured l = new Measured();
                if (s.withLimits()) {
                    measure(limited, s, roundMillis);
                }
                for (int r = 0; r < rounds; r++) {
                    d.add(measure(direct, s, roundMillis));
                    g.add(measure(sluice, s, roundMillis));
                    if (s.withLimits()) {
                        l.add(measure(limited, s, roundMillis));
                    }
                }
                rows.add(d.row(s, direct));
                rows.add(g.row(s, sluice));
                if (s.withLimits()) {
                    rows.add(l.row(s, limited));
                }
                System.err.printf("%s: direct p50 %.0f us, sluice p50 %.0f us%n", s.name(), d.latency.percentileMicros(50),
                        g.latency.percentileMicros(50));
            }
            Report.write(root, rows, quick);
        } finally {
            procs.stopAll();
        }
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
                    s.streaming() ? ttft.percentileMicros(50) : Double.NaN,
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

    private static String[] concat(String[] a, String[] b) {
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
}
