package dev.sluice.server;

import dev.sluice.api.RequestLimits;
import dev.sluice.api.SluiceException;
import java.util.Map;

/** Small HTTP helpers shared by the endpoints: request ids, sessions, tags. */
final class HttpIo {
    static final String REQUEST_ID = "x-request-id";
    static final String RETRY_AFTER = "retry-after";
    static final String RETRY_AFTER_MS = "retry-after-ms";
    private static final int MAX_REQUEST_ID = 128;

    private HttpIo() {}

    /**
     * The client's x-request-id when it is sane, else a new one: {@code req_} and 24 hex digits led by the time, so
     * the request log's request-id index grows at one end (see TimeLedIds).
     */
    static String requestId(String given) {
        if (given != null && !given.isEmpty() && given.length() <= MAX_REQUEST_ID && given.chars().allMatch(c -> c > 32 && c < 127)) {
            return given;
        }
        return "req_" + dev.sluice.store.TimeLedIds.hex96(System.currentTimeMillis());
    }

    /** The session a request belongs to: {@code x-sluice-session}, if sane. */
    static String session(Map<String, String> headers) {
        String s = headers.get("x-sluice-session");
        return s == null || s.isBlank() || s.length() > 256 ? null : s.strip();
    }

    /**
     * Tags for analytics: the request's {@code metadata} (chat) and {@code x-sluice-tags}
     * ({@code team=search,feature=answers}); the header wins on a clash. Both are within
     * {@link RequestLimits} (checked when the body and the headers were read).
     */
    static Map<String, String> tags(Map<String, String> headers, dev.sluice.pipeline.Exchange ex) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        if (ex.operation() == dev.sluice.pipeline.Exchange.Operation.CHAT) {
            tags.putAll(ex.chat().metadata());
        }
        tags.putAll(headerTags(headers));
        return tags;
    }

    /**
     * Refuses, before the body is read, the request headers Sluice stores whose values are over
     * the caps: {@code x-sluice-user} (like {@code user}) and {@code x-sluice-tags}.
     */
    static void checkHeaders(Map<String, String> headers) {
        RequestLimits.check("x-sluice-user", headers.get("x-sluice-user"), RequestLimits.MAX_USER);
        headerTags(headers);
    }

    /** {@code x-sluice-tags} ({@code team=search,feature=answers}), within the tag caps. */
    private static Map<String, String> headerTags(Map<String, String> headers) {
        String header = headers.get("x-sluice-tags");
        if (header == null) {
            return Map.of();
        }
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        int pairs = 0;
        for (String pair : header.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && eq < pair.length() - 1) {
                if (++pairs > RequestLimits.MAX_TAGS) {
                    throw SluiceException.invalidRequest("x-sluice-tags", "'x-sluice-tags' has more than "
                            + RequestLimits.MAX_TAGS + " pairs; at most " + RequestLimits.MAX_TAGS + " are allowed.");
                }
                tags.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        RequestLimits.checkTags("x-sluice-tags", tags, RequestLimits.MAX_TAGS);
        return tags;
    }
}
