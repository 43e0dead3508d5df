package dev.sluice.server;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Exchange;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a streamed answer's client gets, event by event: each chunk's {@code data:} payload (the
 * upstream's bytes when nothing changed the chunk, else the chunk serialised; the usage chunk only
 * when the client asked for it), {@code [DONE]} at the end, and an in-band error when the stream
 * breaks after its headers were sent. One per stream; used by whichever thread forwards it — the
 * request's own (pulling chunk by chunk) or a transport's event loop (as chunks arrive).
 */
public final class StreamEvents {
    private static final Logger LOG = LoggerFactory.getLogger(StreamEvents.class);
    static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final Exchange exchange;
    private final boolean clientWantsUsage;
    /** The length of the last payload (a primitive: this object lives as long as its stream). */
    private int length;

    StreamEvents(Exchange exchange) {
        this.exchange = exchange;
        this.clientWantsUsage = exchange.chat().includeUsage();
    }

    /** How a stream ended for its client: the status and error type the exchange completes with. */
    public record End(int status, String errorType) {
        public static final End OK = new End(200, null);
        /** The client went away before the end (nginx's 499). */
        public static final End CLIENT_CLOSED = new End(ReplyWriter.CLIENT_CLOSED, "client_disconnected");
    }

    /** A failure mid-stream: how the stream ended, and the error event to send the client. */
    public record Failure(End end, byte[] payload) {}

    /**
     * The payload of the event for {@code chunk}, or null when the client gets nothing for it (a usage
     * chunk it did not ask for): its first {@link #length()} bytes. {@code wire[0, wireLength)} is the chunk's
     * bytes as the upstream sent them ({@link dev.sluice.api.ChunkStream#wire()}: a buffer the stream reuses,
     * so the payload is valid only until the stream is read again), or {@code wireLength < 0} for none. Marks
     * the exchange's first token.
     */
    public byte[] payload(ChatChunk chunk, byte[] wire, int wireLength) {
        if (chunk.usage() != null && !clientWantsUsage) {
            if (chunk.choices().isEmpty()) {
                return null;
            }
            chunk = chunk.withoutUsage();
            wireLength = -1;
        }
        if (chunk.hasContent()) {
            exchange.markFirstToken();
        }
        // an upstream that speaks the client's format, and nothing changed the chunk: its bytes as they came
        if (wire != null && wireLength >= 0) {
            length = wireLength;
            return wire;
        }
        byte[] written = ChatResponseCodec.writeChunk(chunk);
        length = written.length;
        return written;
    }

    /** How many bytes of the array {@link #payload} last returned are the payload. */
    public int length() {
        return length;
    }

    /** The last event's payload. */
    public byte[] done() {
        return DONE;
    }

    /** The stream broke after its headers were sent: the client is told in-band, then it ends. */
    public Failure failed(RuntimeException e) {
        if (e instanceof SluiceException s) {
            return new Failure(new End(s.status(), s.code() != null ? s.code() : s.type()), ErrorCodec.write(s));
        }
        LOG.error("request {} failed mid-stream", exchange.requestId(), e);
        SluiceException internal = SluiceException.internal(
                "Sluice hit an internal error mid-stream (request id " + exchange.requestId() + ").", e);
        return new Failure(new End(internal.status(), internal.code()), ErrorCodec.write(internal));
    }
}
