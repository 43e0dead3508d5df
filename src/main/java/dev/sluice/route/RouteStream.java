package dev.sluice.route;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkStream;
import dev.sluice.pipeline.Exchange;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The stream handed to the client once an attempt has produced its first content: replays the
 * chunks read while deciding the attempt had succeeded, then passes the rest through. Records the
 * final usage on the exchange and releases the deployment's in-flight slot when closed.
 */
final class RouteStream implements ChunkStream {
    private final Deque<ChatChunk> peeked;
    private final ChunkStream upstream;
    private final Exchange exchange;
    private final Deployment deployment;
    private boolean closed;

    RouteStream(Deque<ChatChunk> peeked, ChunkStream upstream, Exchange exchange, Deployment deployment) {
        this.peeked = new ArrayDeque<>(peeked);
        this.upstream = upstream;
        this.exchange = exchange;
        this.deployment = deployment;
    }

    @Override
    public ChatChunk next() {
        ChatChunk chunk = peeked.isEmpty() ? upstream.next() : peeked.poll();
        if (chunk != null && chunk.usage() != null) {
            exchange.usage(chunk.usage());
        }
        return chunk;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            deployment.exit();
            upstream.close();
        }
    }
}
