package dev.sluice.app;

import dev.sluice.config.TracingConfig;
import dev.sluice.observe.Tracing;
import dev.sluice.observe.otlp.IngestGate;
import dev.sluice.pipeline.Caller;
import dev.sluice.server.Guard;
import dev.sluice.server.TraceEndpoint;
import dev.sluice.trace.Tracer;
import dev.sluice.store.SpanReader;
import java.time.Clock;

/**
 * {@code tracing:}: the gateway's own spans (stored, and exported over OTLP when configured) and
 * {@code POST /v1/traces}, where applications send theirs.
 */
final class TelemetryModule implements Module {
    private final Tracing tracing;
    private final StoreModule store;
    private final Guard<Caller> callers;
    private final long maxBodyBytes;
    private final Clock clock;
    private final IngestGate ingest;

    TelemetryModule(TracingConfig config, StoreModule store, Guard<Caller> callers, long maxBodyBytes, Clock clock) {
        this.clock = clock;
        this.ingest = new IngestGate(config.ingest());
        this.tracing = Tracing.create(config, store.writers().spans());
        this.store = store;
        this.callers = callers;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public String name() {
        return "tracing";
    }

    @Override
    public void contribute(Contributions to) {
        to.endpoints(new TraceEndpoint(callers, store.writers().spans(), maxBodyBytes, clock, ingest,
                new SpanReader(store.database())));
    }

    Tracer tracer() {
        return tracing.tracer();
    }

    @Override
    public void close() {
        tracing.close();
    }
}
