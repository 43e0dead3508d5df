package dev.sluice.config;

/**
 * {@code quality:}: monitoring of answers in production.
 *
 * @param modelChange noticing a provider swapping the model behind a deployment
 */
public record QualityConfig(ModelChange modelChange) {
    public static final QualityConfig DEFAULTS = new QualityConfig(ModelChange.DEFAULTS);

    /**
     * @param enabled          watch every deployment's answers (on by default: it costs a map lookup per answer)
     * @param confirmAfter     answers in a row with the new identity before it counts as a change
     * @param trackFingerprint also treat a new {@code system_fingerprint} as a change (off: OpenAI rotates them often)
     */
    public record ModelChange(boolean enabled, int confirmAfter, boolean trackFingerprint) {
        public static final ModelChange DEFAULTS = new ModelChange(true, 3, false);
    }
}
