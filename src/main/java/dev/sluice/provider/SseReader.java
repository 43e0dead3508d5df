package dev.sluice.provider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads Server-Sent Events one at a time from an upstream body (WHATWG rules: {@code event:} and
 * {@code data:} fields, multi-line data joined with newlines, comments skipped, blank line ends
 * an event).
 */
public final class SseReader implements AutoCloseable {
    /** A line longer than this is not an event any provider sends; the stream is refused. */
    static final int MAX_LINE = 16 * 1024 * 1024;
    private final InputStream in;
    // Bytes, not chars: a Reader would hold a 16 KB char buffer and an 8 KB decoder buffer per open
    // stream, for lines that are mostly a few hundred bytes. CR and LF never occur inside a UTF-8
    // multi-byte sequence, so lines can be split before decoding.
    private byte[] buffer = new byte[512];
    private int pos;
    private int limit;
    private boolean afterCr;

    public record Event(String event, String data) {}

    public SseReader(InputStream in) {
        this.in = in;
    }

    /** The next event, or null at the end of the body. Blocks until a whole event has arrived. */
    public Event next() throws IOException {
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = readLine()) != null) {
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

    /** One line without its terminator (LF, CRLF or CR, as the SSE spec allows), or null at the end. */
    private String readLine() throws IOException {
        if (afterCr) {
            // a CR ended the last line; a LF right after it belongs to the same terminator
            if (pos == limit && !fill()) {
                return null;
            }
            if (buffer[pos] == '\n') {
                pos++;
            }
            afterCr = false;
        }
        int scanned = 0; // bytes after pos known to hold no terminator
        while (true) {
            for (int i = pos + scanned; i < limit; i++) {
                byte b = buffer[i];
                if (b == '\n' || b == '\r') {
                    String line = new String(buffer, pos, i - pos, StandardCharsets.UTF_8);
                    pos = i + 1;
                    afterCr = b == '\r';
                    return line;
                }
            }
            scanned = limit - pos;
            if (!fill()) {
                if (pos == limit) {
                    return null;
                }
                String last = new String(buffer, pos, limit - pos, StandardCharsets.UTF_8);
                pos = limit;
                return last;
            }
        }
    }

    /** Reads more bytes after the unread ones (moved to the front, the buffer grown if full); false at the end. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buffer.length) {
            if (buffer.length >= MAX_LINE) {
                throw new IOException("an event line from the upstream is longer than " + MAX_LINE + " bytes");
            }
            buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // closing a dead upstream connection (an HTTP client may report a cut-off body as a RuntimeException)
        }
    }
}
