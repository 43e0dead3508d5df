package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import java.time.Duration;

/**
 * Google's error wording: {@code {"error":{"code":429,"message":...,"status":"RESOURCE_EXHAUSTED"}}}
 * with the canonical status for the HTTP status. Like the real API, a 429 says how long to wait
 * in a {@code google.rpc.RetryInfo} detail ({@code "retryDelay": "3s"}), not in a Retry-After header.
 */
final class GeminiDialect implements Dialect {
    private static final String REQUEST_ID = "x-request-id";

    @Override
    public SluiceException injected(int status, int retryAfterSeconds) {
        String message = switch (status) {
            case 400 -> "Simulated invalid request (x-sim-error-status: 400).";
            case 401 -> "Request had invalid authentication credentials (simulated failure).";
            case 403 -> "Permission denied (simulated failure).";
            case 404 -> "models/unknown is not found for API version v1beta (simulated failure).";
            case 429 -> "Resource has been exhausted (e.g. check quota) (simulated failure).";
            case 500 -> "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting (simulated failure)";
            case 503 -> "The model is overloaded. Please try again later. (simulated failure)";
            case 504 -> "Deadline expired before operation could complete. (simulated failure)";
            default -> "Simulated failure with HTTP status " + status + ".";
        };
        return new SluiceException(status, statusOf(status), null, null, message,
                status == 429 ? Duration.ofSeconds(retryAfterSeconds) : null, null);
    }

    @Override
    public SluiceException contextTooLong(int promptTokens, int contextWindow) {
        return invalidArgument("The input token count (" + promptTokens + ") exceeds the maximum number of tokens"
                + " allowed (" + contextWindow + ").");
    }

    static SluiceException invalidArgument(String message) {
        return new SluiceException(400, "INVALID_ARGUMENT", null, null, message);
    }

    static SluiceException notFound(String message) {
        return new SluiceException(404, "NOT_FOUND", null, null, message);
    }

    @Override
    public byte[] errorBody(SluiceException error) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeObjectFieldStart("error");
            gen.writeNumberField("code", error.status());
            gen.writeStringField("message", error.getMessage());
            gen.writeStringField("status", statusOf(error.status()));
            if (error.retryAfter() != null) {
                gen.writeArrayFieldStart("details");
                gen.writeStartObject();
                gen.writeStringField("@type", "type.googleapis.com/google.rpc.RetryInfo");
                gen.writeStringField("retryDelay", error.retryAfter().toSeconds() + "s");
                gen.writeEndObject();
                gen.writeEndArray();
            }
            gen.writeEndObject();
            gen.writeEndObject();
        });
    }

    /** Google sends the wait only in the body's RetryInfo; no Retry-After header. */
    @Override
    public void sendError(HttpCall res, SluiceException error) {
        res.send(error.status(), "application/json; charset=UTF-8", errorBody(error));
    }

    @Override
    public String requestIdHeader() {
        return REQUEST_ID;
    }

    /** The canonical error status Google uses for an HTTP status (https://ai.google.dev/gemini-api/docs/troubleshooting). */
    static String statusOf(int status) {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 501 -> "UNIMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }
}
