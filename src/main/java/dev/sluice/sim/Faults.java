package dev.sluice.sim;

import dev.sluice.api.SluiceException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.time.Duration;

/**
 * The latency and faults one request gets: the {@link SimOptions} overridden by the request's
 * {@code x-sim-*} headers. A header with a bad value is the test author's mistake, so it is a 400
 * that names the header rather than a silently ignored setting.
 *
 * @param ttft         wait before the first byte of the answer
 * @param itl          wait between streamed pieces (non-streaming: tokens x itl is added to the wait)
 * @param tokens       answer length in tokens, or null to derive it from the prompt
 * @param fail         this request fails with {@code errorStatus} (decided once, before any answer)
 * @param retryAfter   seconds in the {@code retry-after} header of a 429
 * @param hang         wait before doing anything at all (for client timeout tests)
 * @param resetAfter   abort the connection after this many streamed content pieces (non-streaming:
 *                     close without a response); null for no reset
 * @param malformed    send invalid JSON (non-streaming body, or one streamed event)
 * @param contextWindow prompts with more tokens than this are rejected
 * @param answer       {@code normal}, or a bad answer: {@code refusal}, {@code empty}, {@code invalid_json}
 * @param responseModel the model name the answer carries, or null to echo the requested one
 */
record Faults(Duration ttft, Duration itl, Integer tokens, boolean fail, int errorStatus, int retryAfter,
              Duration hang, Integer resetAfter, boolean malformed, int contextWindow, String answer,
              String responseModel) {

    static final HeaderName TTFT_MS = HeaderNames.create("x-sim-ttft-ms");
    static final HeaderName ITL_MS = HeaderNames.create("x-sim-itl-ms");
    static final HeaderName TOKENS = HeaderNames.create("x-sim-tokens");
    static final HeaderName ERROR_RATE = HeaderNames.create("x-sim-error-rate");
    static final HeaderName ERROR_STATUS = HeaderNames.create("x-sim-error-status");
    static final HeaderName RETRY_AFTER = HeaderNames.create("x-sim-retry-after");
    static final HeaderName HANG_MS = HeaderNames.create("x-sim-hang-ms");
    static final HeaderName RESET_AFTER = HeaderNames.create("x-sim-reset-after");
    static final HeaderName MALFORMED = HeaderNames.create("x-sim-malformed");
    static final HeaderName CONTEXT_WINDOW = HeaderNames.create("x-sim-context-window");
    static final HeaderName ANSWER = HeaderNames.create("x-sim-answer");
    static final HeaderName RESPONSE_MODEL = HeaderNames.create("x-sim-response-model");

    /**
     * Resolves the faults of one request. {@code x-sim-error-status} alone (without
     * {@code x-sim-error-rate}) fails the request for certain: a test that names a status wants it.
     */
    static Faults resolve(Headers headers, SimOptions options, Dice dice) {
        String statusHeader = headers.first(ERROR_STATUS).orElse(null);
        String rateHeader = headers.first(ERROR_RATE).orElse(null);
        double rate = rateHeader != null ? decimal(ERROR_RATE, rateHeader, 0, 1)
                : statusHeader != null ? 1.0 : options.errorRate();
        int status = statusHeader != null ? (int) integer(ERROR_STATUS, statusHeader, 400, 599) : options.errorStatus();
        return new Faults(
                millis(headers, TTFT_MS, options.ttft()),
                millis(headers, ITL_MS, options.interTokenDelay()),
                optionalInt(headers, TOKENS, options.outputTokens(), 0),
                dice.roll(rate),
                status,
                intOr(headers, RETRY_AFTER, options.retryAfterSeconds(), 0),
                millis(headers, HANG_MS, Duration.ZERO),
                optionalInt(headers, RESET_AFTER, null, 0),
                bool(headers, MALFORMED),
                intOr(headers, CONTEXT_WINDOW, options.contextWindow(), 1),
                answer(headers, options.answer()),
                headers.first(RESPONSE_MODEL).map(String::strip).filter(v -> !v.isEmpty()).orElse(options.responseModel()));
    }

    /** The model name an answer to {@code requested} carries. */
    String answeringModel(String requested) {
        return responseModel != null ? responseModel : requested;
    }

    private static String answer(Headers headers, String fallback) {
        String value = headers.first(ANSWER).orElse(null);
        if (value == null) {
            return fallback;
        }
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (!SimOptions.ANSWERS.contains(v)) {
            throw bad(ANSWER, value, "one of " + String.join(", ", SimOptions.ANSWERS));
        }
        return v;
    }

    /** How long a non-streaming answer of {@code tokens} tokens takes to "generate". */
    Duration generationTime(int tokens) {
        return itl.isZero() ? ttft : ttft.plus(itl.multipliedBy(tokens));
    }

    private static Duration millis(Headers headers, HeaderName name, Duration fallback) {
        String value = headers.first(name).orElse(null);
        return value == null ? fallback : Duration.ofMillis(integer(name, value, 0, Long.MAX_VALUE / 1_000_000));
    }

    private static Integer optionalInt(Headers headers, HeaderName name, Integer fallback, int min) {
        String value = headers.first(name).orElse(null);
        if (value == null) {
            return fallback; // (a ternary here would unbox a null fallback)
        }
        return (int) integer(name, value, min, Integer.MAX_VALUE);
    }

    private static int intOr(Headers headers, HeaderName name, int fallback, int min) {
        String value = headers.first(name).orElse(null);
        return value == null ? fallback : (int) integer(name, value, min, Integer.MAX_VALUE);
    }

    private static long integer(HeaderName name, String value, long min, long max) {
        try {
            long v = Long.parseLong(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(name, value, "an integer from " + min + " to " + max);
    }

    private static double decimal(HeaderName name, String value, double min, double max) {
        try {
            double v = Double.parseDouble(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(name, value, "a number from " + min + " to " + max);
    }

    private static boolean bool(Headers headers, HeaderName name) {
        String value = headers.first(name).orElse(null);
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw bad(name, value, "true or false");
        };
    }

    private static SluiceException bad(HeaderName name, String value, String expected) {
        return SluiceException.invalidRequest(name.lowerCase(), "Invalid simulator header " + name.lowerCase()
                + ": '" + value + "'; expected " + expected + ".");
    }
}
