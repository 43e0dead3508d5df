package dev.sluice.app;

import dev.sluice.config.SluiceConfig;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import dev.sluice.server.PipelineSource;
import dev.sluice.trace.Tracer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The config generations of a running gateway: the current one, which new requests take, and
 * (while requests still hold them) older ones. A reload {@linkplain #swap swaps} in a new
 * generation atomically; the old one closes its parts once its last request completed. Closing
 * this module retires the current generation (after the server drained, so nothing holds it).
 */
final class Generations implements Module, PipelineSource {
    private final AtomicReference<Generation> current = new AtomicReference<>();
    private final Tracer tracer;
    private Generation.Fixed fixed;
    private long count;
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();

    Generations(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public String name() {
        return "config";
    }

    /** Builds the first generation, once every module contributed its stages. */
    synchronized void start(SluiceConfig config, Generation.Fixed parts) {
        this.fixed = parts;
        current.set(opened(Generation.build(++count, config, null, parts)));
    }

    private Generation opened(Generation g) {
        open.incrementAndGet();
        g.onClosed(open::decrementAndGet);
        return g;
    }

    /** Generations not closed yet: the current one, and older ones that requests still hold. */
    int open() {
        return open.get();
    }

    Generation current() {
        return current.get();
    }

    /** What every generation is built around (set by {@link #start}). */
    synchronized Generation.Fixed fixed() {
        return fixed;
    }

    /** Builds the generation of {@code config} and makes it current; the previous one closes when its requests are done. */
    synchronized Generation swap(SluiceConfig config) {
        Generation old = current.get();
        Generation next = opened(Generation.build(count + 1, config, old, fixed));
        count++;
        current.set(next);
        old.release();
        return next;
    }

    /**
     * Holds the current generation (retrying when a swap closed the one just read).
     *
     * @throws dev.sluice.api.SluiceException 503 once the gateway closed (a late background model call)
     */
    Generation hold() {
        while (true) {
            Generation g = current.get();
            if (g.tryAcquire()) {
                return g;
            }
            if (current.get() == g) {
                // a swap makes the next generation current before it releases the old one: this one was closed
                throw dev.sluice.api.SluiceException.unavailable("Sluice is shutting down; retry on another instance.");
            }
        }
    }

    @Override
    public Lease acquire() {
        return hold().lease();
    }

    /**
     * A pipeline of the current router alone, for Sluice's own calls to a model (the LLM judge,
     * online evaluators, shadow copies): routing, retries and fallbacks of the newest config apply,
     * and the calls are priced with its prices. Each call holds the generation while it runs.
     */
    Pipeline direct() {
        Stage router = new Stage() {
            @Override
            public Reply handle(Exchange exchange, Chain next) {
                Generation g = hold();
                try {
                    return g.routing.router().handle(exchange, next);
                } finally {
                    g.release();
                }
            }

            @Override
            public String name() {
                Generation g = current.get();
                return g == null ? "Router" : g.routing.router().name();
            }
        };
        return new Pipeline(List.of(router), tracer, (model, usage) -> current.get().prices.cost(model, usage));
    }

    @Override
    public synchronized void close() {
        Generation g = current.get();
        if (g != null) {
            g.release();
        }
    }
}
