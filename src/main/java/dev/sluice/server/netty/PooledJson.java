package dev.sluice.server.netty;

import dev.sluice.api.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON generated straight into a pooled Netty buffer (an answer to a client, a request to an upstream):
 * no array of the body on the way, and no copy of one into a direct buffer before the socket write.
 */
public final class PooledJson {
    /** The content type, pre-encoded: Netty copies an AsciiString's bytes instead of encoding a String. */
    public static final AsciiString CONTENT_TYPE = AsciiString.cached("application/json");

    private PooledJson() {}

    /** A buffer of {@code alloc} holding what {@code writer} writes; the caller owns (and releases) it. */
    public static ByteBuf write(ByteBufAllocator alloc, Json.Writer writer) {
        ByteBuf body = alloc.buffer();
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            Json.write(out, writer);
            return body;
        } catch (IOException | RuntimeException e) {
            body.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }
}
