package dev.sluice.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Simulator} behaves when a request does not say otherwise (the {@code x-sim-*}
 * request headers override most of these per request). Immutable; start from {@link #defaults()}
 * and change what you need with the {@code with...} methods:
 *
 * <pre>{@code
 * try (Simulator sim = Simulator.start(SimOptions.defaults().withTtft(Duration.ofMillis(200)))) { ... }
 * }</pre>
 *
 * @param host                 interface to listen on; default 127.0.0.1
 * @param port                 port to listen on; 0 picks a free one
 * @param ttft                 time to first token (streaming) or added to the whole answer (non-streaming)
 * @param interTokenDelay      delay between streamed pieces; non-streaming answers wait ttft + tokens x this
 * @param outputTokens         answer length in tokens; null derives 16..48 from the prompt's hash
 * @param errorRate            probability (0..1) that a request fails with {@code errorStatus}
 * @param errorStatus          HTTP status of injected failures (429, 500, 503, ...)
 * @param retryAfterSeconds    the {@code retry-after} header of injected 429s
 * @param contextWindow        prompts with more tokens than this get the provider's context-length 400
 * @param seed                 seeds generated text (unless the request sends {@code seed}) and fault rolls
 * @param recordLimit          how many requests {@link Simulator#recorded()} keeps (oldest dropped); 0 keeps none
 * @param embeddingDimensions  embedding length when the request does not send {@code dimensions}
 * @param answer               what chat answers say: {@code normal}, or a bad answer for quality tests:
 *                             {@code refusal}, {@code empty}, {@code invalid_json},
 *                             {@code low_score} (a judge's low verdict)
 * @param responseModel        the model name answers carry; null echoes the requested name (set it to
 *                             simulate a provider swapping the model behind a name)
 */
public record SimOptions(String host, int port, Duration ttft, Duration interTokenDelay, Integer outputTokens,
                         double errorRate, int errorStatus, int retryAfterSeconds, int contextWindow, long seed,
                         int recordLimit, int embeddingDimensions, String answer, String responseModel) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_CONTEXT_WINDOW = 128_000;
    public static final int DEFAULT_RECORD_LIMIT = 10_000;
    /** Small on purpose: keeps responses light for tests and benchmarks; send {@code dimensions} for more. */
    public static final int DEFAULT_EMBEDDING_DIMENSIONS = 384;
    /** The kinds of answer the simulator can be told to give. */
    public static final java.util.List<String> ANSWERS = java.util.List.of("normal", "refusal", "empty", "invalid_json", "low_score");

    public SimOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ttft, "ttft");
        Objects.requireNonNull(interTokenDelay, "interTokenDelay");
        check(port >= 0 && port <= 65535, "port must be 0..65535, was " + port);
        check(!ttft.isNegative(), "ttft must not be negative");
        check(!interTokenDelay.isNegative(), "interTokenDelay must not be negative");
        check(outputTokens == null || outputTokens >= 0, "outputTokens must be >= 0 or null, was " + outputTokens);
        check(errorRate >= 0 && errorRate <= 1, "errorRate must be 0..1, was " + errorRate);
        check(errorStatus >= 400 && errorStatus <= 599, "errorStatus must be 400..599, was " + errorStatus);
        check(retryAfterSeconds >= 0, "retryAfterSeconds must be >= 0, was " + retryAfterSeconds);
        check(contextWindow >= 1, "contextWindow must be >= 1, was " + contextWindow);
        check(recordLimit >= 0, "recordLimit must be >= 0, was " + recordLimit);
        Objects.requireNonNull(answer, "answer");
        check(ANSWERS.contains(answer), "answer must be one of " + ANSWERS + ", was " + answer);
        check(embeddingDimensions >= 1 && embeddingDimensions <= 65536,
                "embeddingDimensions must be 1..65536, was " + embeddingDimensions);
    }

    /** Loopback, a random port, no latency, no faults, seed 42. */
    public static SimOptions defaults() {
        return new SimOptions(DEFAULT_HOST, 0, Duration.ZERO, Duration.ZERO, null, 0, 500, 1, DEFAULT_CONTEXT_WINDOW,
                42, DEFAULT_RECORD_LIMIT, DEFAULT_EMBEDDING_DIMENSIONS, "normal", null);
    }

    public SimOptions withHost(String value) {
        return new SimOptions(value, port, ttft, interTokenDelay, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, seed, recordLimit, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withPort(int value) {
        return new SimOptions(host, value, ttft, interTokenDelay, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, seed, recordLimit, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withTtft(Duration value) {
        return new SimOptions(host, port, value, interTokenDelay, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, seed, recordLimit, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withInterTokenDelay(Duration value) {
        return new SimOptions(host, port, ttft, value, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, seed, recordLimit, embeddingDimensions, answer, responseModel);
    }

    /** A fixed answer length in tokens; null goes back to the prompt-derived 16..48. */
    public SimOptions withOutputTokens(Integer value) {
        return new SimOptions(host, port, ttft, interTokenDelay, value, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, seed, recordLimit, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withErrorRate(double value) {
        return new SimOptions(host, port, ttft, interTokenDelay, outputTokens, value, errorStatus,
                retryAfterSeconds, contextWindow, seed, recordLimit, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withErrorStatus(int value) {
        return new SimOptions(host, port, ttft, interTokenDelay, outputTokens, errorRate, value,
                retryAfterSeconds, contextWindow, seed, recordLimit, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withRetryAfterSeconds(int value) {
        return new SimOptions(host, port, ttft, interTokenDelay, outputTokens, errorRate, errorStatus,
                value, contextWindow, seed, recordLimit, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withContextWindow(int value) {
        return new SimOptions(host, port, ttft, interTokenDelay, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, value, seed, recordLimit, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withSeed(long value) {
        return new SimOptions(host, port, ttft, interTokenDelay, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, value, recordLimit, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withRecordLimit(int value) {
        return new SimOptions(host, port, ttft, interTokenDelay, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, seed, value, embeddingDimensions, answer, responseModel);
    }

    public SimOptions withEmbeddingDimensions(int value) {
        return new SimOptions(host, port, ttft, interTokenDelay, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, seed, recordLimit, value, answer, responseModel);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public SimOptions withAnswer(String value) {
        return new SimOptions(host, port, ttft, interTokenDelay, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, seed, recordLimit, embeddingDimensions, value, responseModel);
    }

    public SimOptions withResponseModel(String value) {
        return new SimOptions(host, port, ttft, interTokenDelay, outputTokens, errorRate, errorStatus,
                retryAfterSeconds, contextWindow, seed, recordLimit, embeddingDimensions, answer, value);
    }
}
