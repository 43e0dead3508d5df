package dev.sluice.provider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads Server-Sent Events one at a time from an upstream body (WHATWG rules: {@code event:} and
 * {@code data:} fields, multi-line data joined with newlines, comments skipped, blank line ends
 * an event).
 */
public final class SseReader implements AutoCloseable {
    private final BufferedReader reader;

    public record Event(String event, String data) {}

    public SseReader(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 8192);
    }

    /** The next event, or null at the end of the body. Blocks until a whole event has arrived. */
    public Event next() throws IOException {
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(event, data.toString());
                }
                event = null;
                continue;
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (!value.isEmpty() && value.charAt(0) == ' ') {
                value = value.substring(1);
            }
            if (field.equals("data")) {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            } else if (field.equals("event")) {
                event = value;
            }
        }
        // a final event without its blank line still counts
        return data == null ? null : new Event(event, data.toString());
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException | RuntimeException ignored) {
            // closing a dead upstream connection (Helidon reports a cut-off body as a RuntimeException)
        }
    }
}
