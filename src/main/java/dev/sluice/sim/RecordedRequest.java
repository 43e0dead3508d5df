package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One request as the simulator received it, for tests to assert what the gateway sent upstream.
 *
 * @param receivedAtMillis wall-clock arrival time (epoch milliseconds)
 * @param receivedAtNanos  {@link System#nanoTime()} at arrival, to measure gaps between requests
 * @param method           HTTP method, e.g. POST
 * @param path             request path without the query, e.g. /v1/chat/completions
 * @param headers          header names in lower case, in arrival order; repeated headers joined with ", "
 * @param body             the parsed JSON body, or null when there was none or it was not JSON.
 *                         Shared, not copied: read it, do not modify it.
 * @param query            the raw query string (e.g. {@code api-version=2024-10-21}), or null when there was none
 */
public record RecordedRequest(long receivedAtMillis, long receivedAtNanos, String method, String path,
                              Map<String, String> headers, JsonNode body, String query) {

    public RecordedRequest {
        headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    }

    /** A header by (case-insensitive) name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
