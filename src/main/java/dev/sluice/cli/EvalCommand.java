package dev.sluice.cli;

import dev.sluice.config.ConfigException;
import dev.sluice.embed.Embedder;
import dev.sluice.eval.Suite;
import dev.sluice.eval.SuiteLoader;
import dev.sluice.eval.TestCase;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.eval.report.Comparison;
import dev.sluice.eval.report.JsonReport;
import dev.sluice.eval.report.Reports;
import dev.sluice.eval.run.ModelCaller;
import dev.sluice.eval.run.Recordings;
import dev.sluice.eval.score.Answer;
import dev.sluice.eval.report.ResultTable;
import dev.sluice.eval.run.EvalRunner;
import dev.sluice.eval.run.GatewayClient;
import dev.sluice.eval.run.GatewayUnreachable;
import dev.sluice.eval.run.RepeatRule;
import dev.sluice.eval.run.RunResult;
import dev.sluice.eval.score.Judge;
import dev.sluice.eval.score.Scorers;
import dev.sluice.eval.score.Similarity;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice eval SUITE.yaml}: runs a promptfoo-style suite through the gateway and gates CI on
 * it. Exit codes as promptfoo's: 0 when every test passed, 100 when a test failed or the pass rate
 * is below the gate, 1 for errors (a bad suite, the gateway unreachable).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {EvalRunsCommand.List.class, EvalRunsCommand.Show.class, EvalRunsCommand.Compare.class},
        description = {"Run an evaluation suite (promptfoo's YAML format) through the gateway.",
                "Exit code: 0 all passed, 100 a test failed or the pass rate is below --pass-rate, 1 error."})
final class EvalCommand implements Callable<Integer> {
    static final int FAILED = 100;
    static final int ERROR = 1;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SUITE", description = "The suite file (default promptfooconfig.yaml).")
    Path suiteArg;

    @Option(names = {"-c", "--config"}, description = "The suite file (promptfoo's flag; same as SUITE).")
    Path configOption;

    @Option(names = "--url", description = "The gateway (default $SLUICE_URL, else the provider's apiBaseUrl, else $OPENAI_BASE_URL, else http://127.0.0.1:8080).")
    String url;

    @Option(names = "--key", description = "A virtual key (default $SLUICE_API_KEY, else the provider's apiKey, else $OPENAI_API_KEY).")
    String key;

    @Option(names = {"-o", "--output"}, description = "Write the results; the extension picks the format: .json, .xml (JUnit), .md, .csv, .html. Repeatable.")
    List<Path> outputs = new ArrayList<>();

    @Option(names = "--repeat", description = "Call each test × prompt × model N times (default: evaluateOptions.repeat, else 1).")
    Integer repeat;

    @Option(names = "--repeat-rule", defaultValue = "all", description = "How repeated trials make a verdict: all, majority or mean (score >= the test's threshold, default 0.5).")
    String repeatRule;

    @Option(names = {"-j", "--max-concurrency"}, description = "Calls at once (default: evaluateOptions.maxConcurrency, else 4).")
    Integer maxConcurrency;

    @Option(names = "--filter-pattern", description = "Only the tests whose description (or variables) match this regex.")
    String filterPattern;

    @Option(names = "--grader", description = "The judge model of llm-rubric and factuality (default: defaultTest.options.provider, else $SLUICE_EVAL_GRADER, else the first provider's model).")
    String grader;

    @Option(names = "--pass-rate", description = "Fail (exit 100) when fewer than this percentage of cases pass, instead of on any failure (default $PROMPTFOO_PASS_RATE_THRESHOLD).")
    Double passRate;

    @Option(names = "--no-cache", description = "Neither read nor fill the gateway's response cache (x-sluice-cache: no-store).")
    boolean noCache;

    @Option(names = "--timeout", defaultValue = "120s", description = "Longest wait for one answer (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--baseline", description = "Compare with an earlier run: its JSON file (-o run.json) or a stored run id; prints the regression table.")
    String baseline;

    @Option(names = "--max-regressions", description = "With --baseline: fail (exit 100) when more cases than this went from pass to fail (default: any failure fails).")
    Integer maxRegressions;

    @Option(names = "--max-cost-increase", description = "With --baseline: fail when the total cost rose by more than this percentage.")
    Double maxCostIncrease;

    @Option(names = "--max-latency-increase", description = "With --baseline: fail when the mean latency rose by more than this percentage.")
    Double maxLatencyIncrease;

    @Option(names = "--record", description = "Keep every model answer (the judge's too) in this folder.")
    Path record;

    @Option(names = "--replay", description = "Answer from a --record folder without calling any model; a request not recorded stops the run.")
    Path replay;

    @Option(names = "--store", description = "Store the run in the gateway (needs an admin key); see sluice eval list|show|compare.")
    boolean store;

