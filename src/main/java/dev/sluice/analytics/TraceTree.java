package dev.sluice.analytics;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.store.SpanRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The spans of one trace as a tree. Spans whose parent is not stored (the client's own root span
 * that was never sent, or spans a team may not see) become roots; a parent cycle (possible with
 * spans from clients) is broken at the earliest span of the cycle, which becomes a root. Built and
 * written without recursion, and nesting deeper than {@link #MAX_DEPTH} is flattened (marked
 * {@code "depth_truncated": true}), so no trace can exhaust the stack or the JSON writer.
 */
public final class TraceTree {
    /** Tree levels written nested; each level is two JSON levels, and readers commonly stop at 200. */
    public static final int MAX_DEPTH = 64;

    private final List<SpanRecord> spans;
    private final Map<String, List<SpanRecord>> children = new HashMap<>();
    private final List<SpanRecord> roots = new ArrayList<>();

    private TraceTree(List<SpanRecord> spans) {
        this.spans = spans;
        Map<String, SpanRecord> byId = new LinkedHashMap<>();
        for (SpanRecord s : spans) {
            byId.putIfAbsent(s.spanId(), s);
        }
        for (SpanRecord s : byId.values()) {
            if (s.parentSpanId() == null || !byId.containsKey(s.parentSpanId()) || s.parentSpanId().equals(s.spanId())) {
                roots.add(s);
            } else {
                children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
            }
        }
        // spans not reachable from a root sit on a parent cycle: cut each cycle at its earliest span
        Set<String> reached = reach(roots);
        for (SpanRecord s : byId.values()) { // start order
            if (!reached.contains(s.spanId())) {
                children.get(s.parentSpanId()).remove(s);
                roots.add(s);
                reached.addAll(reach(List.of(s)));
            }
        }
    }

    /** Builds the tree of these spans (in start order). */
    public static TraceTree of(List<SpanRecord> spans) {
        return new TraceTree(spans);
    }

    /** Writes {@code "roots": [span with "children": [...]]}. */
    public void write(JsonGenerator gen) throws IOException {
        gen.writeArrayFieldStart("roots");
        // an explicit stack of child iterators instead of recursion
        Deque<java.util.Iterator<SpanRecord>> stack = new ArrayDeque<>();
        stack.push(roots.iterator());
        while (!stack.isEmpty()) {
            java.util.Iterator<SpanRecord> it = stack.peek();
            if (!it.hasNext()) {
                stack.pop();
                gen.writeEndArray(); // children (or roots at the bottom)
                if (!stack.isEmpty()) {
                    gen.writeEndObject(); // the span owning these children
                }
                continue;
            }
            SpanRecord s = it.next();
            gen.writeStartObject();
            span(gen, s);
            List<SpanRecord> kids = children.getOrDefault(s.spanId(), List.of());
            if (stack.size() >= MAX_DEPTH) {
                // too deep: this span's descendants follow as its siblings, without children
                if (!kids.isEmpty()) {
                    gen.writeBooleanField("depth_truncated", true);
                }
                gen.writeArrayFieldStart("children");
                gen.writeEndArray();
                gen.writeEndObject();
                List<SpanRecord> below = new ArrayList<>();
                collect(kids, below);
                for (SpanRecord d : below) {
                    gen.writeStartObject();
                    span(gen, d);
                    gen.writeArrayFieldStart("children");
                    gen.writeEndArray();
                    gen.writeEndObject();
                }
                continue;
            }
            gen.writeArrayFieldStart("children");
            stack.push(kids.iterator());
        }
    }

    private void collect(List<SpanRecord> from, List<SpanRecord> out) {
        Deque<SpanRecord> todo = new ArrayDeque<>(from);
        while (!todo.isEmpty()) {
            SpanRecord s = todo.poll();
            out.add(s);
            todo.addAll(children.getOrDefault(s.spanId(), List.of()));
        }
    }

    private Set<String> reach(List<SpanRecord> from) {
        Set<String> seen = new HashSet<>();
        Deque<SpanRecord> todo = new ArrayDeque<>(from);
        while (!todo.isEmpty()) {
            SpanRecord s = todo.poll();
            if (seen.add(s.spanId())) {
                todo.addAll(children.getOrDefault(s.spanId(), List.of()));
            }
        }
        return seen;
    }

    public int size() {
        return spans.size();
    }

    /** One span's fields (without children). */
    public static void span(JsonGenerator gen, SpanRecord s) throws IOException {
        gen.writeStringField("span_id", s.spanId());
        gen.writeStringField("parent_span_id", s.parentSpanId());
        gen.writeStringField("name", s.name());
        gen.writeStringField("kind", s.kind());
        gen.writeStringField("service", s.service());
        gen.writeStringField("start", Instant.ofEpochSecond(0, s.startNanos()).toString());
        gen.writeNumberField("start_ns", s.startNanos());
        gen.writeNumberField("end_ns", s.endNanos());
        gen.writeNumberField("duration_ms", (s.endNanos() - s.startNanos()) / 1e6);
        gen.writeStringField("status", s.status());
        gen.writeStringField("status_message", s.statusMessage());
        gen.writeStringField("session_id", s.sessionId());
        gen.writeStringField("request_id", s.requestId());
        gen.writeStringField("user", s.endUser());
        gen.writeFieldName("attributes");
        if (s.attributes() == null) {
            gen.writeStartObject();
            gen.writeEndObject();
        } else {
            gen.writeRawValue(s.attributes());
        }
        gen.writeFieldName("events");
        if (s.events() == null) {
            gen.writeStartArray();
            gen.writeEndArray();
        } else {
            gen.writeRawValue(s.events());
        }
    }
}
