package dev.sluice.route;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.ChunkStream;
import dev.sluice.pipeline.Exchange;
import dev.sluice.trace.Span;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The stream handed to the client once an attempt has produced its first content: replays the
 * chunks read while deciding the attempt had succeeded, then passes the rest through. Records the
 * response id, finish reasons and final usage on the exchange, and when closed releases the
 * deployment's in-flight slot and ends the attempt's span.
 */
final class RouteStream implements ChunkStream {
    private final Deque<ChatChunk> peeked;
    private final ChunkStream upstream;
    private final Exchange exchange;
    private final Deployment deployment;
    private final Span span;
    private String model;
    private boolean closed;
    /** Whether the chunk last returned came from the upstream just now (not replayed): only then are its bytes its own. */
    private boolean fresh;

    RouteStream(Deque<ChatChunk> peeked, ChunkStream upstream, Exchange exchange, Deployment deployment, Span span) {
        this.peeked = new ArrayDeque<>(peeked);
        this.upstream = upstream;
        this.exchange = exchange;
        this.deployment = deployment;
        this.span = span;
    }

    @Override
    public ChatChunk next() {
        ChatChunk chunk;
        try {
            fresh = peeked.isEmpty();
            chunk = fresh ? upstream.next() : peeked.poll();
        } catch (RuntimeException e) {
            AttemptSpan.brokeMidStream(span, e);
            throw e;
        }
        return recorded(chunk);
    }

    /** As {@link #next()}, or {@link #PENDING} while the upstream's next chunk has not arrived. */
    @Override
    public ChatChunk poll() {
        ChatChunk chunk;
        try {
            fresh = peeked.isEmpty();
            chunk = fresh ? upstream.poll() : peeked.poll();
        } catch (RuntimeException e) {
            AttemptSpan.brokeMidStream(span, e);
            throw e;
        }
        return chunk == PENDING ? PENDING : recorded(chunk);
    }

    @Override
    public boolean pollable() {
        return upstream.pollable();
    }

    @Override
    public void onReady(Runnable ready) {
        upstream.onReady(ready);
    }

    private ChatChunk recorded(ChatChunk chunk) {
        if (chunk != null) {
            if (!java.util.Objects.equals(chunk.id(), exchange.responseId())) {
                // every chunk of a stream carries the same id, parsed anew: storing each copy in the (long-lived)
                // exchange would keep one young string per open stream alive through every young collection
                exchange.responseId(chunk.id());
            }
            if (!chunk.model().isEmpty() && !chunk.model().equals(model)) {
                model = chunk.model();
                exchange.responseModel(model, chunk.systemFingerprint());
            }
            for (ChunkChoice c : chunk.choices()) {
                exchange.addFinishReason(c.finishReason());
            }
            if (chunk.usage() != null) {
                exchange.usage(chunk.usage());
            }
        }
        return chunk;
    }

    @Override
    public byte[] wire() {
        return fresh ? upstream.wire() : null;
    }

    @Override
    public int wireLength() {
        return fresh ? upstream.wireLength() : -1;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            deployment.exit();
            upstream.close();
            AttemptSpan.answered(span, exchange.responseId(), model, exchange.finishReasons(), exchange.usage());
            span.end();
        }
    }
}
