package dev.sluice.observe;

import dev.sluice.api.Json;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.SpanRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.io.IOException;
import java.io.UncheckedIOException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;

/**
 * Hands every ended span to the store's batch writer, which never blocks and never drops quietly
 * (unlike OpenTelemetry's own batch processor, which drops on a full queue).
 *
 * <p>The span's team (the store's {@code team} column, what team-limited readers compare) is its
 * {@code sluice.team} attribute, which only the gateway sets: on the root span from the
 * authenticated caller ({@link RequestSpan#caller}), and on every span started under a local
 * parent, copied from that parent when it starts, so stage and attempt spans inherit the root's.
 */
final class StoreSpanProcessor implements SpanProcessor {
    static final AttributeKey<String> SESSION = AttributeKey.stringKey("session.id");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("sluice.request_id");
    static final AttributeKey<String> END_USER = AttributeKey.stringKey("enduser.id");

    /** The store's names of the kinds and status codes, by ordinal (not a new lower-cased string per span). */
    private static final String[] KINDS = names(io.opentelemetry.api.trace.SpanKind.values());
    private static final String[] STATUSES = names(io.opentelemetry.api.trace.StatusCode.values());

    private final BatchWriter<SpanRecord> writer;
    private final String service;

    StoreSpanProcessor(BatchWriter<SpanRecord> writer, String service) {
        this.writer = writer;
        this.service = service;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        if (io.opentelemetry.api.trace.Span.fromContext(parentContext) instanceof ReadableSpan parent
                && span.getAttribute(GenAi.TEAM) == null) {
            String team = parent.getAttribute(GenAi.TEAM);
            if (team != null) {
                span.setAttribute(GenAi.TEAM, team);
            }
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        writer.offer(record(span.toSpanData(), service));
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    static SpanRecord record(SpanData d, String service) {
        String parent = d.getParentSpanContext().isValid() ? d.getParentSpanId() : null;
        return new SpanRecord(d.getTraceId(), d.getSpanId(), parent, d.getName(),
                KINDS[d.getKind().ordinal()], d.getStartEpochNanos(), d.getEndEpochNanos(),
                STATUSES[d.getStatus().getStatusCode().ordinal()],
                d.getStatus().getDescription().isEmpty() ? null : d.getStatus().getDescription(), service,
                d.getAttributes().get(SESSION), d.getAttributes().get(REQUEST_ID), d.getAttributes().get(END_USER),
                json(d.getAttributes()), events(d.getEvents()), d.getAttributes().get(GenAi.TEAM));
    }

    private static String[] names(Enum<?>[] values) {
        String[] names = new String[values.length];
        for (Enum<?> v : values) {
            names[v.ordinal()] = v.name().toLowerCase(Locale.ROOT);
        }
        return names;
    }

    static String json(Attributes attributes) {
        if (attributes.isEmpty()) {
            return null;
        }
        // written with the streaming generator (no map, no databind serializer lookup per value) into
        // Jackson's pooled text buffer, as writeValueAsString does: the same JSON as serialising a
        // LinkedHashMap of the attributes (SpanRecordBench checks that, and compares the two)
        BufferRecycler recycler = Json.FACTORY._getBufferRecycler();
        try (SegmentedStringWriter out = new SegmentedStringWriter(recycler)) {
            try (JsonGenerator gen = Json.FACTORY.createGenerator(out)) {
                gen.writeStartObject();
                attributes.forEach((k, v) -> {
                    try {
                        gen.writeFieldName(k.getKey());
                        value(gen, v);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                gen.writeEndObject();
            }
            return out.getAndClear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            recycler.releaseToPool();
        }
    }

    private static void value(JsonGenerator gen, Object v) throws IOException {
        switch (v) {
            case String str -> gen.writeString(str);
            case Boolean b -> gen.writeBoolean(b);
            case Long l -> gen.writeNumber(l);
            case Double d -> gen.writeNumber(d);
            case List<?> list -> {
                gen.writeStartArray();
                for (Object item : list) {
                    value(gen, item);
                }
                gen.writeEndArray();
            }
            case null -> gen.writeNull();
            default -> gen.writeString(v.toString());
        }
    }

    private static String events(List<EventData> events) {
        if (events.isEmpty()) {
            return null;
        }
        return new String(Json.write(gen -> {
            gen.writeStartArray();
            for (EventData e : events) {
                gen.writeStartObject();
                gen.writeStringField("name", e.getName());
                gen.writeNumberField("time_ns", e.getEpochNanos());
                if (!e.getAttributes().isEmpty()) {
                    gen.writeFieldName("attributes");
                    gen.writeRawValue(json(e.getAttributes()));
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }), StandardCharsets.UTF_8);
    }
}
