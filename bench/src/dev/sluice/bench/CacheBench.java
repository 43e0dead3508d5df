package dev.sluice.bench;

import dev.sluice.app.Registries;
import dev.sluice.cache.BenchAccess;
import dev.sluice.cache.CacheEval;
import dev.sluice.config.SluiceConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.app.Gateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The response cache's costs, in one run on this machine:
 * <ol>
 *   <li>embedding time per question (all-MiniLM-L6-v2, in process);</li>
 *   <li>semantic lookup latency (Lucene HNSW, k = 5, pre-filtered by partition) with 10k and 100k
 *       cached questions in one partition (the worst case: the filter excludes nothing);</li>
 *   <li>end-to-end latency through the gateway of an exact hit, a miss (lookup, embedding, upstream
 *       call, store) and a bypass (upstream call only), against the simulator with no added latency
 *       and with a 200 ms time to first token.</li>
 * </ol>
 *
 * <p>Run: {@code bench/run cache} (full) or {@code bench/run cache --quick}.
 */
public final class CacheBench {
    private static final int DIM = Embedder.DIMENSIONS;

    record Row(String what, int samples, double p50Micros, double p99Micros, String note) {}

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sluice-cache-bench");
        List<Row> rows = new ArrayList<>();
        Embedder embedder = new Embedder();

        // 1. embedding time, on the evaluation set's distinct questions
        List<String> questions = new ArrayList<>(new LinkedHashSet<>(CacheEval.builtIn().stream()
                .flatMap(p -> java.util.stream.Stream.of(p.cached(), p.incoming())).toList()));
        embedder.embed("warm up the model");
        List<float[]> real = new ArrayList<>();
        long[] embedNanos = new long[questions.size()];
        for (int i = 0; i < questions.size(); i++) {
            long t = System.nanoTime();
            real.add(embedder.embed(questions.get(i)));
            embedNanos[i] = System.nanoTime() - t;
        }
        rows.add(row("embedding one question (all-MiniLM-L6-v2)", embedNanos, questions.size() + " distinct questions"));

        // 2. semantic lookups at 10k and 100k entries
        for (int size : quick ? new int[] {10_000} : new int[] {10_000, 100_000}) {
            Random random = new Random(size);
            try (BenchAccess index = new BenchAccess(work.resolve("index-" + size), size * 2)) {
                long build = System.nanoTime();
                for (int i = 0; i < size; i++) {
                    index.add("k" + i, "p", synthetic(real, random));
                }
                index.settle();
                double buildSeconds = (System.nanoTime() - build) / 1e9;
                int warm = quick ? 200 : 1_000;
                int n = quick ? 1_000 : 5_000;
                for (int i = 0; i < warm; i++) {
                    index.nearest("p", synthetic(real, random), 5);
                }
                long[] nanos = new long[n];
                for (int i = 0; i < n; i++) {
                    float[] q = synthetic(real, random);
                    long t = System.nanoTime();
                    index.nearest("p", q, 5);
                    nanos[i] = System.nanoTime() - t;
                }
                rows.add(row("semantic lookup, " + size / 1000 + "k entries (k=5)", nanos,
                        String.format(Locale.ROOT, "index built in %.0f s, %d segments", buildSeconds, index.segments())));
            }
        }

