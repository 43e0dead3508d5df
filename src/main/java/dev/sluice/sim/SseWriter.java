package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes Server-Sent Events and plays a request's stream faults: the inter-token delay before
 * each content event, one event of invalid JSON ({@code x-sim-malformed}), and an abrupt abort
 * after N content events ({@code x-sim-reset-after}). Every event is flushed on its own, so the
 * client sees the timing that was asked for.
 */
final class SseWriter {
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEWLINE = {'\n'};
    private static final byte[] END = {'\n', '\n'};
    /**
     * Pause between the last flushed event and a simulated reset. A real connection dies some
     * time after its last bytes; and some clients (java.net.http's ofInputStream) discard bytes
     * they have received but not yet read once the connection fails.
     */
    private static final Duration RESET_LINGER = Duration.ofMillis(50);

    /** The role an event plays for fault injection. */
    enum Kind {
        /** Framing before the content (role chunk, message_start, block start, ping). */
        CONTROL,
        /** A token-ish piece of the answer: counted for resets, preceded by the inter-token delay. */
        CONTENT,
        /** Framing that ends the answer (finish chunk, usage, [DONE], message_stop). */
        CLOSING
    }

    /** @param name the SSE {@code event:} field, or null for data-only events (OpenAI) */
    record Event(String name, byte[] data, Kind kind) {}

    private final OutputStream out;
    private final Faults faults;
    private int contentEvents;
    /** When the first content piece went out (System.nanoTime): the schedule of {@link Faults#itlScheduled()}. */
    private long firstContentNanos;
    private boolean malformedSent;

    SseWriter(OutputStream out, Faults faults) {
        this.out = out;
        this.faults = faults;
    }

    /**
     * Sends a whole stream as every simulated provider does: the content type, the time to first
     * token, then each event with the request's faults.
     */
    static void send(HttpCall res, String contentType, List<Event> events, Faults faults) {
        res.header("Cache-Control", "no-cache");
        Pacing.sleep(faults.ttft());
        OutputStream out = res.openStream(200, contentType);
        try {
            SseWriter sse = new SseWriter(out, faults);
            for (Event event : events) {
                sse.write(event);
            }
            out.close();
        } catch (IOException e) {
            // the client went away mid-stream: nothing left to answer
            throw new ConnectionReset("the client went away: " + e.getMessage());
        }
    }

    /**
     * Round-robin over the events of each choice (candidate), as OpenAI and Gemini interleave the
     * chunks of n > 1 choices. Always a new, modifiable list.
     */
    static List<Event> interleave(List<List<Event>> perChoice) {
        List<Event> out = new ArrayList<>();
        for (int step = 0; ; step++) {
            boolean any = false;
            for (List<Event> events : perChoice) {
                if (step < events.size()) {
                    out.add(events.get(step));
                    any = true;
                }
            }
            if (!any) {
                return out;
            }
        }
    }

    void write(Event event) throws IOException {
        if (event.kind() == Kind.CONTENT && contentEvents > 0) {
            if (faults.itlScheduled()) {
                // due k x itl after the first piece, however late the one before went out
                long due = firstContentNanos + faults.itl().toNanos() * contentEvents;
                Pacing.sleep(java.time.Duration.ofNanos(Math.max(0, due - System.nanoTime())));
            } else {
                Pacing.sleep(faults.itl()); // the model "generates" the next piece
            }
        }
        if (event.kind() != Kind.CONTROL) {
            abortIfDue();
            if (faults.malformed() && !malformedSent) {
                malformedSent = true;
                // half of a JSON object is never valid JSON, and looks like a real truncation
                emit(event.name(), Arrays.copyOf(event.data(), event.data().length / 2));
            }
        }
        emit(event.name(), event.data());
        if (event.kind() == Kind.CONTENT) {
            if (contentEvents == 0) {
                firstContentNanos = System.nanoTime();
            }
            contentEvents++;
        }
    }

    /**
     * Aborts once the requested number of content events is out. {@link ConnectionReset} (the
     * response stream left open) makes {@link SimEndpoint} abort the connection: no terminating
     * chunk, no [DONE] or message_stop, so the client sees a truncated body.
     */
    private void abortIfDue() throws IOException {
        Integer resetAfter = faults.resetAfter();
        if (resetAfter != null && contentEvents >= resetAfter) {
            out.flush();
            Pacing.sleep(RESET_LINGER);
            throw new ConnectionReset("simulated connection reset after " + contentEvents + " content events");
        }
    }

    private void emit(String name, byte[] data) throws IOException {
        if (name != null) {
            out.write(EVENT);
            out.write(name.getBytes(StandardCharsets.US_ASCII));
            out.write(NEWLINE);
        }
        out.write(DATA);
        out.write(data);
        out.write(END);
        out.flush();
    }
}
