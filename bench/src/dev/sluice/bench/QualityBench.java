package dev.sluice.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What online quality monitoring costs the client (issue 18's benchmark): a gateway with two online
 * evaluators and drift sampling every answer, against the same gateway without them, against the
 * simulator directly — rounds alternating in one run, so machine drift hits all three alike. The
 * scoring and the prompt embeddings run after the response, on background threads behind bounded
 * queues; what this measures is whether the client notices. After the run, the evaluators' counters
 * show what was scored and what was dropped because the background threads were behind.
 * Run: {@code bench/run quality [--quick]}. Results: {@code bench/results/quality.md}.
 */
public final class QualityBench {
    private static final String[] SIM = {"x-sim-tokens", "16"};
    private static final String EVALUATORS = """
            evaluators:
              - {name: valid-json, assert: {type: is-json}, sample_rate: 1, max_per_minute: 100000}
              - {name: no-apology, assert: {type: not-icontains, value: "I'm sorry"}, sample_rate: 1, max_per_minute: 100000}
            """;
    private static final String QUALITY = """
            evaluators:
              - {name: valid-json, assert: {type: is-json}, sample_rate: 1, max_per_minute: 100000}
              - {name: no-apology, assert: {type: not-icontains, value: "I'm sorry"}, sample_rate: 1, max_per_minute: 100000}
            quality:
              drift: {sample_rate: 1, horizon: 1h}       # max_per_minute: the default 600 bounds the embedding work
            """;

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sluice-quality-bench");
        Processes procs = new Processes(root.resolve("target/sluice.jar"), work);
        List<String> jvm = List.of("-XX:+UseSerialGC", "-Xmx1g");
        StringBuilder md = new StringBuilder();
        md.append("Online quality monitoring cost").append(quick ? " (quick run)" : "").append(" — ").append(Instant.now())
                .append(", commit ").append(Report.commit(root)).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores\n\n");
        try {
            int simPort = Processes.freePort();
            procs.java("simulator", jvm, "sim", "--port", Integer.toString(simPort));
            Processes.awaitUp("http://127.0.0.1:" + simPort + "/v1/models");
            TracingBench.Gw off = TracingBench.Gw.start(procs, work, "off", simPort, "", jvm);
            TracingBench.Gw evals = TracingBench.Gw.start(procs, work, "evals", simPort, EVALUATORS, jvm);
            TracingBench.Gw on = TracingBench.Gw.start(procs, work, "on", simPort, QUALITY, jvm);
            long millis = quick ? 1_500 : 5_000;
            int rounds = quick ? 2 : 4;
            md.append("All gateways: default pipeline (auth, limits, request log, tracing). The others add two online evaluators"
                    + " (deterministic checks), then also drift (a MiniLM embedding of every prompt), each sampling every answer"
                    + " (the worst case; production rates are 1–20%).\n\n");
            md.append("| concurrency | target | requests | errors | p50 µs | p99 µs | added p50 µs | added p99 µs |\n");
            md.append("|---:|---|---:|---:|---:|---:|---:|---:|\n");
            for (int concurrency : new int[] {1, 16}) {
                TracingBench.closedLoop(simPort, SIM, concurrency, millis); // warm-up
                TracingBench.closedLoop(off.port(), off.headers(), concurrency, millis);
                TracingBench.closedLoop(evals.port(), evals.headers(), concurrency, millis);
                TracingBench.closedLoop(on.port(), on.headers(), concurrency, millis);
                Stats d = new Stats();
                Stats f = new Stats();
                Stats e = new Stats();
                Stats n = new Stats();
                for (int r = 0; r < rounds; r++) {
                    d.addAll(TracingBench.closedLoop(simPort, SIM, concurrency, millis));
                    f.addAll(TracingBench.closedLoop(off.port(), off.headers(), concurrency, millis));
                    e.addAll(TracingBench.closedLoop(evals.port(), evals.headers(), concurrency, millis));
                    n.addAll(TracingBench.closedLoop(on.port(), on.headers(), concurrency, millis));
                }
                double d50 = d.percentileMicros(50);
                double d99 = d.percentileMicros(99);
                TracingBench.row(md, concurrency, "direct", d, d50, d99);
                TracingBench.row(md, concurrency, "sluice, quality monitoring off", f, d50, d99);
                TracingBench.row(md, concurrency, "sluice, two evaluators on every answer", e, d50, d99);
                TracingBench.row(md, concurrency, "sluice, evaluators + drift on every answer", n, d50, d99);
            }
            md.append("\nWhat the `on` gateway's background threads did (`GET /admin/quality/evaluators`):\n\n```\n")
                    .append(evaluators(on.port())).append("\n```\n");
        } finally {
            procs.stopAll();
        }
        Path out = root.resolve("bench/results/quality.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
        System.out.println("written to " + out);
    }

    private static String evaluators(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/admin/quality/evaluators"))
                .header("authorization", "Bearer bench-admin-key-0123456789abcdef").build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return r.body();
    }
}
