package dev.sluice.provider;

import dev.sluice.api.SluiceException;
import java.time.Duration;

/**
 * An upstream call failed. The HTTP status returned to the client follows the class: rate limits
 * stay 429 (with Retry-After), server errors become 502, timeouts 504, and the upstream's own 4xx
 * pass through with its message.
 */
public final class UpstreamException extends SluiceException {
    private final ErrorClass errorClass;
    private final int upstreamStatus;
    private final String provider;

    public UpstreamException(String provider, ErrorClass errorClass, int upstreamStatus, String message,
                             Duration retryAfter, Throwable cause) {
        super(clientStatus(errorClass, upstreamStatus), clientType(errorClass), errorClass.label(), null,
                message, retryAfter, cause);
        this.errorClass = errorClass;
        this.upstreamStatus = upstreamStatus;
        this.provider = provider;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /** The upstream's HTTP status, or 0 when no response arrived (timeout, connection error). */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    public String provider() {
        return provider;
    }

    private static int clientStatus(ErrorClass c, int upstreamStatus) {
        return switch (c) {
            case RATE_LIMITED -> 429;
            case SERVER_ERROR, CONNECTION, MALFORMED_RESPONSE -> 502;
            case TIMEOUT -> 504;
            case CONTEXT_LENGTH, CONTENT_FILTER -> 400;
            case AUTH, BAD_REQUEST -> upstreamStatus >= 400 && upstreamStatus < 500 ? upstreamStatus : 400;
        };
    }

    private static String clientType(ErrorClass c) {
        return switch (c) {
            case RATE_LIMITED -> "rate_limit_error";
            case SERVER_ERROR, CONNECTION, MALFORMED_RESPONSE -> "upstream_error";
            case TIMEOUT -> "timeout_error";
            case AUTH -> "authentication_error";
            case CONTEXT_LENGTH, CONTENT_FILTER, BAD_REQUEST -> "invalid_request_error";
        };
    }
}