        // 3. end to end through the gateway
        String adminKey = "bench-admin-key-0123456789abcdef";
        SluiceConfig config = Registries.configLoader(Map.of()).parse("""
                server: {host: 127.0.0.1, port: 0}
                auth: {enabled: true, admin_key: %s}
                store: {path: %s}
                cache: {scope: team, ttl: 1h}
                providers:
                  sim: {type: simulator, forward_headers: ["x-sim-*"], options: {output_tokens: 20}}
                models:
                  gpt-4o-mini: {provider: sim}
                """.formatted(adminKey, work.resolve("bench.db")), "cache-bench.yaml");
        try (Gateway gw = Gateway.start(config, adminKey, Clock.systemUTC())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + gw.port();
            String key = createKey(http, base, adminKey);
            int n = quick ? 100 : 400;
            for (int ttft : new int[] {0, 200}) {
                String latency = ttft == 0 ? "upstream without added latency" : "upstream TTFT " + ttft + " ms";
                int samples = ttft == 0 ? n : n / 4;
                String repeated = body("What is a sluice gate? (ttft " + ttft + ")");
                post(http, base, key, repeated, ttft, null); // stores it
                for (int i = 0; i < 50; i++) {
                    post(http, base, key, repeated, ttft, null);
                }
                long[] hit = new long[samples];
                long[] miss = new long[samples];
                long[] bypass = new long[samples];
                for (int i = 0; i < samples; i++) {
                    // interleaved, so drift on a shared machine hits all three alike
                    hit[i] = post(http, base, key, repeated, ttft, "hit");
                    miss[i] = post(http, base, key, body("Question " + i + " about canals, ttft " + ttft + ", at "
                            + Instant.now().toEpochMilli()), ttft, "miss");
                    bypass[i] = post(http, base, key, repeated, ttft, "bypass");
                }
                rows.add(row("end to end: exact hit (" + latency + ")", hit, "x-sluice-cache: hit"));
                rows.add(row("end to end: miss, stored (" + latency + ")", miss, "lookup + embedding + upstream + store"));
                rows.add(row("end to end: upstream call (" + latency + ")", bypass, "x-sluice-cache: no-store"));
            }
        }

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Cache benchmark%s, %s, %d cores, Java %s%n%n", quick ? " (quick)" : "",
                Instant.now().toString().substring(0, 10), Runtime.getRuntime().availableProcessors(), Runtime.version()));
        md.append("| what | samples | p50 µs | p99 µs | note |\n|---|---:|---:|---:|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %s |%n", r.what(), r.samples(), r.p50Micros(),
                    r.p99Micros(), r.note()));
        }
        System.out.println(md);
        Path out = root.resolve("bench/results/cache" + (quick ? "-quick" : "") + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println("written to " + out);
    }

    /** A unit vector near one or two real question embeddings: clustered like real traffic, unlike uniform noise. */
    private static float[] synthetic(List<float[]> real, Random random) {
        float[] a = real.get(random.nextInt(real.size()));
        float[] b = real.get(random.nextInt(real.size()));
        double mix = random.nextDouble() * 0.5;
        float[] v = new float[DIM];
        double norm = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) ((1 - mix) * a[i] + mix * b[i] + random.nextGaussian() * 0.02);
            norm += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < DIM; i++) {
            v[i] *= inv;
        }
        return v;
    }

    private static String body(String question) {
        return "{\"model\":\"gpt-4o-mini\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\""
                + question.replace("\"", "'") + "\"}]}";
    }

    private static long post(HttpClient http, String base, String key, String body, int ttft, String expect) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .header("x-sim-ttft-ms", Integer.toString(ttft)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if ("bypass".equals(expect)) {
            req.header("x-sluice-cache", "no-store");
        }
        long t = System.nanoTime();
        HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        long nanos = System.nanoTime() - t;
        String status = r.headers().firstValue("x-sluice-cache").orElse("none");
        if (r.statusCode() != 200 || (expect != null && !status.equals(expect))) {
            throw new IllegalStateException("expected " + expect + ", got HTTP " + r.statusCode() + " cache " + status);
        }
        return nanos;
    }

    private static String createKey(HttpClient http, String base, String adminKey) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/keys"))
                .header("authorization", "Bearer " + adminKey).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(), HttpResponse.BodyHandlers.ofString());
        var m = java.util.regex.Pattern.compile("\"key\":\"([^\"]+)\"").matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("no key in " + r.body());
        }
        return m.group(1);
    }

    private static Row row(String what, long[] nanos, String note) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return new Row(what, sorted.length, pct(sorted, 50) / 1000.0, pct(sorted, 99) / 1000.0, note);
    }

    private static long pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.clamp(i, 0, sorted.length - 1)];
    }
}
