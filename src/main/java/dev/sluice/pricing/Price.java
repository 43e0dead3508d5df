package dev.sluice.pricing;

/** USD per million tokens. {@code cachedInput} applies to prompt tokens served from the provider's cache. */
public record Price(double input, double output, double cachedInput) {
    public static final Price FREE = new Price(0, 0, 0);

    /** The cost in USD of one call's usage at this price. */
    public double cost(int promptTokens, int completionTokens, int cachedTokens) {
        int uncached = Math.max(0, promptTokens - cachedTokens);
        return (uncached * input + cachedTokens * cachedInput + completionTokens * output) / 1_000_000.0;
    }

    /** A rough price of a call with this many input and output tokens, for ranking deployments. */
    public double estimate(int inputTokens, int outputTokens) {
        return (inputTokens * input + outputTokens * output) / 1_000_000.0;
    }
}
