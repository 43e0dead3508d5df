package dev.sluice.provider;

import dev.sluice.server.netty.ByteBufQueueInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads Server-Sent Events one at a time from an upstream body (WHATWG rules: {@code event:} and
 * {@code data:} fields, multi-line data joined with newlines, comments skipped, blank line ends
 * an event).
 *
 * <p>Over a {@link ByteBufQueueInput} it can also be read without blocking ({@link #pollRaw}): an event
 * that has not wholly arrived is kept, part read, until the rest has.
 */
public final class SseReader implements AutoCloseable {
    /** A line longer than this is not an event any provider sends; the stream is refused. */
    static final int MAX_LINE = 16 * 1024 * 1024;
    private final InputStream in;
    /** The same input when it can be read without blocking, else null. */
    private final ByteBufQueueInput queued;
    // Bytes, not chars: a Reader would hold a 16 KB char buffer and an 8 KB decoder buffer per open
    // stream, for lines that are mostly a few hundred bytes. CR and LF never occur inside a UTF-8
    // multi-byte sequence, so lines can be split before decoding.
    private byte[] buffer = new byte[512];
    private int pos;
    private int limit;
    private boolean afterCr;

    public record Event(String event, String data) {}

    /** An event with its data as the bytes that arrived (UTF-8), for decoders that parse or forward bytes. */
    public record RawEvent(String event, byte[] data) {
        /** Whether the data is exactly {@code ascii} (e.g. {@code [DONE]}). */
        public boolean dataIs(byte[] ascii) {
            return Arrays.equals(data, ascii);
        }
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT_FIELD = {'e', 'v', 'e', 'n', 't'};
    /** The current event's data lines, joined; reused from event to event (one per open stream). */
    private byte[] data = new byte[256];
    private int dataLength = -1; // -1: no data line yet
    /** The current event's {@code event:} field, or null. */
    private String event;
    /** The event last read: its data's length in {@link #data} and its {@code event:} field. */
    private int eventLength;
    private String eventName;
    /** Bounds of the line {@link #readLine} found, in {@link #buffer}; valid until the next read. */
    private int lineStart;
    private int lineEnd;
    /** What {@link #readLine} and {@link #fill} found. */
    private static final int LINE = 1;
    private static final int END = 0;
    private static final int NOT_YET = -1;
    /** Returned by {@link #pollRaw} while an event has not wholly arrived. */
    public static final RawEvent PENDING = new RawEvent(null, new byte[0]);
    /** Returned by {@link #poll} while an event has not wholly arrived. */
    public static final Event PENDING_EVENT = new Event(null, "");

    public SseReader(InputStream in) {
        this.in = in;
        this.queued = in instanceof ByteBufQueueInput q ? q : null;
    }

    /** Whether {@link #pollRaw} works: the body can be read without blocking. */
    public boolean pollable() {
        return queued != null;
    }

    /** Registers what to run when more of the body may have arrived (see {@link ByteBufQueueInput#onReady}). */
    public void onReady(Runnable ready) {
        queued.onReady(ready);
    }

    /** The next event, or null at the end of the body. Blocks until a whole event has arrived. */
    public Event next() throws IOException {
        RawEvent raw = nextRaw();
        return raw == null ? null : new Event(raw.event(), new String(raw.data(), StandardCharsets.UTF_8));
    }

    /**
     * The next event with its data as bytes, or null at the end of the body. Lines are never decoded
     * to strings: the data is the bytes after {@code data:} (one leading space dropped), lines joined
     * with a newline, copied once into an array of its own.
     */
    public RawEvent nextRaw() throws IOException {
        return read(true);
    }

    /** Like {@link #next} without blocking: {@link #PENDING_EVENT} while the next event has not wholly arrived. */
    public Event poll() throws IOException {
        RawEvent raw = pollRaw();
        return raw == PENDING ? PENDING_EVENT
                : raw == null ? null : new Event(raw.event(), new String(raw.data(), StandardCharsets.UTF_8));
    }

    /**
     * Like {@link #nextRaw} without blocking: {@link #PENDING} when the next event has not wholly arrived
     * (what has is kept for the next call). Only when {@link #pollable()}.
     */
    public RawEvent pollRaw() throws IOException {
        return read(false);
    }

    private RawEvent read(boolean block) throws IOException {
        int found = readEvent(block);
        return found == EVENT ? new RawEvent(eventName, Arrays.copyOf(data, eventLength))
                : found == NOT_YET ? PENDING : null;
    }

    /** What {@link #readInPlace} found: an event (in {@link #eventData()}), the end, or not yet (when not blocking). */
    public static final int EVENT = 1;
    public static final int ENDED = 0;
    public static final int PENDING_IN_PLACE = -1;

    /**
     * Reads the next event without copying it: {@link #EVENT} (its data is then {@link #eventData()}{@code [0,
     * }{@link #eventLength()}{@code )} and its {@code event:} field {@link #eventName()}, valid until the next
     * read), {@link #ENDED} at the end of the body, or, when not {@code block}ing, {@link #PENDING_IN_PLACE} while
     * the next event has not wholly arrived. For a decoder that scans each event once and forwards its bytes: a
     * copy per event was ~15% of a forwarded event's allocation.
     */
    public int readInPlace(boolean block) throws IOException {
        return readEvent(block);
    }

    /** The data of the event {@link #readInPlace} read: a buffer reused for the next event. */
    public byte[] eventData() {
        return data;
    }

    /** The length of the data of the event {@link #readInPlace} read. */
    public int eventLength() {
        return eventLength;
    }

    /** The {@code event:} field of the event {@link #readInPlace} read, or null. */
    public String eventName() {
        return eventName;
    }

    private int readEvent(boolean block) throws IOException {
        int found;
        while ((found = readLine(block)) == LINE) {
            int start = lineStart;
            int end = lineEnd;
            if (start == end) {
                if (dataLength >= 0) {
                    return take();
                }
                event = null;
                continue;
            }
            if (buffer[start] == ':') {
                continue;
            }
            int colon = start;
            while (colon < end && buffer[colon] != ':') {
                colon++;
            }
            int value = colon < end ? colon + 1 : end;
            if (value < end && buffer[value] == ' ') {
                value++;
            }
            if (is(DATA, start, colon)) {
                appendData(value, end);
            } else if (is(EVENT_FIELD, start, colon)) {
                event = new String(buffer, value, end - value, StandardCharsets.UTF_8);
            }
        }
        if (found == NOT_YET) {
            return NOT_YET;
        }
        // a final event without its blank line still counts
        return dataLength < 0 ? END : take();
    }

    /** The event read so far becomes the one read, and the next one starts afresh. */
    private int take() {
        eventLength = dataLength;
        if (eventName != event) {
            eventName = event; // stored only when it changes: most streams' events have no event field
        }
        event = null;
        dataLength = -1;
        return LINE;
    }

    private boolean is(byte[] name, int from, int to) {
        return Arrays.equals(buffer, from, to, name, 0, name.length);
    }

    private void appendData(int from, int to) {
        int length = to - from;
        int at = dataLength < 0 ? 0 : dataLength + 1;
        if (at + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, at + length));
        }
        if (dataLength >= 0) {
            data[dataLength] = '\n';
        }
        System.arraycopy(buffer, from, data, at, length);
        dataLength = at + length;
    }

    /**
     * Finds one line without its terminator (LF, CRLF or CR, as the SSE spec allows) and sets its
     * bounds: {@link #LINE}, or {@link #END} at the end, or {@link #NOT_YET} when not blocking and the
     * line has not wholly arrived (then nothing is consumed but a terminator's trailing LF).
     */
    private int readLine(boolean block) throws IOException {
        if (afterCr) {
            // a CR ended the last line; a LF right after it belongs to the same terminator
            if (pos == limit) {
                int f = fill(block);
                if (f != LINE) {
                    return f;
                }
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
                    lineStart = pos;
                    lineEnd = i;
                    pos = i + 1;
                    afterCr = b == '\r';
                    return LINE;
                }
            }
            scanned = limit - pos;
            int f = fill(block);
            if (f == NOT_YET) {
                return NOT_YET;
            }
            if (f == END) {
                if (pos == limit) {
                    return END;
                }
                lineStart = pos;
                lineEnd = limit;
                pos = limit;
                return LINE;
            }
        }
    }

    /**
     * Reads more bytes after the unread ones (moved to the front, the buffer grown if full): {@link #LINE}
     * when some came, {@link #END} at the end, {@link #NOT_YET} when not blocking and none are there yet.
     */
    private int fill(boolean block) throws IOException {
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buffer.length) {
            if (buffer.length >= MAX_LINE) {
                throw new IOException("an event line from the upstream is longer than " + MAX_LINE + " bytes");
            }
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = block ? in.read(buffer, limit, buffer.length - limit) : queued.readNow(buffer, limit, buffer.length - limit);
        if (n < 0) {
            return END;
        }
        if (n == 0 && !block) {
            return NOT_YET;
        }
        limit += n;
        return LINE;
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
