package dev.sluice.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events response in progress: {@code data: <payload>\n\n} per event, flushed at
 * once (a stream is never buffered). Writes fail with an {@link IOException} (or an unchecked one
 * from the transport) once the client has gone away.
 */
public final class SseSink implements AutoCloseable {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    SseSink(OutputStream out) {
        this.out = out;
    }

    /** Writes one {@code data:} event and flushes it. */
    public void data(byte[] payload) throws IOException {
        data(payload, payload.length);
    }

    /** Writes one {@code data:} event of {@code payload[0, length)} and flushes it. */
    public void data(byte[] payload, int length) throws IOException {
        out.write(DATA);
        out.write(payload, 0, length);
        out.write(END_OF_EVENT);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
