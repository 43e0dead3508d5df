package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.Json;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamErrors;
import dev.sluice.provider.UpstreamException;
import dev.sluice.provider.UpstreamHttp;
import java.time.Duration;
import java.util.Locale;

/**
 * Classifies Gemini's errors, Google's {@code {"error":{"code":429,"message":...,"status":
 * "RESOURCE_EXHAUSTED","details":[...]}}}, whether they come as a non-2xx response or inside a
 * stream. The canonical {@code status} decides; bodies without it (a proxy's HTML page) are
 * classified by HTTP status through {@link UpstreamErrors}.
 *
 * <table>
 *   <caption>error.status → class</caption>
 *   <tr><th>error.status</th><th>class</th></tr>
 *   <tr><td>RESOURCE_EXHAUSTED</td><td>RATE_LIMITED (the wait from a {@code RetryInfo} detail, else Retry-After)</td></tr>
 *   <tr><td>UNAVAILABLE, INTERNAL, UNKNOWN, ABORTED</td><td>SERVER_ERROR</td></tr>
 *   <tr><td>DEADLINE_EXCEEDED</td><td>TIMEOUT</td></tr>
 *   <tr><td>PERMISSION_DENIED, UNAUTHENTICATED, and INVALID_ARGUMENT for an invalid API key</td><td>AUTH</td></tr>
 *   <tr><td>INVALID_ARGUMENT saying the input has too many tokens</td><td>CONTEXT_LENGTH</td></tr>
 *   <tr><td>other INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, ...</td><td>BAD_REQUEST</td></tr>
 * </table>
 *
 * A prompt Gemini refuses to answer ({@code promptFeedback.blockReason}, in a 200 answer) is a
 * CONTENT_FILTER failure: there is no completion to return.
 */
final class GeminiErrors {
    private static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
    private static final String ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";

    private GeminiErrors() {}

    /** Classifies a non-2xx response; reads (and so consumes) its body. */
    static UpstreamException fromResponse(String provider, UpstreamHttp.Response response) {
        return UpstreamErrors.fromResponse(provider, response, GeminiErrors::fromBody);
    }

    static UpstreamException fromBody(String provider, int status, byte[] body, Duration headerRetryAfter) {
        JsonNode error = null;
        try {
            JsonNode root = Json.parseUpstream(body);
            if (root != null && root.isArray() && !root.isEmpty()) {
                root = root.get(0); // a non-SSE stream answers with a JSON array, errors included
            }
            error = root == null ? null : root.get("error");
        } catch (Exception notJson) {
            // classified by status below
        }
        if (error != null && error.path("status").isTextual()) {
            return classify(provider, status, error, headerRetryAfter);
        }
        return UpstreamErrors.classify(provider, status, ErrorCodec.upstreamMessage(body), headerRetryAfter);
    }

    /**
     * An error object that arrived with status 200, as a stream event; its own {@code code} is
     * the HTTP status Google would have answered with.
     */
    static UpstreamException fromErrorObject(String provider, JsonNode error) {
        int code = error.path("code").asInt(0);
        if (!error.path("status").isTextual()) {
            return UpstreamErrors.classify(provider, code >= 400 ? code : 500, error.path("message").asText(""), null);
        }
        return classify(provider, code >= 400 ? code : 500, error, null);
    }

