package dev.sluice.api;

/**
 * Token usage of one call.
 *
 * @param cachedTokens     prompt tokens served from the provider's prompt cache
 * @param reasoningTokens  completion tokens spent on hidden reasoning
 */
public record Usage(int promptTokens, int completionTokens, int totalTokens, int cachedTokens, int reasoningTokens) {

    public static Usage of(int prompt, int completion) {
        return new Usage(prompt, completion, prompt + completion, 0, 0);
    }
}
