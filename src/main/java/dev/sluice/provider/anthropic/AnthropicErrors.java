package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.Json;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamErrors;
import dev.sluice.provider.UpstreamException;
import dev.sluice.provider.UpstreamHttp;
import java.time.Duration;

/**
 * Classifies Anthropic's errors, {@code {"type":"error","error":{"type":...,"message":...}}},
 * whether they come as a non-2xx response or as an {@code error} event inside a stream. The
 * error type decides (Anthropic sometimes answers an overload with 429 instead of 529, and the
 * type tells them apart); bodies without that shape (a proxy's HTML page, an empty body) are
 * classified by HTTP status through {@link UpstreamErrors}.
 *
 * <table>
 *   <tr><th>error.type</th><th>class</th></tr>
 *   <tr><td>rate_limit_error</td><td>RATE_LIMITED (Retry-After kept)</td></tr>
 *   <tr><td>overloaded_error, api_error</td><td>SERVER_ERROR</td></tr>
 *   <tr><td>timeout_error</td><td>TIMEOUT</td></tr>
 *   <tr><td>authentication_error, permission_error, billing_error</td><td>AUTH</td></tr>
 *   <tr><td>invalid_request_error saying the prompt is too long</td><td>CONTEXT_LENGTH</td></tr>
 *   <tr><td>other invalid_request_error, not_found_error, request_too_large</td><td>BAD_REQUEST</td></tr>
 * </table>
 */
final class AnthropicErrors {

    private AnthropicErrors() {}

    /** Classifies a non-2xx response; reads (and so consumes) its body. */
    static UpstreamException fromResponse(String provider, UpstreamHttp.Response response) {
        return UpstreamErrors.fromResponse(provider, response, AnthropicErrors::fromBody);
    }

    static UpstreamException fromBody(String provider, int status, byte[] body, Duration retryAfter) {
        JsonNode error = null;
        try {
            JsonNode root = Json.parseUpstream(body);
            error = root == null ? null : root.get("error");
        } catch (Exception notJson) {
            // classified by status below
        }
        if (error != null && error.path("type").isTextual()) {
            return classify(provider, status, error.get("type").asText(), error.path("message").asText(""), retryAfter);
        }
        return UpstreamErrors.classify(provider, status, ErrorCodec.upstreamMessage(body), retryAfter);
    }

    /**
     * An error that arrived with status 200: an {@code error} event inside a stream (or an error
     * object as a 200 body). The error type is all there is, so the status recorded is the one
     * Anthropic uses for that type.
     */
    static UpstreamException fromErrorEvent(String provider, JsonNode event) {
        JsonNode error = event.path("error");
        String type = error.path("type").asText("api_error");
        int status = AnthropicWire.statusOf(type);
        return classify(provider, status == 0 ? 500 : status, type, error.path("message").asText(""), null);
    }

    static UpstreamException classify(String provider, int status, String type, String message, Duration retryAfter) {
        String where = "(HTTP " + status + " " + type + "): " + message;
        String who = "The upstream provider '" + provider + "' ";
        return switch (type) {
            case "rate_limit_error" -> new UpstreamException(provider, ErrorClass.RATE_LIMITED, status,
                    who + "is rate limiting requests: " + message, retryAfter, null);
            case "overloaded_error" -> new UpstreamException(provider, ErrorClass.SERVER_ERROR, status,
                    who + "is overloaded " + where, retryAfter, null);
            case "api_error" -> new UpstreamException(provider, ErrorClass.SERVER_ERROR, status,
                    who + "failed " + where, retryAfter, null);
            case "timeout_error" -> new UpstreamException(provider, ErrorClass.TIMEOUT, status,
                    who + "timed out " + where, retryAfter, null);
            case "authentication_error" -> new UpstreamException(provider, ErrorClass.AUTH, status,
                    who + "rejected the gateway's credentials " + where
                            + " Check the provider's api_key in the gateway config.", null, null);
            case "permission_error" -> new UpstreamException(provider, ErrorClass.AUTH, status,
                    who + "does not allow this request with the gateway's credentials " + where
                            + " Check that the provider's api_key may use this model and feature.", null, null);
            case "billing_error" -> new UpstreamException(provider, ErrorClass.AUTH, status,
                    who + "refused the request for a billing reason " + where
                            + " Check the billing of the account behind the provider's api_key.", null, null);
            case "invalid_request_error", "not_found_error", "request_too_large" -> new UpstreamException(provider,
                    UpstreamErrors.mentionsContextLength(message) ? ErrorClass.CONTEXT_LENGTH : ErrorClass.BAD_REQUEST,
                    status >= 400 && status < 500 ? status : 400, message, null, null);
            default -> UpstreamErrors.classify(provider, status, message, retryAfter);
        };
    }
}
