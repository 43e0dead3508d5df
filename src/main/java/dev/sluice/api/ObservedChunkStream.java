package dev.sluice.api;

/**
 * A stream that passes its source's chunks through unchanged while something watches them go by (a body
 * capture, an answer tap, a shadow's comparison). Because nothing is changed, dropped or delayed, the source's
 * wire bytes pass on too, and the stream is pollable exactly when its source is: watching must therefore be
 * cheap and never block, since it may run on an event loop.
 */
public abstract class ObservedChunkStream implements ChunkStream {
    private final ChunkStream source;

    protected ObservedChunkStream(ChunkStream source) {
        this.source = source;
    }

    /** Sees each chunk as it passes, then null once when the stream ends normally. Must not block. */
    protected abstract void observe(ChatChunk chunkOrEnd);

    /** Sees the failure that ends the stream early (before it is rethrown to the reader). */
    protected void failed(SluiceException error) {
    }

    @Override
    public final ChatChunk next() {
        ChatChunk chunk;
        try {
            chunk = source.next();
        } catch (SluiceException e) {
            failed(e);
            throw e;
        }
        observe(chunk);
        return chunk;
    }

    @Override
    public final ChatChunk poll() {
        ChatChunk chunk;
        try {
            chunk = source.poll();
        } catch (SluiceException e) {
            failed(e);
            throw e;
        }
        if (chunk != PENDING) {
            observe(chunk);
        }
        return chunk;
    }

    @Override
    public final boolean pollable() {
        return source.pollable();
    }

    @Override
    public final void onReady(Runnable ready) {
        source.onReady(ready);
    }

    @Override
    public final byte[] wire() {
        return source.wire();
    }

    @Override
    public final int wireLength() {
        return source.wireLength();
    }

    @Override
    public final void close() {
        source.close();
    }
}
