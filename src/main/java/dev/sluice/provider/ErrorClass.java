package dev.sluice.provider;

/** Why an upstream call failed, as far as retries, fallbacks and clients are concerned. */
public enum ErrorClass {
    RATE_LIMITED("rate_limited", true),
    SERVER_ERROR("server_error", true),
    TIMEOUT("timeout", true),
    CONNECTION("connection_error", true),
    MALFORMED_RESPONSE("malformed_response", true),
    CONTEXT_LENGTH("context_length_exceeded", false),
    CONTENT_FILTER("content_filter", false),
    AUTH("upstream_auth_error", false),
    BAD_REQUEST("bad_request", false);

    private final String label;
    private final boolean retryable;

    ErrorClass(String label, boolean retryable) {
        this.label = label;
        this.retryable = retryable;
    }

    /** The name used in logs, metrics, the request log and error codes. */
    public String label() {
        return label;
    }

    /** Whether another attempt (same or other deployment) may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
