package dev.sluice.sim;

import dev.sluice.api.ErrorCodec;
import dev.sluice.api.SluiceException;
import java.time.Duration;

/** OpenAI's error wording: {@code {"error":{"message","type","param","code"}}} with its types and codes. */
final class OpenAiDialect implements Dialect {
    private static final String REQUEST_ID = "x-request-id";

    @Override
    public SluiceException injected(int status, int retryAfterSeconds) {
        return switch (status) {
            case 400 -> error(400, "invalid_request_error", null, "Simulated invalid request (x-sim-error-status: 400).");
            case 401 -> error(401, "invalid_request_error", "invalid_api_key",
                    "Incorrect API key provided (simulated failure).");
            case 403 -> error(403, "permission_error", "unsupported_country_region_territory",
                    "Access denied (simulated failure).");
            case 404 -> error(404, "invalid_request_error", "model_not_found",
                    "The model does not exist or you do not have access to it (simulated failure).");
            case 429 -> new SluiceException(429, "requests", "rate_limit_exceeded", null,
                    "Rate limit reached for requests (simulated failure). Please try again in " + retryAfterSeconds + "s.",
                    Duration.ofSeconds(retryAfterSeconds), null);
            case 500 -> error(500, "server_error", null,
                    "The server had an error while processing your request. Sorry about that! (simulated failure)");
            case 502, 503, 504 -> error(status, "server_error", null,
                    "The server is overloaded or not ready yet (simulated failure).");
            default -> error(status, status < 500 ? "invalid_request_error" : "server_error", null,
                    "Simulated failure with HTTP status " + status + ".");
        };
    }

    @Override
    public SluiceException contextTooLong(int promptTokens, int contextWindow) {
        return new SluiceException(400, "invalid_request_error", "context_length_exceeded", "messages",
                "This model's maximum context length is " + contextWindow + " tokens. However, your messages resulted in "
                        + promptTokens + " tokens. Please reduce the length of the messages.");
    }

    @Override
    public byte[] errorBody(SluiceException error) {
        return ErrorCodec.write(error);
    }

    @Override
    public String requestIdHeader() {
        return REQUEST_ID;
    }

    private static SluiceException error(int status, String type, String code, String message) {
        return new SluiceException(status, type, code, null, message);
    }
}
