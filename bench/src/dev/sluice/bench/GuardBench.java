package dev.sluice.bench;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Delta;
import dev.sluice.app.Registries;
import dev.sluice.config.SluiceConfig;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.Direction;
import dev.sluice.guard.Guardrails;
import dev.sluice.guard.Inspection;
import dev.sluice.guard.OutputGuardStage;
import dev.sluice.guard.Policy;
import dev.sluice.guard.Redactor;
import dev.sluice.guard.Rule;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Trigger;
import dev.sluice.guard.injection.InjectionClassifier;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Guardrail cost. A plain-Java harness, NOT JMH (the project has no JMH build yet): every
 * measurement warms up first, then times many single operations with {@link System#nanoTime()}
 * and reports percentiles; results are consumed so the JIT cannot drop the work. Three parts:
 * <ol>
 *   <li>micro: the default input+output scan of a 4 KB prompt and a 4 KB answer (the demo's
 *       policy: injection rules, secrets, PII, invisible text in; PII, secrets, leakage, toxicity
 *       out), per scanner too, and the streamed output scan of the same answer in 4-character chunks;</li>
 *   <li>the embedding classifier on its own (MiniLM on 4 KB = several windows);</li>
 *   <li>end to end: one simulator and two gateways, guardrails on and off, same load, alternating
 *       rounds in one run.</li>
 * </ol>
 * Run: {@code bench/run guard} (full), {@code bench/run guard --quick}, or {@code --micro} to skip the
 * end-to-end part; {@code bench/run guard --adversarial [--quick]} runs only the hostile-input table
 * ({@link Adversarial}, written to {@code bench/results/guard-adversarial.md}).
 */
public final class GuardBench {
    static final String POLICY = """
            providers:
              sim: {type: simulator}
            models:
              gpt-4o-mini: {provider: sim}
            guardrails:
              policies:
                default:
                  input:
                    prompt_injection: block
                    secrets: block
                    pii: redact
                    invisible_text: redact
                  output:
                    pii: redact
                    secrets: redact
                    system_prompt_leak: block
                    toxicity: flag
            """;
    /** The same policy as before the n-gram models (rules and word list only): the baseline, measured in the same run. */
    static final String POLICY_WITHOUT_MODELS = POLICY
            .replace("prompt_injection: block", "prompt_injection: {action: block, model: false}")
            .replace("toxicity: flag", "toxicity: {action: flag, classifier: false}");
    private static long sink;

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        StringBuilder md = new StringBuilder();
        md.append("Guardrails").append(quick ? " (quick run)" : "").append(" — ").append(Instant.now()).append(", commit ")
                .append(Report.commit(root)).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(Report.totalMemoryGiB()).append(" GiB, Java ").append(Runtime.version())
                .append(". Plain-Java harness (warm-up, then single operations timed with System.nanoTime), not JMH.\n\n");

        SluiceConfig config = Registries.configLoader(Map.of()).parse(POLICY, "bench.yaml");
        Guardrails guardrails = Guardrails.create(config.guardrails(), Embedder::new, (m, s, u, r) -> "{}");
        Policy policy = guardrails.policies().all().get("default");
        String prompt = Texts.prompt4k();
        String answer = Texts.answer4k();
        String system = "You are Ada, the support assistant of ACME Travel. Be concise and friendly.";
        ScanContext in = new ScanContext(Direction.INPUT, "user", "bench", "gpt-4o-mini", system, null, List.of(), null);
        ScanContext out = new ScanContext(Direction.OUTPUT, "output", "bench", "gpt-4o-mini", system,
                "sluice-canary-0123456789ab", List.of(), null);
        if (List.of(args).contains("--adversarial")) {
            md.append(Adversarial.run(policy, in, out, quick));
            Path dir = root.resolve("bench/results");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("guard-adversarial.md"), md.toString());
            System.out.println(md);
            guardrails.close();
            return;
        }
        int warm = quick ? 3_000 : 20_000;
        int iterations = quick ? 10_000 : 100_000;

        md.append("### Micro: default policy on a ").append(prompt.length()).append("-char prompt and a ").append(answer.length())
                .append("-char answer\n\n| what | iterations | p50 µs | p90 µs | p99 µs | p99.9 µs | mean µs |\n|---|---:|---:|---:|---:|---:|---:|\n");
        md.append(row("input + output scan (default policy)", time(warm, iterations, () -> {
            List<Trigger> t = Inspection.run(policy.input(), prompt, in, true);
            String redacted = Redactor.apply(prompt, Redactor.spans(t), null);
            List<Trigger> o = Inspection.run(policy.output(), answer, out, true);
            return redacted.length() + o.size();
        })));
        md.append(row("input + output scan (default policy), thread CPU time (not inflated by other processes)",
                timeCpu(warm, iterations, () -> {
                    List<Trigger> t = Inspection.run(policy.input(), prompt, in, true);
                    String redacted = Redactor.apply(prompt, Redactor.spans(t), null);
                    List<Trigger> o = Inspection.run(policy.output(), answer, out, true);
                    return redacted.length() + o.size();
                })));
        Guardrails baseline = Guardrails.create(Registries.configLoader(Map.of()).parse(POLICY_WITHOUT_MODELS, "bench.yaml")
                .guardrails(), Embedder::new, (m, s, u, r) -> "{}");
        Policy rulesOnly = baseline.policies().all().get("default");
        md.append(row("input + output scan, rules and word list only (before the n-gram models)", time(warm, iterations, () -> {
            List<Trigger> t = Inspection.run(rulesOnly.input(), prompt, in, true);
            String redacted = Redactor.apply(prompt, Redactor.spans(t), null);
            List<Trigger> o = Inspection.run(rulesOnly.output(), answer, out, true);
            return redacted.length() + o.size();
        })));
        baseline.close();
        dev.sluice.guard.ngram.LinearTextModel injectionModel = dev.sluice.guard.injection.InjectionModel.load();
        String megabyte = prompt.repeat(1_048_576 / prompt.length() + 1);
        md.append(row("injection n-gram model alone, 4 KB prompt", time(warm / 2, iterations / 4,
                () -> (long) (1000 * injectionModel.score(prompt)))));
        md.append(row("injection n-gram model alone, " + megabyte.length() / 1024 + " KB text (linear: ~256x the 4 KB cost)",
                time(3, quick ? 10 : 30, () -> (long) (1000 * injectionModel.score(megabyte)))));
        for (Rule r : policy.input()) {
            md.append(row("  input " + r.name(), time(warm / 2, iterations / 4, () -> r.scanner().scan(prompt, in).size())));
        }
        for (Rule r : policy.output()) {
            md.append(row("  output " + r.name(), time(warm / 2, iterations / 4, () -> r.scanner().scan(answer, out).size())));
        }
        OutputGuardStage stage = guardrails.outputStage();
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < answer.length(); i += 4) {
            pieces.add(answer.substring(i, Math.min(answer.length(), i + 4)));
        }
        md.append(row("output scan of the answer streamed in " + pieces.size() + " chunks (whole stream)",
                time(warm / 20, iterations / 20, () -> streamOnce(stage, pieces, system))));
        md.append("\n");

        int classifierRuns = quick ? 20 : 100;
        InjectionClassifier classifier = InjectionClassifier.load(new Embedder());
        classifier.score("warm up the model");
        int[] n = {0};
        md.append("### Embedding classifier (opt-in), MiniLM-L6 on CPU, distinct texts (no cache hits)\n\n")
                .append("| what | iterations | p50 µs | p90 µs | p99 µs | p99.9 µs | mean µs |\n|---|---:|---:|---:|---:|---:|---:|\n");
        md.append(row("classifier on a 4 KB prompt (" + (int) Math.ceil(prompt.length() / 800.0) + " windows)",
                time(3, classifierRuns, () -> (long) (1000 * classifier.score(prompt + " #" + n[0]++)))));
        md.append(row("classifier on a 200-char prompt", time(3, classifierRuns,
                () -> (long) (1000 * classifier.score(prompt.substring(0, 200) + " #" + n[0]++)))));
        md.append("\n");
        // The default user-turn cascade embeds only texts whose n-gram probability reaches its band; a text in the
        // band costs what the classifier rows above cost (same windows, same embedder), one out of it the n-grams alone.
        dev.sluice.guard.injection.InjectionCascade cascade = dev.sluice.guard.injection.InjectionCascade.load(injectionModel,
                new Embedder());
        md.append(String.format(java.util.Locale.ROOT, "Default user-turn cascade: band %.2f; the 4 KB prompt's n-gram probability %.4f (%s).%n%n",
                cascade.band(), injectionModel.probability(prompt),
                injectionModel.probability(prompt) < cascade.band() ? "below the band: not embedded" : "in the band: embedded"));
        md.append(Adversarial.run(policy, in, out, quick));
        System.out.print(md);

        if (!List.of(args).contains("--micro")) {
            md.append(EndToEnd.run(root, quick, prompt));
        }
        Path dir = root.resolve("bench/results");
        Files.createDirectories(dir);
        String name = quick ? "guard-quick.md" : "guard.md";
        Files.writeString(dir.resolve(name), md.toString());
        System.out.println(md);
        System.out.println("Written to " + dir.resolve(name) + " (sink " + (sink & 1) + ")");
        guardrails.close();
    }

    /** One streamed answer through the output guard stage, drained like the server drains it. */
    private static long streamOnce(OutputGuardStage stage, List<String> pieces, String system) {
        Exchange ex = new Exchange("bench", Exchange.Operation.CHAT, Map.of());
        ex.chat(new ChatRequest("gpt-4o-mini", List.of(ChatMessage.of("system", system), ChatMessage.of("user", "hi")), true,
                false, null, null, null, null, null, null, null, null, null, null, null, null, null));
        Reply reply = stage.handle(ex, e -> new Reply.Stream(chunks(pieces)));
        long total = 0;
        try (ChunkStream s = ((Reply.Stream) reply).chunks()) {
            ChatChunk c;
            while ((c = s.next()) != null) {
                total += c.choices().size();
            }
        }
        return total;
    }

    private static ChunkStream chunks(List<String> pieces) {
        return new ChunkStream() {
            int i = -1;

            @Override
            public ChatChunk next() {
                i++;
                if (i < pieces.size()) {
                    return new ChatChunk("c", 1, "m", List.of(new ChunkChoice(0, Delta.text(pieces.get(i)), null)), null, null);
                }
                if (i == pieces.size()) {
                    return new ChatChunk("c", 1, "m", List.of(new ChunkChoice(0, new Delta(null, null, List.of(), null), "stop")),
                            null, null);
                }
                return null;
            }

            @Override
            public void close() {}
        };
    }

    @FunctionalInterface
    interface Work {
        long run() throws Exception;
    }

    /** Warm-up, then {@code iterations} timed runs; returns the sorted samples in nanoseconds. */
    static long[] time(int warm, int iterations, Work work) throws Exception {
        for (int i = 0; i < warm; i++) {
            sink += work.run();
        }
        long[] samples = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            sink += work.run();
            samples[i] = System.nanoTime() - start;
        }
        Arrays.sort(samples);
        return samples;
    }

    /** As {@link #time}, in thread CPU time (on a shared machine, wall time counts other processes' turns too). */
    static long[] timeCpu(int warm, int iterations, Work work) throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warm; i++) {
            sink += work.run();
        }
        long[] samples = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = threads.getCurrentThreadCpuTime();
            sink += work.run();
            samples[i] = threads.getCurrentThreadCpuTime() - start;
        }
        Arrays.sort(samples);
        return samples;
    }

    static double pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.clamp(rank, 0, sorted.length - 1)] / 1000.0;
    }

    static String row(String what, long[] s) {
        double mean = Arrays.stream(s).average().orElse(0) / 1000.0;
        String line = String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", what, s.length, pct(s, 50),
                pct(s, 90), pct(s, 99), pct(s, 99.9), mean);
        System.err.print(line);
        return line;
    }

    /**
     * Issue 14: every built-in scanner on 1 MB of text built to hurt it (each scanner runs on every
     * input, since what hurts one may hurt another), with 1 MB of ordinary prose as the baseline
     * measured in the same run. Target: 50 ms per megabyte for each scanner. Scanners are called
     * directly (no scan budget), so the time is the scanner's own.
     */
    static final class Adversarial {
        static final int MB = 1 << 20;
        static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
        /** name → the unit repeated to 1 MB (then " password=x" appended, as the secrets bench always did). */
        static final Map<String, String> INPUTS = inputs();

        private static Map<String, String> inputs() {
            Map<String, String> m = new java.util.LinkedHashMap<>();
            m.put("prose (baseline)", "The river ran past the old mill, where the miller's daughter counted barges at dawn. ");
            m.put("`host=` (secrets: connection string)", "host=");
            m.put("`sk-`", "sk-");
            m.put("`password=`", "password=");
            m.put("`eyJ` + `.` (JWT parts)", "eyJhbGciOi.");
            m.put("`-----BEGIN ` (PEM)", "-----BEGIN ");
            m.put("`a@` (PII: e-mail)", "a@");
            m.put("`12 34 ` (digit groups)", "12 34 ");
            m.put("`1.2.3.4.` (IPv4)", "1.2.3.4.");
            m.put("`1:2:` (IPv6)", "1:2:");
            m.put("`DE89 ` (IBAN)", "DE89 ");
            m.put("`ignore ` (injection anchors)", "ignore ");
            m.put("`ignore the previous ` ", "ignore the previous ");
            m.put("`you are now ` ", "you are now ");
            m.put("`system: ` ", "system: ");
            m.put("`note to the ai ` ", "note to the ai ");
            m.put("`i g n o r e ` (letter spacing)", "i g n o r e ");
            m.put("`1gn0r3 ` (leetspeak)", "1gn0r3 ");
            m.put("`aWdub3Jl` (one base64 run)", "aWdub3Jl");
            m.put("`69676e6f7265 ` (hex)", "69676e6f7265 ");
            m.put("`\\u200b` (zero-width)", "a\u200b");
            m.put("`idiot ` (toxicity)", "idiot ");
            return m;
        }

        static String text(String unit) {
            StringBuilder sb = new StringBuilder(MB);
            while (sb.length() < MB - unit.length() - 16) {
                sb.append(unit);
            }
            return sb.append(" password=x").toString();
        }

        static String run(Policy policy, ScanContext in, ScanContext out, boolean quick) throws Exception {
            List<Rule> rules = new ArrayList<>();
            List<ScanContext> contexts = new ArrayList<>();
            List<String> heads = new ArrayList<>();
            for (Rule r : policy.input()) {
                rules.add(r);
                contexts.add(in);
                heads.add("in " + r.name());
            }
            for (Rule r : policy.output()) {
                rules.add(r);
                contexts.add(out);
                heads.add("out " + r.name());
            }
            int reps = quick ? 2 : 5;
            StringBuilder md = new StringBuilder("### Hostile input: each scanner of the default policy on 1 MB, median CPU time of ")
                    .append(reps).append(" runs in ms (thread CPU time, so other processes on a shared machine do not inflate it;"
                            + " target ≤ 50 ms per scanner; prose is the baseline of the same run)\n\n| input |");
            heads.forEach(h -> md.append(' ').append(h).append(" |"));
            md.append(" worst |\n|---|");
            heads.forEach(h -> md.append("---:|"));
            md.append("---:|\n");
            // the JIT first: a single warm-up run per cell left the first row (prose, the baseline) reading cold code
            String warm = text(INPUTS.values().iterator().next());
            for (int k = 0; k < rules.size(); k++) {
                for (int i = 0; i < 5; i++) {
                    sink += rules.get(k).scanner().scan(warm, contexts.get(k)).size();
                }
            }
            // -Dguard.inputs=idiot,IPv4: only the rows whose name contains one of these (a quick look at one cost)
            List<String> only = List.of(System.getProperty("guard.inputs", "").split(",")).stream().filter(s -> !s.isBlank()).toList();
            for (Map.Entry<String, String> e : INPUTS.entrySet()) {
                if (!only.isEmpty() && only.stream().noneMatch(e.getKey()::contains)) {
                    continue;
                }
                String text = text(e.getValue());
                md.append("| ").append(e.getKey()).append(" |");
                double worst = 0;
                for (int k = 0; k < rules.size(); k++) {
                    Rule r = rules.get(k);
                    ScanContext c = contexts.get(k);
                    sink += r.scanner().scan(text, c).size(); // warm-up
                    long[] cpu = new long[reps];
                    for (int i = 0; i < reps; i++) {
                        long t0 = THREADS.getCurrentThreadCpuTime();
                        sink += r.scanner().scan(text, c).size();
                        cpu[i] = THREADS.getCurrentThreadCpuTime() - t0;
                    }
                    Arrays.sort(cpu);
                    double ms = cpu[reps / 2] / 1e6;
                    worst = Math.max(worst, ms);
                    md.append(String.format(Locale.ROOT, " %.1f |", ms));
                }
                md.append(String.format(Locale.ROOT, " **%.1f** |%n", worst));
                System.err.println(md.substring(md.lastIndexOf("| " + e.getKey())));
            }
            return md.append("\n").toString();
        }
    }

    /** End-to-end gateway overhead with guardrails on vs off, in one run. */
    static final class EndToEnd {
        private EndToEnd() {}

        static String run(Path root, boolean quick, String prompt) throws Exception {
            Path work = Files.createTempDirectory("sluice-guard-bench");
            Processes procs = new Processes(root.resolve("target/sluice.jar"), work);
            List<String> jvm = List.of("-XX:+UseSerialGC", "-Xmx1g");
            try {
                int simPort = Processes.freePort();
                procs.java("simulator", jvm, "sim", "--port", Integer.toString(simPort));
                Processes.awaitUp("http://127.0.0.1:" + simPort + "/v1/models");
                String adminKey = "bench-admin-key-0123456789abcdef";
                GatewayBench.Target off = gateway(procs, work, jvm, simPort, adminKey, "off", "");
                GatewayBench.Target on = gateway(procs, work, jvm, simPort, adminKey, "on",
                        POLICY.substring(POLICY.indexOf("guardrails:")));
                String body = "{\"model\":\"gpt-4o-mini\",\"temperature\":0,\"messages\":[{\"role\":\"system\",\"content\":"
                        + "\"You are a helpful assistant.\"},{\"role\":\"user\",\"content\":" + jsonString(prompt) + "}]}";
                String stream = body.replace("\"temperature\":0,", "\"temperature\":0,\"stream\":true,");
                long roundMillis = quick ? 1_500 : 5_000;
                int rounds = quick ? 2 : 3;
                List<GatewayBench.Scenario> scenarios = List.of(
                        new GatewayBench.Scenario("4 KB prompt, chat, concurrency 1", body, new String[] {"x-sim-tokens", "64"}, 1, false),
                        new GatewayBench.Scenario("4 KB prompt, chat, concurrency 8", body, new String[] {"x-sim-tokens", "64"}, 8, false),
                        new GatewayBench.Scenario("4 KB prompt, stream 64 tokens, concurrency 1", stream,
                                new String[] {"x-sim-tokens", "64"}, 1, true));
                StringBuilder md = new StringBuilder("### End to end: the same gateway with guardrails off and on "
                        + "(simulator upstream, alternating rounds)\n\n| scenario | guardrails | requests | errors | req/s | p50 µs | p99 µs"
                        + " | TTFT p50 µs | added p50 µs | added p99 µs | throughput vs off |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
                for (GatewayBench.Scenario s : scenarios) {
                    System.err.printf("%s: warming up%n", s.name());
                    GatewayBench.measure(off, s, roundMillis);
                    GatewayBench.measure(on, s, roundMillis);
                    GatewayBench.Measured a = new GatewayBench.Measured();
                    GatewayBench.Measured b = new GatewayBench.Measured();
                    for (int r = 0; r < rounds; r++) {
                        a.add(GatewayBench.measure(off, s, roundMillis));
                        b.add(GatewayBench.measure(on, s, roundMillis));
                    }
                    GatewayBench.Row ra = a.row(s, off);
                    GatewayBench.Row rb = b.row(s, on);
                    md.append(line(ra, "off", null)).append(line(rb, "on", ra));
                }
                return md.append("\n").toString();
            } finally {
                procs.stopAll();
            }
        }

        private static String line(GatewayBench.Row r, String label, GatewayBench.Row off) {
            return String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %.0f | %.0f | %s | %s | %s | %s |%n", r.scenario(), label,
                    r.requests(), r.errors(), r.rps(), r.p50(), r.p99(), GatewayBench.fmt(r.ttftP50()),
                    off == null ? "" : GatewayBench.fmt(r.p50() - off.p50()), off == null ? "" : GatewayBench.fmt(r.p99() - off.p99()),
                    off == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.rps() / off.rps()));
        }

        private static GatewayBench.Target gateway(Processes procs, Path work, List<String> jvm, int simPort, String adminKey,
                                                   String name, String guardrails) throws Exception {
            int port = Processes.freePort();
            Path config = work.resolve("sluice-" + name + ".yaml");
            Files.writeString(config, """
                    server: {host: 127.0.0.1, port: %d}
                    auth: {enabled: true, admin_key: %s}
                    store: {path: %s}
                    providers:
                      sim: {type: openai, base_url: "http://127.0.0.1:%d/v1", forward_headers: ["x-sim-*"]}
                    models:
                      gpt-4o-mini: {provider: sim}
                    """.formatted(port, adminKey, work.resolve(name + ".db"), simPort) + guardrails);
            procs.java("gateway-" + name, jvm, "serve", "--config", config.toString());
            Processes.awaitUp("http://127.0.0.1:" + port + "/health/ready");
            String key = GatewayBench.createKey(port, adminKey, "{\"name\":\"bench-guard\"}");
            return new GatewayBench.Target("guardrails " + name, "127.0.0.1", port, new String[] {"Authorization", "Bearer " + key});
        }

        private static String jsonString(String s) {
            return Report.q(s);
        }
    }

    /** A realistic 4 KB prompt and answer: prose, a support ticket with personal data, numbers, a code snippet. */
    static final class Texts {
        private Texts() {}

        static String prompt4k() {
            String base = """
                    I'm writing to you about the trip we booked last month. The booking reference is TRV-88213 and the \
                    flight number is BA117 from London Heathrow to New York JFK, departing on 14 March at 08:25. My \
                    contact details are maria.rossi@example.com and +44 20 7946 0958, in case the airline needs them. \
                    We were told that the hotel transfer was included, but the invoice (total 1,284.50 EUR) lists it as \
                    an extra charge of 45 EUR. Could you check whether the package price already covered the transfer? \
                    Also, my husband needs a wheelchair at the airport; we requested it in the booking notes but never \
                    got a confirmation. Here is the summary from the booking page:

                    Passengers: 2 adults. Hotel: Midtown Plaza, 4 nights, breakfast included. Insurance: basic.
                    Payment: card ending 4242, paid in full on 2 February.

                    I would also like to know the baggage allowance for the return flight, since we plan to bring back \
                    some gifts, and whether we can change the return date from 18 to 19 March without a fee. If there is \
                    a fee, please tell me how much it would be before making any change. Finally, the confirmation email \
                    mentioned a travel guide for New York; I could not find the attachment. Can you send it again?

                    ```python
                    def total(prices):
                        return sum(p for p in prices if p > 0)
                    ```
                    Thank you for your help, and sorry for the long message.
                    """;
            StringBuilder sb = new StringBuilder(4200);
            while (sb.length() < 4000) {
                sb.append(base);
            }
            return sb.substring(0, 4096);
        }

        static String answer4k() {
            String base = """
                    Thank you for your message. I checked booking TRV-88213: the hotel transfer is included in the \
                    package price, so the 45 EUR line on the invoice was added by mistake and will be refunded to the \
                    card you paid with within five working days. I have also confirmed the wheelchair assistance at \
                    Heathrow and at JFK; the airline will meet you at the check-in desk. The baggage allowance for the \
                    return flight is one 23 kg bag per passenger plus one cabin bag. Changing the return date to 19 March \
                    costs 60 EUR per passenger because the fare class differs; I have not made any change yet. I am \
                    sending the New York travel guide again as a link: https://travel.example.com/guides/nyc. If you \
                    have more questions, reply to this email or call our team. Have a wonderful trip!
                    """;
            StringBuilder sb = new StringBuilder(4200);
            while (sb.length() < 4000) {
                sb.append(base);
            }
            return sb.substring(0, 4096);
        }
    }
}
