package dev.sluice.observe;

import dev.sluice.config.TracingConfig;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.SpanRecord;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.Map;

/**
 * The gateway's OpenTelemetry tracing: every request is a trace (joining the client's when it
 * sends a W3C {@code traceparent}), with a span per stage and per upstream attempt following the
 * GenAI semantic conventions. Ended spans go to the store through the no-loss batch writer, and
 * to an OTLP collector when one is configured.
 */
public final class Tracing implements AutoCloseable {
    public static final String INSTRUMENTATION = "dev.sluice";
    private static final TextMapGetter<Map<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
    private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.put(key, value);
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private Tracing(SdkTracerProvider provider, Tracer tracer) {
        this.provider = provider;
        this.tracer = tracer;
    }

    /** Tracing as configured; off means a no-op tracer (spans cost next to nothing and go nowhere). */
    public static Tracing create(TracingConfig config, BatchWriter<SpanRecord> spans) {
        if (!config.enabled()) {
            return new Tracing(null, OpenTelemetry.noop().getTracer(INSTRUMENTATION));
        }
        SdkTracerProviderBuilder builder = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), config.serviceName()))))
                .addSpanProcessor(new StoreSpanProcessor(spans, config.serviceName()));
        if (config.otlpEndpoint() != null) {
            builder.addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                    .setEndpoint(config.otlpEndpoint()).setTimeout(Duration.ofSeconds(10)).build()).build());
        }
        SdkTracerProvider provider = builder.build();
        return new Tracing(provider, provider.get(INSTRUMENTATION));
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The parent context a client sent in {@code traceparent}/{@code tracestate} (lower-case header names). */
    public static Context extract(Map<String, String> headers) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
    }

    /** Adds the current trace's {@code traceparent} to headers going upstream. */
    public static void inject(Map<String, String> headers) {
        W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, SETTER);
    }

    /** Exports what is pending and stops. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
