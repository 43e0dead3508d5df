package dev.sluice.trace;

import dev.sluice.api.Json;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.StageSpans;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/** An ended span as the store's row: attributes and events as JSON, the columns the store indexes read out of them. */
public final class SpanRows {
    private SpanRows() {}

    /** The span as its own row. */
    public static SpanRecord record(Span span, String service) {
        return record(span, service, null);
    }

    /**
     * The rows an ended span makes: none for a span parked with its local root (a plain stage span, an upstream
     * attempt: {@link Span#parkWithRoot}); for a local root, its row holding the parked spans ({@link StageSpans}),
     * after a row of its own for each parked span that cannot be stored that way (a team other than the root's; an
     * attempt with an attribute the root does not have with the same value); else the span's own row. A span whose
     * row its request log carries ({@link Span#holdRow()}) hands its own row over there instead of to {@code out}.
     */
    public static void rows(Span span, String service, Consumer<SpanRecord> out) {
        if (span.parkWithRoot()) {
            return;
        }
        List<Span> parked = span.takeParked();
        if (parked == null) {
            own(span, record(span, service, null), out);
            return;
        }
        Span.Attributes rootAttributes = span.attributes();
        Object rootTeam = rootAttributes.get(Tracer.TEAM);
        // one builder for the stages' text and then the root's attributes (their JSON is written once the stages' text
        // is taken), sized for the larger of the two
        StringBuilder stages = new StringBuilder(Math.max(96 * parked.size(), capacity(rootAttributes))).append('[');
        for (Span p : parked) {
            Span.Attributes a = p.attributes();
            Object team = a.size() == 0 ? null : a.get(Tracer.TEAM);
            int[] fromRoot = null;
            if (p.kind() == Span.Kind.CLIENT) {
                fromRoot = rootIndexes(a, rootAttributes);
                if (fromRoot == null) {
                    out.accept(record(p, service, null));
                    continue;
                }
            }
            if (team != null && !team.equals(rootTeam)) {
                out.accept(record(p, service, null));
                continue;
            }
            if (stages.length() > 1) {
                stages.append(',');
            }
            stages.append('[');
            string(stages, p.spanId());
            stages.append(',');
            if (p.parentSpanId() == null) {
                stages.append("null");
            } else {
                string(stages, p.parentSpanId());
            }
            stages.append(',');
            string(stages, p.name());
            stages.append(',').append(p.startNanos() - span.startNanos()).append(',')
                    .append(p.endNanos() - span.startNanos()).append(',').append(team == null ? 0 : 1);
            if (fromRoot != null) {
                stages.append(",\"client\",[");
                for (int i = 0; i < fromRoot.length; i++) {
                    stages.append(i == 0 ? "" : ",").append(fromRoot[i]);
                }
                stages.append(']');
            }
            stages.append(']');
        }
        String text = stages.length() > 1 ? stages.append(']').toString() : null;
        stages.setLength(0);
        own(span, record(span, service, text, stages), out);
    }

    /** The span's own row: held for its request's log row when asked ({@link Span#holdRow()}), else out. */
    private static void own(Span span, SpanRecord row, Consumer<SpanRecord> out) {
        if (!span.heldRow(row)) {
            out.accept(row);
        }
    }

    /**
     * For each of a span's attributes, in its order, the index of the root's attribute of the same key and an equal
     * value; null when one has none (the span then keeps a row of its own). An upstream attempt's attributes
     * (operation, provider, model, team, response id and model, finish reasons, usage) are the root's when the
     * request took one attempt: stored once, in the root's row, instead of twice.
     */
    static int[] rootIndexes(Span.Attributes attributes, Span.Attributes root) {
        int[] out = new int[attributes.size()];
        for (int i = 0; i < out.length; i++) {
            String key = attributes.key(i);
            int at = -1;
            for (int j = 0; j < root.size(); j++) {
                if (root.key(j).equals(key)) {
                    at = j;
                    break;
                }
            }
            if (at < 0 || !root.value(at).equals(attributes.value(i))) {
                return null;
            }
            out[i] = at;
        }
        return out;
    }

    private static SpanRecord record(Span span, String service, String stages) {
        return record(span, service, stages, null);
    }

    /** @param builder an empty builder to write the attributes' JSON into; null: a new one */
    private static SpanRecord record(Span span, String service, String stages, StringBuilder builder) {
        Span.Attributes a = span.attributes();
        return new SpanRecord(span.traceId(), span.spanId(), span.parentSpanId(), span.name(), span.kind().storeName,
                span.startNanos(), span.endNanos(), span.error() ? "error" : "unset", span.statusMessage(), service,
                (String) a.get(GenAi.SESSION), (String) a.get(GenAi.REQUEST_ID), (String) a.get(GenAi.END_USER), json(a, builder),
                events(span.events()), (String) a.get(GenAi.TEAM), stages);
    }

    /**
     * The attributes as a JSON object, in their order; null for none. Written by hand into one
     * builder (a Jackson generator per span cost more than the row itself): the same text Jackson
     * writes, strings escaped as it escapes them ({@code "}, {@code \\}, control characters),
     * numbers as {@code Long.toString}/{@code Double.toString}.
     */
    static String json(Span.Attributes attributes) {
        return json(attributes, null);
    }

    private static String json(Span.Attributes attributes, StringBuilder builder) {
        if (attributes.isEmpty()) {
            return null;
        }
        StringBuilder out = builder != null ? builder : new StringBuilder(capacity(attributes));
        write(out, attributes);
        return out.toString();
    }

    /**
     * The text's length unless a string needs escapes: the builder is made that big once instead of grown on the way
     * (a root's ~20 attributes took ~600 characters against the 32 an attribute it used to start with, so it doubled:
     * a copy and ~1.2 KB more allocated per request).
     */
    private static int capacity(Span.Attributes attributes) {
        int n = 1;
        for (int i = 0; i < attributes.size(); i++) {
            n += attributes.key(i).length() + 4 + length(attributes.value(i));
        }
        return n;
    }

    private static int length(Object v) {
        if (v instanceof String s) {
            return s.length() + 2;
        }
        if (v instanceof List<?> list) {
            int n = 2;
            for (Object o : list) {
                n += length(o) + 1;
            }
            return n;
        }
        return 24; // a number or a boolean: Double.toString's longest
    }

    private static void write(StringBuilder out, Span.Attributes attributes) {
        out.append('{');
        for (int i = 0; i < attributes.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, attributes.key(i));
            out.append(':');
            value(out, attributes.value(i));
        }
        out.append('}');
    }

    private static void value(StringBuilder out, Object v) {
        switch (v) {
            case String str -> string(out, str);
            case Boolean b -> out.append(b.booleanValue());
            case Long l -> out.append(l.longValue());
            case Double d -> number(out, d);
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(out, list.get(i));
                }
                out.append(']');
            }
            case null -> out.append("null");
            default -> string(out, v.toString());
        }
    }

    /** Jackson writes NaN and the infinities as strings (quoted) unless told otherwise; so do we. */
    private static void number(StringBuilder out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append('"').append(d).append('"');
        } else {
            out.append(d);
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * Appends {@code s} as a JSON string, as Jackson's generator into a {@code String} escapes it by default: quote,
     * backslash and control characters; the rest as is. Public for other text written by hand (the request log's
     * attempt log).
     */
    public static void string(StringBuilder out, String s) {
        out.append('"');
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, from, i);
            from = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        out.append(s, from, s.length()).append('"');
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
                    gen.writeRawValue(json(e.attributes()));
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }), StandardCharsets.UTF_8);
    }
}
