package dev.sluice.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

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
 */
public record GuardrailsConfig(boolean enabled, String redaction, int streamHoldback, String defaultPolicy,
                               Map<String, PolicyConfig> policies, Map<String, String> keys,
                               Map<String, String> teams, Map<String, String> models) {

    /** Scanners, the directions they may run in, and which of them can redact. */
    public static final Set<String> INPUT_SCANNERS = Set.of("prompt_injection", "pii", "secrets", "invisible_text",
            "limits", "banned", "urls", "toxicity", "judge");
    public static final Set<String> OUTPUT_SCANNERS = Set.of("pii", "secrets", "invisible_text", "banned", "urls",
            "toxicity", "judge", "system_prompt_leak", "json_schema", "groundedness");
    public static final Set<String> REDACTABLE = Set.of("pii", "secrets", "invisible_text", "banned", "urls", "toxicity");
    public static final List<String> PII_ENTITIES = List.of("email", "phone", "credit_card", "iban", "us_ssn",
            "ip_address");
    public static final List<String> SECRET_TYPES = List.of("private_key", "aws_access_key_id",
            "aws_secret_access_key", "gcp_api_key", "gcp_oauth_secret", "github_token", "gitlab_token", "slack_token",
            "slack_webhook", "stripe_key", "anthropic_api_key", "openai_api_key", "sluice_api_key",
            "huggingface_token", "npm_token", "sendgrid_key", "azure_storage_key", "jwt", "connection_string",
            "generic_secret");
    public static final String NONE = "none";

    public static final GuardrailsConfig DISABLED = new GuardrailsConfig(false, "placeholder", 64, null, Map.of(),
            Map.of(), Map.of(), Map.of());

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
     * @param options   scanner-specific settings, already type-checked: String, Integer, Double, Boolean,
     *                  List&lt;String&gt; or List&lt;NamedPattern&gt; (see README, "Guardrails")
     */
    public record RuleConfig(String scanner, String action, Double threshold, Map<String, Object> options) {
        public RuleConfig {
            options = Map.copyOf(options);
        }

        public String string(String key, String fallback) {
            return options.get(key) instanceof String s ? s : fallback;
        }

        public int integer(String key, int fallback) {
            return options.get(key) instanceof Integer i ? i : fallback;
        }

        public double number(String key, double fallback) {
            return options.get(key) instanceof Number n ? n.doubleValue() : fallback;
        }

        public boolean bool(String key, boolean fallback) {
            return options.get(key) instanceof Boolean b ? b : fallback;
        }

        @SuppressWarnings("unchecked")
        public List<String> strings(String key) {
            return options.get(key) instanceof List<?> l && (l.isEmpty() || l.getFirst() instanceof String)
                    ? (List<String>) l : List.of();
        }

        @SuppressWarnings("unchecked")
        public List<NamedPattern> patterns(String key) {
            return options.get(key) instanceof List<?> l && !l.isEmpty() && l.getFirst() instanceof NamedPattern
                    ? (List<NamedPattern>) l : List.of();
        }
    }

    /** A custom detector from config: a name shown in events and a regular expression. */
    public record NamedPattern(String name, String pattern) {}
}
