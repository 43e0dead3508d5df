package dev.sluice.server.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A request body as a blocking stream for the request's virtual thread, fed by the event loop. It
 * holds at most {@link #HIGH_WATER} bytes: above that the connection stops reading (TCP pushes back
 * on the client) until the handler has consumed them, so a body nobody reads cannot fill memory.
 */
final class BodyInput extends InputStream {
    static final int HIGH_WATER = 256 * 1024;
    private static final ByteBuf END = io.netty.buffer.Unpooled.EMPTY_BUFFER;

    private final Channel channel;
    private final LinkedBlockingQueue<ByteBuf> queue = new LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
    private ByteBuf current;
    private volatile boolean complete;
    private volatile String gone;
    private volatile boolean paused;
    private boolean closed;

    BodyInput(Channel channel) {
        this.channel = channel;
    }

    /** On the event loop: a piece of the body (retained by the caller). */
    void offer(ByteBuf piece, boolean last) {
        if (closed) {
            piece.release();
        } else if (piece.isReadable()) {
            if (queued.addAndGet(piece.readableBytes()) > HIGH_WATER && !last) {
                paused = true;
                channel.config().setAutoRead(false);
            }
            queue.add(piece);
        } else {
            piece.release();
        }
        if (last) {
            complete = true;
            queue.add(END);
        }
    }

    /** Whether the whole body has arrived. */
    boolean complete() {
        return complete;
    }

    /** On the event loop: the connection closed before the body was complete. */
    void gone(String why) {
        if (!complete) {
            gone = why;
            queue.add(END);
        }
    }

    private boolean next() throws IOException {
        while (current == null || !current.isReadable()) {
            if (current != null) {
                current.release();
                current = null;
            }
            ByteBuf b;
            try {
                b = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            if (b == END) {
                queue.add(END); // later reads see the end too
                if (gone != null && !complete) {
                    throw new IOException("the client went away: " + gone);
                }
                return false;
            }
            long left = queued.addAndGet(-b.readableBytes());
            if (paused && left < HIGH_WATER / 2) {
                paused = false;
                channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
            }
            current = b;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return next() ? current.readByte() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!next()) {
            return -1;
        }
        int n = Math.min(len, current.readableBytes());
        current.readBytes(b, off, n);
        return n;
    }

    @Override
    public void close() {
        release();
    }

    /** Frees whatever is still queued (the answer went out without reading it all). */
    void release() {
        closed = true;
        if (current != null) {
            current.release();
            current = null;
        }
        for (ByteBuf b; (b = queue.poll()) != null; ) {
            if (b != END) {
                b.release();
            }
        }
        if (complete || gone != null) {
            queue.add(END);
        }
        if (paused) {
            paused = false;
            channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
        }
    }
}
