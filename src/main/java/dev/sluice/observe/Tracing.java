package dev.sluice.observe;

import dev.sluice.config.TracingConfig;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.SpanRecord;
import dev.sluice.trace.OtlpSpanExport;
import dev.sluice.trace.SpanRows;
import dev.sluice.trace.Tracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;

/**
 * The gateway's tracing: every request is a trace (joining the client's when it sends a W3C
 * {@code traceparent}), with a span per stage and per upstream attempt following the GenAI
 * semantic conventions. Spans are recorded by the in-house {@link Tracer} as plain objects; each
 * ended span becomes a store row on the no-loss batch writer (a stage span goes into its root's row,
 * {@link SpanRows#rows}), and goes to an OTLP collector when
 * one is configured, converted and sent off the request path.
 */
public final class Tracing implements AutoCloseable {
    public static final String INSTRUMENTATION = "dev.sluice";

    private final Tracer tracer;
    private final OtlpSpanExport export;

    private Tracing(Tracer tracer, OtlpSpanExport export) {
        this.tracer = tracer;
        this.export = export;
    }

    /** Tracing as configured; off means spans cost next to nothing and go nowhere. */
    public static Tracing create(TracingConfig config, BatchWriter<SpanRecord> spans) {
        if (!config.enabled()) {
            return new Tracing(Tracer.disabled(), null);
        }
        String service = config.serviceName();
        // made once: a method reference in the lambda below was a new object every time a span ended (six a request)
        java.util.function.Consumer<SpanRecord> offer = spans::offer;
        if (config.otlpEndpoint() == null) {
            return new Tracing(Tracer.recording(span -> SpanRows.rows(span, service, offer)), null);
        }
        OtlpSpanExport export = new OtlpSpanExport(OtlpHttpSpanExporter.builder()
                .setEndpoint(config.otlpEndpoint()).setTimeout(Duration.ofSeconds(10)).build(),
                Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service))),
                INSTRUMENTATION);
        return new Tracing(Tracer.recording(span -> {
            SpanRows.rows(span, service, offer);
            export.offer(span);
        }), export);
    }

    public Tracer tracer() {
        return tracer;
    }

    /** Exports what is pending and stops. */
    @Override
    public void close() {
        if (export != null) {
            export.close();
        }
    }
}