    @Option(names = "--admin-key", description = "Admin key for --store and a stored --baseline (default $SLUICE_ADMIN_KEY).")
    String adminKey;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Option(names = "--no-table", description = "No results table on the console.")
    boolean noTable;

    private final Map<String, String> env;

    EvalCommand() {
        this(System.getenv());
    }

    EvalCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            return run(out, err);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return ERROR;
        } catch (GatewayUnreachable e) {
            err.println("error: " + e.getMessage());
            return ERROR;
        } catch (dev.sluice.eval.run.Recordings.NotRecorded e) {
            err.println();
            err.println("error: " + e.getMessage());
            return ERROR;
        } catch (java.io.IOException e) {
            err.println("error: cannot write the results: " + e.getMessage());
            return ERROR;
        }
    }

    private int run(PrintStream out, PrintStream err) throws java.io.IOException {
        Path file = suiteArg != null ? suiteArg : configOption != null ? configOption : Path.of("promptfooconfig.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no suite at " + file + " (give the suite's path)");
        }
        for (Path o : outputs) {
            if (!Reports.supported(o)) {
                throw new IllegalArgumentException("unsupported output " + o + ": use .json, .xml, .md, .csv or .html");
            }
        }
        RepeatRule rule = switch (repeatRule.toLowerCase(Locale.ROOT)) {
            case "all" -> RepeatRule.ALL;
            case "majority" -> RepeatRule.MAJORITY;
            case "mean" -> RepeatRule.MEAN;
            default -> throw new IllegalArgumentException("--repeat-rule must be all, majority or mean");
        };
        Double gate = passRate != null ? passRate : envNumber("PROMPTFOO_PASS_RATE_THRESHOLD");
        Duration wait = parseDuration(timeout);

        Scorers scorers = Scorers.standard();
        Suite suite = new SuiteLoader(scorers).load(file);
        suite = filter(suite);
        if (suite.tests().isEmpty()) {
            throw new IllegalArgumentException("no test matches --filter-pattern " + filterPattern);
        }
        String runId = "eval-" + LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-sluice-tags", "eval_run=" + runId);
        if (noCache) {
            headers.put("x-sluice-cache", "no-store");
        }
        if (record != null && replay != null) {
            throw new IllegalArgumentException("--record and --replay exclude each other");
        }
        GatewayClient client = new GatewayClient(baseUrl(suite), apiKey(suite), wait, headers);
        String gatewayRoot = client.baseUrl().substring(0, client.baseUrl().length() - "/v1".length());
        JsonNode baselineRun = baseline == null ? null : loadBaseline(gatewayRoot);
        if (store) {
            admin(gatewayRoot);
        }
        ModelCaller caller = replay != null ? Recordings.replaying(replay)
                : record != null ? Recordings.recording(client, record) : client;
        String judgeModel = firstNonNull(grader, suite.grader(), env.get("SLUICE_EVAL_GRADER"), suite.targets().getFirst().model());
        AtomicInteger judgeCalls = new AtomicInteger();
        Judge judge = (model, system, user, verdict) -> {
            Answer answer = caller.call(GatewayClient.judgeRequest(model, system, user, verdict),
                    runId + "-judge-" + judgeCalls.incrementAndGet());
            if (answer.failed()) {
                throw new IllegalStateException("the judge model " + model + " did not answer: " + answer.error());
            }
            return answer.text();
        };
        Embedder embedder = new Embedder();
        Similarity similarity = (a, b, model) -> {
            if (model == null) {
                return Embedder.cosine(embedder.embed(a), embedder.embed(b));
            }
            List<float[]> v = client.embed(model, List.of(a, b), runId + "-embed-" + judgeCalls.incrementAndGet());
            return cosine(v.get(0), v.get(1));
        };
        int reps = repeat != null ? repeat : suite.repeat() > 0 ? suite.repeat() : 1;
        int concurrency = maxConcurrency != null ? maxConcurrency : suite.maxConcurrency() > 0 ? suite.maxConcurrency() : 4;
        if (reps < 1 || concurrency < 1) {
            throw new IllegalArgumentException("--repeat and --max-concurrency must be at least 1");
        }
        int total = EvalRunner.calls(suite, reps);
        err.printf("Running %s: %d tests x %d prompts x %d models%s = %d calls through %s (run %s)%n",
                file, suite.tests().size(), suite.prompts().size(), suite.targets().size(),
                reps > 1 ? " x " + reps + " repeats" : "", total, replay != null ? "recordings in " + replay : client.baseUrl(), runId);
        Progress progress = noProgress ? null : new Progress(err, total);
        RunResult result = new EvalRunner(caller, scorers, judge, similarity)
                .run(suite, new EvalRunner.Options(runId, concurrency, reps, rule, judgeModel,
                        progress == null ? null : progress::update));
        if (progress != null) {
            progress.finish();
        }
        if (!noTable) {
            out.print(new ResultTable(result).console());
        }
        for (Path o : outputs) {
            Reports.write(result, o);
            err.println("Wrote " + o);
        }
        if (store) {
            admin(gatewayRoot).post("/admin/evals", JsonReport.of(result));
            err.println("Stored run " + result.runId() + " (sluice eval show " + result.runId() + ")");
        }
        boolean failed;
        if (gate != null) {
            failed = 100 * result.passRate() < gate;
            err.printf(Locale.ROOT, "Pass rate %.1f%% %s the gate of %.1f%%%n", 100 * result.passRate(),
                    failed ? "is below" : "meets", gate);
        } else {
            failed = result.failed() > 0 && (baselineRun == null || maxRegressions == null);
        }
        if (baselineRun != null) {
            failed |= regressionGate(Comparison.of(baselineRun, JsonReport.of(result)), out, err);
        }
        return failed ? FAILED : 0;
    }

    /** Prints the regression table; true when a --max-* gate is exceeded. */
    private boolean regressionGate(Comparison c, PrintStream out, PrintStream err) {
        out.println();
        out.println("Compared with baseline " + baseline + ":");
        out.print(c.table());
        boolean failed = false;
        if (maxRegressions != null && c.regressions() > maxRegressions) {
            err.println("Gate: " + c.regressions() + " regressions is more than --max-regressions " + maxRegressions);
            failed = true;
        }
        if (maxCostIncrease != null && c.costIncreasePercent() > maxCostIncrease) {
            err.printf(Locale.ROOT, "Gate: cost rose %.1f%%, more than --max-cost-increase %.1f%%%n", c.costIncreasePercent(), maxCostIncrease);
            failed = true;
        }
        if (maxLatencyIncrease != null && c.latencyIncreasePercent() > maxLatencyIncrease) {
            err.printf(Locale.ROOT, "Gate: latency rose %.1f%%, more than --max-latency-increase %.1f%%%n",
                    c.latencyIncreasePercent(), maxLatencyIncrease);
            failed = true;
        }
        return failed;
    }

    private AdminClient admin(String root) {
        String k = firstNonNull(adminKey, env.get("SLUICE_ADMIN_KEY"));
        if (k == null) {
            throw new IllegalArgumentException("--store and a stored --baseline need an admin key: pass --admin-key or set SLUICE_ADMIN_KEY");
        }
        return new AdminClient(root, k);
    }

    private JsonNode loadBaseline(String root) throws java.io.IOException {
        Path file = Path.of(baseline);
        if (Files.isRegularFile(file)) {
            JsonNode node = dev.sluice.api.Json.MAPPER.readTree(file.toFile());
            if (!node.has("results")) {
                throw new IllegalArgumentException("--baseline " + baseline + " is not a run's JSON (write one with -o run.json)");
            }
            return node;
        }
        try {
            return admin(root).get("/admin/evals/" + java.net.URLEncoder.encode(baseline, java.nio.charset.StandardCharsets.UTF_8))
                    .path("run");
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("--baseline " + baseline + " is neither a run's JSON file nor a stored run: "
                    + e.getMessage());
        }
    }

    private Suite filter(Suite suite) {
        if (filterPattern == null) {
            return suite;
        }
        Pattern p;
        try {
            p = Pattern.compile(filterPattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--filter-pattern is not a valid regex: " + e.getDescription());
        }
        List<TestCase> kept = suite.tests().stream().filter(t -> p.matcher(t.name()).find()).toList();
        return suite.withTests(kept);
    }

    private String baseUrl(Suite suite) {
        return firstNonNull(url, env.get("SLUICE_URL"), suite.targets().getFirst().baseUrl(), env.get("OPENAI_BASE_URL"),
                "http://127.0.0.1:8080");
    }

    private String apiKey(Suite suite) {
        return firstNonNull(key, env.get("SLUICE_API_KEY"), suite.targets().getFirst().apiKey(), env.get("OPENAI_API_KEY"));
    }

    private Double envNumber(String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a percentage, e.g. 80");
        }
    }

    private static Duration parseDuration(String text) {
        Duration d = dev.sluice.config.Durations.parse(text);
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("--timeout must be a duration like 60s or 2m");
        }
        return d;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null && !(v instanceof String s && s.isBlank())) {
                return v;
            }
        }
        return null;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** A one-line progress bar on stderr, redrawn at most once per percent. */
    private static final class Progress {
        private final PrintStream err;
        private final int total;
        private int lastPercent = -1;

        Progress(PrintStream err, int total) {
            this.err = err;
            this.total = Math.max(1, total);
        }

        synchronized void update(int done) {
            int percent = 100 * done / total;
            if (percent == lastPercent) {
                return;
            }
            lastPercent = percent;
            int filled = percent * 30 / 100;
            err.print("\r[" + "#".repeat(filled) + " ".repeat(30 - filled) + "] " + done + "/" + total);
        }

        void finish() {
            err.println();
        }
    }
}
