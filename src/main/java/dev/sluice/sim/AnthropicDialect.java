package dev.sluice.sim;

import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import java.time.Duration;

/** Anthropic's error wording: {@code {"type":"error","error":{"type","message"}}}, typed by status. */
final class AnthropicDialect implements Dialect {
    private static final String REQUEST_ID = "request-id";

    @Override
    public SluiceException injected(int status, int retryAfterSeconds) {
        String message = switch (status) {
            case 400 -> "Simulated invalid request (x-sim-error-status: 400).";
            case 401 -> "invalid x-api-key (simulated failure)";
            case 429 -> "Number of requests has exceeded your rate limit (simulated failure).";
            case 500 -> "Internal server error (simulated failure)";
            case 503, 529 -> "Overloaded (simulated failure)";
            default -> "Simulated failure with HTTP status " + status + ".";
        };
        return new SluiceException(status, typeOf(status), null, null, message,
                status == 429 ? Duration.ofSeconds(retryAfterSeconds) : null, null);
    }

    @Override
    public SluiceException contextTooLong(int promptTokens, int contextWindow) {
        return new SluiceException(400, "invalid_request_error", null, null,
                "prompt is too long: " + promptTokens + " tokens > " + contextWindow + " maximum");
    }

    @Override
    public byte[] errorBody(SluiceException error) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("type", "error");
            gen.writeObjectFieldStart("error");
            gen.writeStringField("type", typeOf(error.status()));
            gen.writeStringField("message", error.getMessage());
            gen.writeEndObject();
            gen.writeEndObject();
        });
    }

    @Override
    public String requestIdHeader() {
        return REQUEST_ID;
    }

    /** Anthropic types errors by status alone (https://docs.anthropic.com/en/api/errors). */
    static String typeOf(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
