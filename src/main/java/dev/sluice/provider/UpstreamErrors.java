package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.Json;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Turns an upstream's non-2xx answer into a classified {@link UpstreamException}. */
public final class UpstreamErrors {
    /** A Retry-After longer than this is not believed: the client is told at most this. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    private UpstreamErrors() {}

    /** Reads a provider's own error body: {@code (provider, status, body, retryAfter) -> exception}. */
    @FunctionalInterface
    public interface BodyClassifier {
        UpstreamException classify(String provider, int status, byte[] body, Duration retryAfter);
    }

    /** Classifies an OpenAI-format non-2xx response; reads (and so consumes) its body. */
    public static UpstreamException fromResponse(String provider, UpstreamHttp.Response response) {
        return fromResponse(provider, response, (p, status, body, retryAfter) ->
                classify(p, status, ErrorCodec.upstreamMessage(body), errorCode(body), retryAfter));
    }

    /**
     * Classifies a non-2xx response with a provider's own body reader; reads (and so consumes)
     * its body (an unreadable body counts as empty) and its retry-after-ms / retry-after headers.
     */
    public static UpstreamException fromResponse(String provider, UpstreamHttp.Response response,
                                                 BodyClassifier classifier) {
        byte[] body;
        try {
            body = response.readAll();
        } catch (UpstreamException e) {
            body = new byte[0];
        }
        return classifier.classify(provider, response.status(), body,
                retryAfter(response.header("retry-after-ms"), response.header("retry-after")));
    }

    public static UpstreamException classify(String provider, int status, String upstreamMessage, Duration retryAfter) {
        return classify(provider, status, upstreamMessage, null, retryAfter);
    }

    /**
     * @param code the machine-readable {@code error.code} of an OpenAI-format body, or null. It
     *             decides before the message does: Azure OpenAI marks its content-filter refusals
     *             {@code content_filter}, OpenAI its too-long prompts {@code context_length_exceeded}.
     */
    public static UpstreamException classify(String provider, int status, String upstreamMessage, String code,
                                             Duration retryAfter) {
        String lower = upstreamMessage.toLowerCase(Locale.ROOT);
        ErrorClass cls;
        if (status == 429) {
            cls = ErrorClass.RATE_LIMITED;
        } else if (status == 408 || status == 504) {
            cls = ErrorClass.TIMEOUT;
        } else if (status >= 500) {
            cls = ErrorClass.SERVER_ERROR;
        } else if (status == 401 || status == 403) {
            cls = ErrorClass.AUTH;
        } else if ("context_length_exceeded".equals(code)) {
            cls = ErrorClass.CONTEXT_LENGTH;
        } else if ("content_filter".equals(code)) {
            cls = ErrorClass.CONTENT_FILTER;
        } else if (mentionsContextLength(upstreamMessage)) {
            cls = ErrorClass.CONTEXT_LENGTH;
        } else if (lower.contains("content_filter") || lower.contains("content management policy")
                || lower.contains("content policy")) {
            cls = ErrorClass.CONTENT_FILTER;
        } else {
            cls = ErrorClass.BAD_REQUEST;
        }
        String message = switch (cls) {
            case AUTH -> "The upstream provider '" + provider + "' rejected the gateway's credentials (HTTP " + status
                    + "): " + upstreamMessage + " Check the provider's api_key in the gateway config.";
            case RATE_LIMITED -> "The upstream provider '" + provider + "' is rate limiting requests: " + upstreamMessage;
            case SERVER_ERROR, TIMEOUT -> "The upstream provider '" + provider + "' failed (HTTP " + status + "): "
                    + upstreamMessage;
            default -> upstreamMessage;
        };
        return new UpstreamException(provider, cls, status, message, retryAfter, null);
    }

    /** The textual {@code error.code} of an OpenAI-format error body, or null. */
    static String errorCode(byte[] body) {
        try {
            JsonNode code = Json.parseUpstream(body).path("error").path("code");
            return code.isTextual() ? code.asText() : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    /**
     * Whether an upstream's error message says the prompt does not fit the model: OpenAI's
     * "context_length_exceeded", Anthropic's "prompt is too long: N tokens > M maximum" and
     * "input length and max_tokens exceed context limit", vLLM's "maximum context length".
     */
    public static boolean mentionsContextLength(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("context_length") || lower.contains("context length") || lower.contains("context window")
                || lower.contains("context limit") || lower.contains("prompt is too long")
                || lower.contains("too many tokens") || lower.contains("maximum context");
    }

    /** Parses retry-after-ms, or retry-after as seconds or an HTTP date; null when absent or unparseable. */
    public static Duration retryAfter(String millis, String header) {
        Duration d = null;
        try {
            if (millis != null) {
                d = Duration.ofMillis((long) Double.parseDouble(millis.strip()));
            } else if (header != null) {
                String v = header.strip();
                if (v.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.')) {
                    d = Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
                } else {
                    d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                }
            }
        } catch (RuntimeException unparseable) {
            return null;
        }
        if (d == null || d.isNegative()) {
            return d == null ? null : Duration.ZERO;
        }
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }
}
