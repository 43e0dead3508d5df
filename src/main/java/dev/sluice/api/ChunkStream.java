package dev.sluice.api;

/**
 * A blocking stream of canonical chunks, translated from the upstream one at a time (never
 * buffered whole). Read it on one thread. {@link #next()} throws a {@link SluiceException} when
 * the upstream fails mid-stream; {@link #close()} releases the upstream connection and is safe
 * to call more than once, and from another thread: closing aborts a {@code next()} blocked in a
 * read (that is how timeouts cut a stalled upstream off), so implementations close the transport
 * before anything that could wait for the reading thread.
 */
public interface ChunkStream extends AutoCloseable {

    /** Blocks until the next chunk arrives; returns null at the end of the stream. */
    ChatChunk next();

    /**
     * The chunk {@link #next()} last returned as the exact JSON the upstream sent for it (an OpenAI
     * {@code chat.completion.chunk} on one line): its first {@link #wireLength()} bytes, valid until the next
     * {@code next()} or {@code poll()} (the decoder reuses the buffer for the next event); null when there is
     * none. A writer may send these bytes instead of serialising the chunk. A stream that changes, drops,
     * replays or makes chunks must not pass its source's bytes on: the default (null) is always safe.
     */
    default byte[] wire() {
        return null;
    }

    /**
     * How many bytes of {@link #wire()} are the chunk's, or -1 when there are none. A stream that passes its
     * source's {@code wire()} on passes this on too; the default (-1) makes a writer serialise the chunk.
     */
    default int wireLength() {
        return -1;
    }

    /**
     * What {@link #poll()} returns when the next chunk has not arrived yet. Compared by identity; never
     * passed to a client.
     */
    ChatChunk PENDING = new ChatChunk("", 0, "", java.util.List.of(), null, null);

    /**
     * Whether this stream can be read without blocking: {@link #poll()} and {@link #onReady} work. Then a
     * writer may forward the stream from an event loop as its pieces arrive, instead of parking a thread
     * between chunks. A stream that wraps another is pollable only when its source is and it does nothing
     * per chunk that could block (no I/O, no lock held for long, at most one read of its source per poll);
     * the default (false) is always safe.
     */
    default boolean pollable() {
        return false;
    }

    /**
     * Like {@link #next()}, but returns {@link #PENDING} instead of waiting when the next chunk has not
     * arrived. Only for a {@link #pollable()} stream, read on one thread at a time (not necessarily the same).
     */
    default ChatChunk poll() {
        throw new UnsupportedOperationException("not a pollable stream");
    }

    /**
     * Registers what to run whenever {@link #poll()} may return something new: a piece arrived, the stream
     * ended, failed, timed out or was closed. It runs on whichever thread caused that (an event loop, a
     * watchdog), so it must not block; it may run when nothing new is there. Only for a {@link #pollable()}
     * stream; at most once.
     */
    default void onReady(Runnable ready) {
        throw new UnsupportedOperationException("not a pollable stream");
    }

    @Override
    void close();
}