    static UpstreamException classify(String provider, int httpStatus, JsonNode error, Duration headerRetryAfter) {
        String status = error.path("status").asText();
        String message = error.path("message").asText("");
        int code = httpStatus >= 400 ? httpStatus : error.path("code").asInt(500);
        String where = "(HTTP " + code + " " + status + "): " + message;
        String who = "The upstream provider '" + provider + "' ";
        return switch (status) {
            case "RESOURCE_EXHAUSTED" -> {
                Duration retryAfter = retryDelay(error);
                yield new UpstreamException(provider, ErrorClass.RATE_LIMITED, code,
                        who + "is rate limiting requests: " + message, retryAfter != null ? retryAfter : headerRetryAfter,
                        null);
            }
            case "UNAVAILABLE", "INTERNAL", "UNKNOWN", "ABORTED" -> new UpstreamException(provider,
                    ErrorClass.SERVER_ERROR, code, who + "failed " + where, headerRetryAfter, null);
            case "DEADLINE_EXCEEDED" -> new UpstreamException(provider, ErrorClass.TIMEOUT, code,
                    who + "timed out " + where, headerRetryAfter, null);
            case "UNAUTHENTICATED", "PERMISSION_DENIED" -> auth(provider, code, where);
            case "INVALID_ARGUMENT" -> {
                if (invalidApiKey(error)) {
                    yield auth(provider, code, where);
                }
                yield new UpstreamException(provider, mentionsTokenLimit(message) ? ErrorClass.CONTEXT_LENGTH
                        : ErrorClass.BAD_REQUEST, code >= 400 && code < 500 ? code : 400, message, null, null);
            }
            default -> code >= 400 && code < 500 && code != 429 && code != 408
                    ? new UpstreamException(provider, ErrorClass.BAD_REQUEST, code, message, null, null)
                    : UpstreamErrors.classify(provider, code, message, headerRetryAfter);
        };
    }

    /** A 200 answer without candidates because the prompt itself was blocked. */
    static UpstreamException blocked(String provider, JsonNode promptFeedback) {
        String reason = promptFeedback.path("blockReason").asText("BLOCK_REASON_UNSPECIFIED");
        String detail = promptFeedback.path("blockReasonMessage").asText("");
        return new UpstreamException(provider, ErrorClass.CONTENT_FILTER, 200, "The upstream provider '" + provider
                + "' refused to answer this prompt (blockReason " + reason + ")" + (detail.isEmpty() ? "" : ": " + detail)
                + ". Rephrase the request, or route it to another model.", null, null);
    }

    /** Whether a 200 answer is a blocked prompt: no candidates, and a block reason. */
    static boolean isBlocked(JsonNode root) {
        return root.path("candidates").isEmpty() && root.path("promptFeedback").path("blockReason").isTextual();
    }

    private static UpstreamException auth(String provider, int code, String where) {
        return new UpstreamException(provider, ErrorClass.AUTH, code, "The upstream provider '" + provider
                + "' rejected the gateway's credentials " + where + " Check the provider's api_key in the gateway config.",
                null, null);
    }

    /**
     * Gemini answers a bad key with 400 INVALID_ARGUMENT, telling it apart only by the
     * {@code API_KEY_INVALID} reason of an ErrorInfo detail (and its message).
     */
    private static boolean invalidApiKey(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (ERROR_INFO.equals(detail.path("@type").asText()) && detail.path("reason").asText().startsWith("API_KEY")) {
                return true;
            }
        }
        return error.path("message").asText("").toLowerCase(Locale.ROOT).contains("api key not valid");
    }

    /**
     * Gemini's "The input token count (1200000) exceeds the maximum number of tokens allowed
     * (1048576)." and the wordings every provider shares.
     */
    static boolean mentionsTokenLimit(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return UpstreamErrors.mentionsContextLength(message) || lower.contains("input token count")
                || lower.contains("maximum number of tokens");
    }

    /** The wait in a {@code google.rpc.RetryInfo} detail ({@code "retryDelay": "7s"} or {@code "0.5s"}), capped like Retry-After. */
    static Duration retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (RETRY_INFO.equals(detail.path("@type").asText())) {
                String delay = detail.path("retryDelay").asText("").strip();
                if (delay.endsWith("s")) {
                    try {
                        long millis = (long) (Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000);
                        return UpstreamErrors.retryAfter(Long.toString(millis), null);
                    } catch (NumberFormatException unparseable) {
                        return null;
                    }
                }
            }
        }
        return null;
    }
}
