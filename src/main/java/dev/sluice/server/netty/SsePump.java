package dev.sluice.server.netty;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.SluiceException;
import dev.sluice.server.StreamEvents;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Forwards a pollable stream to its client on the client connection's event loop, as the upstream's
 * pieces arrive: no thread waits between chunks (a parked virtual thread per open stream froze its
 * stack into a new heap chunk at every event, which every young collection then had to copy).
 *
 * <p>Each run drains what has arrived — every complete chunk, through the same per-chunk work a pulling
 * reader does — into one buffer, written and flushed once: events that arrive together leave together.
 * It runs again when the upstream queues more (or ends, fails, times out, is closed), when the client
 * connection becomes writable again, and when the client goes away.
 *
 * <p>Back-pressure: while the client connection is over its outbound high-water mark nothing more is
 * read from the upstream body, which then fills up to its own limit and stops the upstream connection
 * reading (TCP pushes back on the upstream) — the same bound as a blocked writer thread.
 */
final class SsePump implements Runnable {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    /** A batch is written once it is this large, so that writability is checked between batches. */
    private static final int BATCH = 16 * 1024;

    private final Channel channel;
    private final ChunkStream chunks;
    private final StreamEvents events;
    private final NettyCall call;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final CompletableFuture<StreamEvents.End> ended = new CompletableFuture<>();
    /** On the event loop: the stream ended for the client; nothing more is read or written. */
    private boolean finished;
    /** On the event loop: something was written since the last flush. */
    private boolean wrote;

    SsePump(Channel channel, ChunkStream chunks, StreamEvents events, NettyCall call) {
        this.channel = channel;
        this.chunks = chunks;
        this.events = events;
        this.call = call;
    }

    /** Starts forwarding and waits (on the calling thread) for the stream's end. */
    StreamEvents.End forward() {
        chunks.onReady(this::wake);
        wake();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return ended.get();
                } catch (InterruptedException e) {
                    // nobody interrupts a request's thread today; if someone does, the stream ends as a failure
                    interrupted = true;
                    channel.eventLoop().execute(() -> fail(SluiceException.internal(
                            "The request was interrupted mid-stream.", e)));
                } catch (ExecutionException e) {
                    throw new IllegalStateException("forwarding the stream failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** From any thread: run once more on the event loop (at most one run is queued at a time). */
    void wake() {
        if (scheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        scheduled.set(false);
        if (finished) {
            return;
        }
        ByteBuf batch = null;
        StreamEvents.End end = null;
        try {
            while (true) {
                if (call.clientGone()) {
                    end = StreamEvents.End.CLIENT_CLOSED;
                    break;
                }
                if (batch != null && batch.readableBytes() >= BATCH) {
                    write(batch);
                    batch = null;
                }
                if (!channel.isWritable()) {
                    break; // the client reads slower than the stream comes: go on when it is writable again
                }
                ChatChunk chunk = chunks.poll();
                if (chunk == ChunkStream.PENDING) {
                    break;
                }
                if (chunk == null) {
                    byte[] done = events.done();
                    batch = event(batch, done, done.length);
                    end = StreamEvents.End.OK;
                    break;
                }
                byte[] payload = events.payload(chunk, chunks.wire(), chunks.wireLength());
                if (payload != null) {
                    batch = event(batch, payload, events.length());
                }
            }
        } catch (RuntimeException e) {
            StreamEvents.Failure failure = events.failed(e);
            batch = event(batch, failure.payload(), failure.payload().length);
            end = failure.end();
        } catch (Error e) {
            // the request's thread must not wait forever: it ends the response (cut short) and logs a 500
            release(batch);
            finish(new StreamEvents.End(500, "internal_error"));
            throw e;
        }
        if (batch != null) {
            if (end == StreamEvents.End.CLIENT_CLOSED) {
                batch.release();
            } else {
                write(batch);
                batch = null;
            }
        }
        if (wrote) {
            wrote = false;
            channel.flush();
        }
        if (end != null) {
            finish(end);
        }
    }

    /** On the event loop: ends the stream as a failure (unless it ended already). */
    private void fail(RuntimeException e) {
        if (!finished) {
            StreamEvents.Failure failure = events.failed(e);
            write(event(null, failure.payload(), failure.payload().length));
            wrote = false;
            channel.flush();
            finish(failure.end());
        }
    }

    private void finish(StreamEvents.End end) {
        finished = true;
        ended.complete(end);
    }

    /** Appends {@code data: payload[0, length)\n\n} to the batch (made when null). */
    private ByteBuf event(ByteBuf batch, byte[] payload, int length) {
        if (batch == null) {
            batch = channel.alloc().ioBuffer(Math.max(256, length + DATA.length + END_OF_EVENT.length));
        }
        return batch.writeBytes(DATA).writeBytes(payload, 0, length).writeBytes(END_OF_EVENT);
    }

    private void write(ByteBuf batch) {
        wrote = true;
        // no promise: a failed write closes the connection, and the call hears of it as the client gone
        channel.write(new DefaultHttpContent(batch), channel.voidPromise());
    }

    private static void release(ByteBuf batch) {
        if (batch != null) {
            batch.release();
        }
    }
}
