package dev.sluice.api;

import java.util.Map;

/**
 * Caps on the request fields Sluice stores or keys maps by (model, end user, metadata, tags), so
 * one request can never make a log row, a span or an in-memory map large: an OpenAI model id or
 * a user id is short, and metadata follows OpenAI's own limits (16 pairs, 64-character keys,
 * 512-character values). A request over a cap gets a 400 naming the field and the limit.
 */
public final class RequestLimits {
    public static final int MAX_MODEL = 256;
    public static final int MAX_USER = 256;
    public static final int MAX_METADATA_ENTRIES = 16;
    public static final int MAX_METADATA_KEY = 64;
    public static final int MAX_METADATA_VALUE = 512;
    /** Tags of a request: {@code metadata} and {@code x-sluice-tags} together. */
    public static final int MAX_TAGS = 16;

    private RequestLimits() {}

    /** Refuses a value longer than {@code max} characters; returns it. */
    public static String check(String param, String value, int max) {
        if (value != null && value.length() > max) {
            throw SluiceException.invalidRequest(param, "'" + param + "' is " + value.length()
                    + " characters long; at most " + max + " are allowed.");
        }
        return value;
    }

    /** Refuses metadata or tags over the caps (count, key length, value length). */
    public static void checkTags(String param, Map<String, String> tags, int maxEntries) {
        if (tags.size() > maxEntries) {
            throw SluiceException.invalidRequest(param, "'" + param + "' has " + tags.size() + " entries; at most "
                    + maxEntries + " are allowed.");
        }
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().length() > MAX_METADATA_KEY) {
                throw SluiceException.invalidRequest(param, "a key of '" + param + "' is " + e.getKey().length()
                        + " characters long; keys may have at most " + MAX_METADATA_KEY + ".");
            }
            if (e.getValue().length() > MAX_METADATA_VALUE) {
                throw SluiceException.invalidRequest(param, "the value of '" + param + "." + shorten(e.getKey())
                        + "' is " + e.getValue().length() + " characters long; values may have at most "
                        + MAX_METADATA_VALUE + ".");
            }
        }
    }

    /** A client-chosen name cut for an error message. */
    static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
