package dev.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What resilience and limits cost and buy, in one run (issues 4 and 5):
 * <ol>
 *   <li>a model with two deployments and 3 retries, with no faults and with 30% of upstream calls
 *       failing with 503: the client's success rate and the added latency, against direct;</li>
 *   <li>the same gateway with a key that has rpm, tpm, concurrency and budget limits (high enough
 *       never to refuse) against a key without: what checking and settling limits costs.</li>
 * </ol>
 * Rounds alternate between the variants. Run: {@code bench/run resilience [--quick]};
 * results in {@code bench/results/resilience.md}.
 */
public final class ResilienceBench {
    private static final byte[] CHAT = ("{\"model\":\"resilient\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Summarise the benefits of an LLM gateway in two sentences.\"}]}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] DIRECT = ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Summarise the benefits of an LLM gateway in two sentences.\"}]}").getBytes(StandardCharsets.UTF_8);
    private static final String[] NO_FAULTS = {"x-sim-tokens", "16"};
    private static final String[] FAULTS = {"x-sim-tokens", "16", "x-sim-error-rate", "0.3", "x-sim-error-status", "503"};

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sluice-resilience-bench");
        Processes procs = new Processes(root.resolve("target/sluice.jar"), work);
        List<String> jvm = List.of("-XX:+UseSerialGC", "-Xmx1g");
        long millis = quick ? 1_500 : 5_000;
        int rounds = quick ? 2 : 4;
        int concurrency = 16;
        StringBuilder md = new StringBuilder();
        md.append("Resilience and limits").append(quick ? " (quick run)" : "").append(" — ").append(Instant.now())
                .append(", commit ").append(Report.commit(root)).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, concurrency ").append(concurrency)
                .append(", ").append(rounds).append(" alternating rounds of ").append(millis / 1000.0).append(" s\n\n");
        try {
            int simPort = Processes.freePort();
            procs.java("simulator", jvm, "sim", "--port", Integer.toString(simPort));
            Processes.awaitUp("http://127.0.0.1:" + simPort + "/v1/models");
            int port = Processes.freePort();
            String admin = "bench-admin-key-0123456789abcdef";
            Path config = work.resolve("gateway.yaml");
            Files.writeString(config, """
                    server: {host: 127.0.0.1, port: %d}
                    auth: {enabled: true, admin_key: %s}
                    store: {path: %s, spill_dir: %s}
                    providers:
                      sim-a: {type: openai, base_url: "http://127.0.0.1:%d/v1", forward_headers: ["x-sim-*"]}
                      sim-b: {type: openai, base_url: "http://127.0.0.1:%5$d/v1", forward_headers: ["x-sim-*"]}
                    models:
                      resilient:
                        retries: 3
                        deployments:
                          - {provider: sim-a, model: gpt-4o-mini}
                          - {provider: sim-b, model: gpt-4o-mini}
                    """.formatted(port, admin, work.resolve("gateway.db"), work.resolve("spill"), simPort));
            procs.java("gateway", jvm, "serve", "--config", config.toString());
            Processes.awaitUp("http://127.0.0.1:" + port + "/health/ready");
            String plain = GatewayBench.createKey(port, admin, "{\"name\":\"bench\"}");
            String limited = GatewayBench.createKey(port, admin, "{\"name\":\"bench-limited\",\"limits\":{\"rpm\":1000000000,"
                    + "\"tpm\":2000000000,\"concurrency\":100000},\"budget\":{\"daily_usd\":1000000}}");

            String[][] variants = {
                    NO_FAULTS, auth(plain, NO_FAULTS), auth(plain, FAULTS), auth(limited, NO_FAULTS)};
            String[] labels = {"direct", "sluice, no faults", "sluice, 30% upstream 503s", "sluice, no faults, key limits + budget on"};
            Stats[] stats = {new Stats(), new Stats(), new Stats(), new Stats()};
            for (int i = 0; i < variants.length; i++) { // warm-up
                run(i, simPort, port, variants[i], concurrency, millis);
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < variants.length; i++) {
                    stats[i].addAll(run(i, simPort, port, variants[i], concurrency, millis));
                }
            }
            double d50 = stats[0].percentileMicros(50);
            double d99 = stats[0].percentileMicros(99);
            md.append("| variant | requests | failed | success | p50 µs | p99 µs | added p50 µs | added p99 µs |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (int i = 0; i < variants.length; i++) {
                Stats s = stats[i];
                long total = s.count() + s.errors();
                md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.2f%% | %.0f | %.0f | %s | %s |%n", labels[i], total,
                        s.errors(), 100.0 * s.count() / Math.max(1, total), s.percentileMicros(50), s.percentileMicros(99),
                        i == 0 ? "" : String.format(Locale.ROOT, "%.0f", s.percentileMicros(50) - d50),
                        i == 0 ? "" : String.format(Locale.ROOT, "%.0f", s.percentileMicros(99) - d99)));
            }
            md.append("\nLatencies are of successful requests; with faults a request's time includes its retries"
                    + " (backoff with full jitter, base 100 ms). Direct has no faults injected.\n");
        } finally {
            procs.stopAll();
        }
        Path out = root.resolve(quick ? "bench/results/resilience-quick.md" : "bench/results/resilience.md");
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.out.println("written to " + out);
    }

    private static Stats run(int variant, int simPort, int port, String[] headers, int concurrency, long millis)
            throws InterruptedException {
        return variant == 0 ? TracingBench.closedLoop(simPort, DIRECT, headers, concurrency, millis)
                : TracingBench.closedLoop(port, CHAT, headers, concurrency, millis);
    }

    private static String[] auth(String key, String[] sim) {
        String[] out = new String[sim.length + 2];
        out[0] = "Authorization";
        out[1] = "Bearer " + key;
        System.arraycopy(sim, 0, out, 2, sim.length);
        return out;
    }
}
