package dev.sluice.config;

/**
 * {@code quality:}: monitoring of answers in production.
 *
 * @param modelChange noticing a provider swapping the model behind a deployment
 */
public record QualityConfig(ModelChange modelChange, Drift drift, java.util.List<Evaluator> evaluators) {
    public static final QualityConfig DEFAULTS = new QualityConfig(ModelChange.DEFAULTS, Drift.DEFAULTS, java.util.List.of());

    public QualityConfig {
        evaluators = evaluators == null ? java.util.List.of() : java.util.List.copyOf(evaluators);
    }

    /**
     * One online evaluator ({@code evaluators:}): a check of {@code sluice eval} run on a sampled share
     * of production answers, after the client has them.
     *
     * @param assertion    the check, written as in an evaluation suite ({@code type:}, {@code value:}, ...)
     * @param models       public models it watches (empty: all); also prompts (prompt names), keys, teams
     * @param dailyUsd     what its judge calls may cost a day (model-graded checks), or null for no cap
     * @param judgeModel   the model model-graded checks use when the assertion names none
     */
    public record Evaluator(String name, int version, YamlNode assertion, java.util.Set<String> models,
                            java.util.Set<String> prompts, java.util.Set<String> keys, java.util.Set<String> teams,
                            double sampleRate, int maxPerMinute, Double dailyUsd, String judgeModel) {}

    /**
     * @param enabled      sample requests for drift even when no alert rule reads it (for /admin/quality/drift);
     *                     a {@code metric: drift} alert rule turns it on anyway
     * @param sampleRate   share of answered chat requests sampled (0..1)
     * @param maxPerMinute at most this many samples a minute (each embeds the prompt on a background thread)
     * @param horizon      how far back samples are kept: at least the longest baseline + window of the rules
     */
    public record Drift(boolean enabled, double sampleRate, int maxPerMinute, java.time.Duration horizon) {
        public static final Drift DEFAULTS = new Drift(false, 0.2, 600, java.time.Duration.ofHours(25));
    }

    /**
     * @param enabled          watch every deployment's answers (on by default: it costs a map lookup per answer)
     * @param confirmAfter     answers in a row with the new identity before it counts as a change
     * @param trackFingerprint also treat a new {@code system_fingerprint} as a change (off: OpenAI rotates them often)
     */
    public record ModelChange(boolean enabled, int confirmAfter, boolean trackFingerprint) {
        public static final ModelChange DEFAULTS = new ModelChange(true, 3, false);
    }
}
