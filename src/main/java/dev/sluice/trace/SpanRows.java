package dev.sluice.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import dev.sluice.api.Json;
import dev.sluice.store.SpanRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** An ended span as the store's row: attributes and events as JSON, the columns the store indexes read out of them. */
public final class SpanRows {
    static final String SESSION = "session.id";
    static final String REQUEST_ID = "sluice.request_id";
    static final String END_USER = "enduser.id";

    private SpanRows() {}

    public static SpanRecord record(Span span, String service) {
        Span.Attributes a = span.attributes();
        return new SpanRecord(span.traceId(), span.spanId(), span.parentSpanId(), span.name(), span.kind().storeName,
                span.startNanos(), span.endNanos(), span.error() ? "error" : "unset", span.statusMessage(), service,
                (String) a.get(SESSION), (String) a.get(REQUEST_ID), (String) a.get(END_USER), json(a),
                events(span.events()), (String) a.get(Tracer.TEAM));
    }

    /** The attributes as a JSON object (in their order); null for none. */
    static String json(Span.Attributes attributes) {
        if (attributes.isEmpty()) {
            return null;
        }
        // the streaming generator into Jackson's pooled text buffer, as writeValueAsString does
        BufferRecycler recycler = Json.FACTORY._getBufferRecycler();
        try (SegmentedStringWriter out = new SegmentedStringWriter(recycler)) {
            try (JsonGenerator gen = Json.FACTORY.createGenerator(out)) {
                write(gen, attributes);
            }
            return out.getAndClear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            recycler.releaseToPool();
        }
    }

    private static void write(JsonGenerator gen, Span.Attributes attributes) throws IOException {
        gen.writeStartObject();
        for (int i = 0; i < attributes.size(); i++) {
            gen.writeFieldName(attributes.key(i));
            value(gen, attributes.value(i));
        }
        gen.writeEndObject();
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

    /** {@code [{name, time_ns, attributes}]}; null for none. */
    private static String events(List<Span.Event> events) {
        if (events.isEmpty()) {
            return null;
        }
        return new String(Json.write(gen -> {
            gen.writeStartArray();
            for (Span.Event e : events) {
                gen.writeStartObject();
                gen.writeStringField("name", e.name());
                gen.writeNumberField("time_ns", e.epochNanos());
                if (!e.attributes().isEmpty()) {
                    gen.writeFieldName("attributes");
                    write(gen, e.attributes());
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }), StandardCharsets.UTF_8);
    }
}
