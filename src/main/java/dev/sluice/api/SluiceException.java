package dev.sluice.api;

import java.time.Duration;

/**
 * Every error Sluice returns to a client. It carries what the OpenAI error format needs
 * ({@code {"error":{"message","type","code","param"}}}) and the HTTP status. Messages tell the
 * user what to do, never echo secrets, and never carry stack traces.
 */
public class SluiceException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Duration retryAfter;

    public SluiceException(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, null, null);
    }

    public SluiceException(int status, String type, String code, String param, String message,
                           Duration retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** How long the client should wait before retrying, when the error says so. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public static SluiceException invalidRequest(String param, String message) {
        return new SluiceException(400, "invalid_request_error", "invalid_request", param, message);
    }

    public static SluiceException invalidType(String param, String expected) {
        return new SluiceException(400, "invalid_request_error", "invalid_type", param,
                "Invalid type for '" + param + "': expected " + expected + ".");
    }

    public static SluiceException missing(String param) {
        return new SluiceException(400, "invalid_request_error", "missing_required_parameter", param,
                "Missing required parameter: '" + param + "'.");
    }

    public static SluiceException modelNotFound(String model) {
        return new SluiceException(404, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist or you do not have access to it."
                        + " GET /v1/models lists the models this gateway serves.");
    }

    public static SluiceException unauthenticated(String code, String message) {
        return new SluiceException(401, "authentication_error", code, null, message);
    }

    public static SluiceException forbidden(String code, String message) {
        return new SluiceException(403, "permission_error", code, null, message);
    }

    public static SluiceException tooLarge(long limitBytes) {
        return new SluiceException(413, "invalid_request_error", "request_too_large", null,
                "The request body is larger than this gateway accepts (" + limitBytes
                        + " bytes); send a smaller request or raise server.max_body_bytes.");
    }

    public static SluiceException notFound(String message) {
        return new SluiceException(404, "invalid_request_error", "not_found", null, message);
    }

    public static SluiceException internal(String message, Throwable cause) {
        return new SluiceException(500, "server_error", "internal_error", null, message, null, cause);
    }

    public static SluiceException unavailable(String message) {
        return new SluiceException(503, "server_error", "unavailable", null, message);
    }
}
