package dev.sluice.sim;

import dev.sluice.api.SluiceException;
import java.time.Duration;
import java.util.function.Function;

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
 * @param itlScheduled streams: the k-th content piece is due k x itl after the first, whenever the one before went
 *                     out (a late piece is caught up), instead of itl after the one before (a late piece delays every
 *                     later one: after a pause of the simulator, all streams it held stay in step)
 */
record Faults(Duration ttft, Duration itl, Integer tokens, boolean fail, int errorStatus, int retryAfter,
              Duration hang, Integer resetAfter, boolean malformed, int contextWindow, String answer,
              String responseModel, boolean itlScheduled) {

    static final String TTFT_MS = "x-sim-ttft-ms";
    static final String ITL_MS = "x-sim-itl-ms";
    static final String TOKENS = "x-sim-tokens";
    static final String ERROR_RATE = "x-sim-error-rate";
    static final String ERROR_STATUS = "x-sim-error-status";
    static final String RETRY_AFTER = "x-sim-retry-after";
    static final String HANG_MS = "x-sim-hang-ms";
    static final String RESET_AFTER = "x-sim-reset-after";
    static final String MALFORMED = "x-sim-malformed";
    static final String CONTEXT_WINDOW = "x-sim-context-window";
    static final String ANSWER = "x-sim-answer";
    static final String RESPONSE_MODEL = "x-sim-response-model";
    static final String ITL_SCHEDULED = "x-sim-itl-scheduled";

    /**
     * Resolves the faults of one request. {@code x-sim-error-status} alone (without
     * {@code x-sim-error-rate}) fails the request for certain: a test that names a status wants it.
     */
    static Faults resolve(Function<String, String> headers, SimOptions options, Dice dice) {
        String statusHeader = headers.apply(ERROR_STATUS);
        String rateHeader = headers.apply(ERROR_RATE);
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
                java.util.Optional.ofNullable(headers.apply(RESPONSE_MODEL)).map(String::strip).filter(v -> !v.isEmpty()).orElse(options.responseModel()),
                bool(headers, ITL_SCHEDULED));
    }

    /** The model name an answer to {@code requested} carries. */
    String answeringModel(String requested) {
        return responseModel != null ? responseModel : requested;
    }

    private static String answer(Function<String, String> headers, String fallback) {
        String value = headers.apply(ANSWER);
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

    private static Duration millis(Function<String, String> headers, String name, Duration fallback) {
        String value = headers.apply(name);
        return value == null ? fallback : Duration.ofMillis(integer(name, value, 0, Long.MAX_VALUE / 1_000_000));
    }

    private static Integer optionalInt(Function<String, String> headers, String name, Integer fallback, int min) {
        String value = headers.apply(name);
        if (value == null) {
            return fallback; // (a ternary here would unbox a null fallback)
        }
        return (int) integer(name, value, min, Integer.MAX_VALUE);
    }

    private static int intOr(Function<String, String> headers, String name, int fallback, int min) {
        String value = headers.apply(name);
        return value == null ? fallback : (int) integer(name, value, min, Integer.MAX_VALUE);
    }

    private static long integer(String name, String value, long min, long max) {
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

    private static double decimal(String name, String value, double min, double max) {
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

    private static boolean bool(Function<String, String> headers, String name) {
        String value = headers.apply(name);
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw bad(name, value, "true or false");
        };
    }

    private static SluiceException bad(String name, String value, String expected) {
        return SluiceException.invalidRequest(name, "Invalid simulator header " + name
                + ": '" + value + "'; expected " + expected + ".");
    }
}
