package dev.sluice.prompts.rollout;

/**
 * One request served by a variant, as the figures need it (read from the request log, with its
 * feedback and online score when there are any).
 *
 * @param errorType        null when the request succeeded, else its error type ({@code rate_limited}, ...)
 * @param ttftMs           time to first token of a stream, or null
 * @param feedbackPositive the user's verdict (thumbs up = true), or null when nobody rated it
 * @param score            an online evaluation score in [0, 1], or null when none was computed
 */
public record Observation(String variant, long ts, String errorType, long latencyMs, Long ttftMs, long tokensIn,
                          long tokensOut, double costUsd, Boolean feedbackPositive, Double score) {

    public boolean failed() {
        return errorType != null;
    }
}
