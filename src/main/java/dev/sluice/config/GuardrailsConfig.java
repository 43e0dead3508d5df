package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code guardrails:} section: named policies (which scanners run on the input and on the
 * output, their thresholds and actions) and which policy applies to whom. A caller gets the
 * policy bound to its key, else to its team, else to the requested model, else the default.
 *
 * @param redaction      {@code placeholder} (input spans become {@code [EMAIL_1]}, restored in the
 *                       answer) or {@code mask} ({@code [EMAIL]}, not restored)
 * @param streamHoldback characters of a streamed answer held back so a match is never split
 * @param defaultPolicy  the policy for callers no binding names, or null for none
 * @param keys           key id (or key name) → policy name; the policy name {@code none} turns guardrails off
 * @param scanBudget     the time the input guardrails may spend on one request
 * @param onBudgetExceeded {@code block} (refuse the request) or {@code flag} (record it, skip the
 *                       scans left and let the request through) when the budget runs out
 * @param inputScan      {@code before} (the input is scanned before the upstream call) or {@code parallel}
 *                       (the rules that block or flag run alongside it); a policy may set its own
 * @param parallelScans  at most this many input scans run alongside upstream calls at once; a request past
 *                       them is scanned before its call
 * @param readerSlots    at most this many second readings (the fine-tuned MiniLM readers of {@code tuned} and
 *                       {@code tuned_documents}) run at once within requests' scans; a reading that could not end within
 *                       its request's scan budget is skipped and the n-gram verdict stands (recorded as
 *                       {@code reader_skipped}); 0 skips them all
 */
public record GuardrailsConfig(boolean enabled, String redaction, int streamHoldback, String defaultPolicy,
                               Map<String, PolicyConfig> policies, Map<String, String> keys,
                               Map<String, String> teams, Map<String, String> models, Duration scanBudget,
                               String onBudgetExceeded, String inputScan, int parallelScans, int readerSlots) {

    public static final String NONE = "none";
    public static final Duration DEFAULT_SCAN_BUDGET = Duration.ofSeconds(2);
    public static final String BEFORE = "before";
    public static final String PARALLEL = "parallel";

    /**
     * Input scans alongside upstream calls at once, by default: two per core. Each is CPU work of at most the scan
     * budget; past the limit a request is scanned before its call, as with {@code input_scan: before}.
     */
    public static int defaultParallelScans() {
        return 2 * Runtime.getRuntime().availableProcessors();
    }

    /** Second readings at once within requests' scans, by default: one per core (session 16, bench/README). */
    public static int defaultReaderSlots() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static final GuardrailsConfig DISABLED = new GuardrailsConfig(false, "placeholder", 64, null, Map.of(),
            Map.of(), Map.of(), Map.of(), DEFAULT_SCAN_BUDGET, "block", BEFORE, 1, 1);

    public GuardrailsConfig {
        policies = Map.copyOf(policies);
        keys = Map.copyOf(keys);
        teams = Map.copyOf(teams);
        models = Map.copyOf(models);
    }

    /**
     * A named policy: the rules for the request and for the answer, each in config order.
     *
     * @param inputScan {@code before} or {@code parallel}; null: the guardrails' {@code input_scan}
     */
    public record PolicyConfig(String name, List<RuleConfig> input, List<RuleConfig> output, String inputScan) {
        public PolicyConfig {
            input = List.copyOf(input);
            output = List.copyOf(output);
        }
    }

    /**
     * One scanner in a policy.
     *
     * @param threshold a finding fires the action when its score is at least this; null = the scanner's default
     * @param options   the scanner's own options: the record its {@link ScannerSchema#options() schema} read
     */
    public record RuleConfig(String scanner, String action, Double threshold, Object options) {}
}
