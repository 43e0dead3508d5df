package dev.sluice.config;

/**
 * {@code quality:}: monitoring of answers in production.
 *
 * @param modelChange noticing a provider swapping the model behind a deployment
 */
public record QualityConfig(ModelChange modelChange, Drift drift) {
    public static final QualityConfig DEFAULTS = new QualityConfig(ModelChange.DEFAULTS, Drift.DEFAULTS);

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
