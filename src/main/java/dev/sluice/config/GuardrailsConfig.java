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
 */
public record GuardrailsConfig(boolean enabled, String redaction, int streamHoldback, String defaultPolicy,
                               Map<String, PolicyConfig> policies, Map<String, String> keys,
                               Map<String, String> teams, Map<String, String> models, Duration scanBudget,
                               String onBudgetExceeded) {

    public static final String NONE = "none";
    public static final Duration DEFAULT_SCAN_BUDGET = Duration.ofSeconds(2);

    public static final GuardrailsConfig DISABLED = new GuardrailsConfig(false, "placeholder", 64, null, Map.of(),
            Map.of(), Map.of(), Map.of(), DEFAULT_SCAN_BUDGET, "block");

    public GuardrailsConfig {
        policies = Map.copyOf(policies);
        keys = Map.copyOf(keys);
        teams = Map.copyOf(teams);
        models = Map.copyOf(models);
    }

    /** A named policy: the rules for the request and for the answer, each in config order. */
    public record PolicyConfig(String name, List<RuleConfig> input, List<RuleConfig> output) {
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
