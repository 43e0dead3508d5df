package dev.sluice.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends ended spans to an OTLP collector off the request path: the request's thread only queues
 * the span; a worker thread converts a batch to OpenTelemetry's {@link SpanData} and hands it to
 * the SDK's exporter (OTLP/HTTP protobuf, its retries and timeouts). Like OpenTelemetry's batch
 * span processor, whose defaults it keeps (2,048 queued, 512 a batch, every 5 s), it drops spans
 * when the collector cannot keep up rather than hold up requests (counted, and logged).
 */
public final class OtlpSpanExport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OtlpSpanExport.class);
    private static final int QUEUE = 2048;
    private static final int BATCH = 512;
    private static final long DELAY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final SpanExporter exporter;
    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    private final BlockingQueue<Span> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread worker;
    private volatile boolean closing;

    public OtlpSpanExport(SpanExporter exporter, Resource resource, String scopeName) {
        this.exporter = exporter;
        this.resource = resource;
        this.scope = InstrumentationScopeInfo.create(scopeName);
        this.worker = Thread.ofPlatform().daemon().name("sluice-otlp-spans").start(this::run);
    }

    /** Queues an ended span; never blocks. */
    public void offer(Span span) {
        if (!queue.offer(span) && dropped.getAndIncrement() % 10_000 == 0) {
            LOG.warn("the OTLP collector does not keep up: spans dropped from its export ({} so far)", dropped.get());
        }
    }

    /** Spans the export had to drop. */
    public long dropped() {
        return dropped.get();
    }

    private void run() {
        List<Span> batch = new ArrayList<>(BATCH);
        long due = System.nanoTime() + DELAY_NANOS;
        while (true) {
            try {
                Span first = queue.poll(Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - batch.size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            boolean last = closing;
            if (last) {
                queue.drainTo(batch);
                batch.remove(Span.INVALID); // close()'s wake-up call
            }
            if (batch.size() >= BATCH || System.nanoTime() >= due || last) {
                export(batch);
                batch.clear();
                due = System.nanoTime() + DELAY_NANOS;
            }
            if (last) {
                return;
            }
        }
    }

    private void export(List<Span> spans) {
        for (int from = 0; from < spans.size(); from += BATCH) {
            List<SpanData> data = new ArrayList<>(Math.min(BATCH, spans.size() - from));
            for (Span s : spans.subList(from, Math.min(spans.size(), from + BATCH))) {
                data.add(new Exported(s, resource, scope));
            }
            try {
                exporter.export(data).join(10, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                LOG.warn("exporting {} spans over OTLP failed", data.size(), e);
            }
        }
    }

    /** Sends what is queued, then shuts the exporter down. */
    @Override
    public void close() {
        closing = true;
        queue.offer(Span.INVALID); // wakes the worker (when the queue is full, it is busy and sees closing next)
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exporter.shutdown().join(10, TimeUnit.SECONDS);
    }

    /** An ended span as the SDK's exporter reads it. */
    record Exported(Span span, Resource resource, InstrumentationScopeInfo scope) implements SpanData {
        @Override
        public String getName() {
            return span.name();
        }

        @Override
        public SpanKind getKind() {
            return SpanKind.valueOf(span.kind().name());
        }

        @Override
        public SpanContext getSpanContext() {
            return SpanContext.create(span.traceId(), span.spanId(), TraceFlags.fromByte((byte) span.flags()),
                    traceState(span.traceState()));
        }

        @Override
        public SpanContext getParentSpanContext() {
            if (span.parentSpanId() == null) {
                return SpanContext.getInvalid();
            }
            TraceState state = traceState(span.traceState());
            TraceFlags flags = TraceFlags.fromByte((byte) span.flags());
            return span.hasRemoteParent()
                    ? SpanContext.createFromRemoteParent(span.traceId(), span.parentSpanId(), flags, state)
                    : SpanContext.create(span.traceId(), span.parentSpanId(), flags, state);
        }

        @Override
        public StatusData getStatus() {
            return span.error() ? StatusData.create(StatusCode.ERROR,
                    span.statusMessage() == null ? "" : span.statusMessage()) : StatusData.unset();
        }

        @Override
        public long getStartEpochNanos() {
            return span.startNanos();
        }

        @Override
        public io.opentelemetry.api.common.Attributes getAttributes() {
            return attributes(span.attributes());
        }

        @Override
        public List<EventData> getEvents() {
            List<EventData> events = new ArrayList<>(span.events().size());
            for (Span.Event e : span.events()) {
                events.add(EventData.create(e.epochNanos(), e.name(), attributes(e.attributes())));
            }
            return events;
        }

        @Override
        public List<LinkData> getLinks() {
            return List.of();
        }

        @Override
        public long getEndEpochNanos() {
            return span.endNanos();
        }

        @Override
        public boolean hasEnded() {
            return true;
        }

        @Override
        public int getTotalRecordedEvents() {
            return span.events().size();
        }

        @Override
        public int getTotalRecordedLinks() {
            return 0;
        }

        @Override
        public int getTotalAttributeCount() {
            return span.attributes().size();
        }

        @Override
        @SuppressWarnings("deprecation")
        public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
            return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion());
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return scope;
        }

        @Override
        public Resource getResource() {
            return resource;
        }

        @SuppressWarnings("unchecked")
        private static io.opentelemetry.api.common.Attributes attributes(Span.Attributes a) {
            AttributesBuilder b = io.opentelemetry.api.common.Attributes.builder();
            for (int i = 0; i < a.size(); i++) {
                String key = a.key(i);
                switch (a.value(i)) {
                    case String s -> b.put(key, s);
                    case Long l -> b.put(key, (long) l);
                    case Double d -> b.put(key, (double) d);
                    case Boolean bool -> b.put(key, (boolean) bool);
                    case List<?> list -> b.put(AttributeKey.stringArrayKey(key), (List<String>) list);
                    default -> b.put(key, String.valueOf(a.value(i)));
                }
            }
            return b.build();
        }

        private static TraceState traceState(String header) {
            if (header.isEmpty()) {
                return TraceState.getDefault();
            }
            TraceStateBuilder b = TraceState.builder();
            String[] members = header.split(",");
            // the builder puts each member first: add them last to first to keep their order
            for (int i = members.length - 1; i >= 0; i--) {
                int eq = members[i].indexOf('=');
                b.put(members[i].substring(0, eq), members[i].substring(eq + 1));
            }
            return b.build();
        }
    }
}
