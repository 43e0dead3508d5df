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
     * {@code chat.completion.chunk} on one line), or null when there is none. A writer may send these
     * bytes instead of serialising the chunk. A stream that changes, drops, replays or makes chunks
     * must not pass its source's bytes on: the default (null) is always safe.
     */
    default byte[] wire() {
        return null;
    }

    @Override
    void close();
}
