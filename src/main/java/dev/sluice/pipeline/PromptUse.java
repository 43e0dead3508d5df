package dev.sluice.pipeline;

/**
 * The stored prompt a request was rendered from (issue 16), for the request log, the root span,
 * the metrics and the experiments' figures.
 *
 * @param name       the prompt's name
 * @param version    the version rendered
 * @param experiment the A/B experiment or canary rollout that chose the version, or null
 * @param variant    the arm it chose: an A/B variant's name, or {@code baseline} / {@code candidate}; null without one
 * @param window     in a canary, the start of the step window it fell in (epoch ms, from the rollout); else null
 */
public record PromptUse(String name, int version, String experiment, String variant, Long window) {

    /** {@code NAME@VERSION}, as in the {@code x-sluice-prompt} response header. */
    public String ref() {
        return name + "@" + version;
    }
}
