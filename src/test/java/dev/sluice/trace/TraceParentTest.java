package dev.sluice.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("W3C traceparent/tracestate: parsed strictly, invalid headers ignored, written back as OpenTelemetry wrote them")
class TraceParentTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String SPAN = "00f067aa0ba902b7";

    static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier.get(key);
        }
    };

    /** What OpenTelemetry's propagator reads from the same header: null when it finds no valid parent. */
    static SpanContext otel(String traceparent) {
        SpanContext c = io.opentelemetry.api.trace.Span.fromContext(W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), Map.of("traceparent", traceparent), GETTER)).getSpanContext();
        return c.isValid() ? c : null;
    }

    @Test
    @DisplayName("traceparent: the same parents as OpenTelemetry's propagator accepts, and the same refused")
    void sameAsOpenTelemetry() {
        String[] headers = {
                "00-" + TRACE + "-" + SPAN + "-01", "00-" + TRACE + "-" + SPAN + "-00", "00-" + TRACE + "-" + SPAN + "-03",
                "00-" + TRACE + "-" + SPAN + "-ff", "01-" + TRACE + "-" + SPAN + "-01", "01-" + TRACE + "-" + SPAN + "-01-later",
                "fe-" + TRACE + "-" + SPAN + "-01-x", "ff-" + TRACE + "-" + SPAN + "-01", "00-" + TRACE + "-" + SPAN + "-01-",
                "00-" + TRACE + "-" + SPAN + "-01x", "01-" + TRACE + "-" + SPAN + "-01x", "00-" + "0".repeat(32) + "-" + SPAN + "-01",
                "00-" + TRACE + "-" + "0".repeat(16) + "-01", "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01",
                "00-" + TRACE + "-" + SPAN.toUpperCase() + "-01", "00-" + TRACE + "-" + SPAN + "-0g",
                "00-" + TRACE.substring(1) + "-" + SPAN + "-01", "00_" + TRACE + "-" + SPAN + "-01", "",
                "00-" + TRACE + "-" + SPAN, "0x-" + TRACE + "-" + SPAN + "-01", "g0-" + TRACE + "-" + SPAN + "-01",
                "00-" + TRACE.replace('4', 'z') + "-" + SPAN + "-01"};
        for (String h : headers) {
            TraceParent mine = TraceParent.parse(h, null);
            SpanContext theirs = otel(h);
            assertThat(mine == null).as(h).isEqualTo(theirs == null);
            if (mine != null) {
                assertThat(mine.traceId()).as(h).isEqualTo(theirs.getTraceId());
                assertThat(mine.spanId()).as(h).isEqualTo(theirs.getSpanId());
                assertThat(mine.flags()).as(h).isEqualTo(theirs.getTraceFlags().asByte() & 0xff);
            }
        }
    }

    @Test
    @DisplayName("tracestate: normalised (blanks and empty members dropped), dropped whole when a member, a key or the count is invalid")
    void traceState() {
        assertThat(TraceParent.traceState("congo=t61rcWkgMzE")).isEqualTo("congo=t61rcWkgMzE");
        assertThat(TraceParent.traceState(" rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE ")).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
        assertThat(TraceParent.traceState("a=1,,b=2")).isEqualTo("a=1,b=2");
        assertThat(TraceParent.traceState("tenant1@vendor=x,0tenant@sys=y")).isEqualTo("tenant1@vendor=x,0tenant@sys=y");
        assertThat(TraceParent.traceState("")).isEmpty();
        assertThat(TraceParent.traceState("Upper=1")).isEmpty();
        assertThat(TraceParent.traceState("1abc=1")).isEmpty();
        assertThat(TraceParent.traceState("a=1,novalue")).isEmpty();
        assertThat(TraceParent.traceState("a=")).isEmpty();
        assertThat(TraceParent.traceState("a=b=c")).isEmpty();
        assertThat(TraceParent.traceState("a=1,a=2")).isEmpty();
        assertThat(TraceParent.traceState("t@toolongsystemid=1")).isEmpty();
        assertThat(TraceParent.traceState("a=x\u00e9")).isEmpty();
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
        }
        assertThat(TraceParent.traceState(many.toString())).isEmpty();
        assertThat(TraceParent.traceState(many.substring(0, many.lastIndexOf(",")))).isNotEmpty();
        // a bad tracestate does not cost the traceparent
        TraceParent p = TraceParent.parse("00-" + TRACE + "-" + SPAN + "-01", "BAD=1");
        assertThat(p.traceId()).isEqualTo(TRACE);
        assertThat(p.traceState()).isEmpty();
    }

    @Test
    @DisplayName("inject: a span's traceparent and tracestate as OpenTelemetry's propagator writes them; nothing for an invalid span")
    void inject() {
        Tracer tracer = Tracer.recording(span -> {});
        Span root = tracer.startRoot("chat", Span.Kind.SERVER,
                TraceParent.parse("00-" + TRACE + "-" + SPAN + "-01", "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7"));
        Map<String, String> mine = new HashMap<>();
        Tracer.inject(root, mine);
        Map<String, String> theirs = new HashMap<>();
        SpanContext sc = SpanContext.createFromRemoteParent(TRACE, root.spanId(),
                io.opentelemetry.api.trace.TraceFlags.getSampled(), io.opentelemetry.api.trace.TraceState.builder()
                        .put("rojo", "00f067aa0ba902b7").put("congo", "t61rcWkgMzE").build());
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(io.opentelemetry.api.trace.Span.wrap(sc)),
                theirs, Map::put);
        assertThat(mine).isEqualTo(theirs);

        Map<String, String> none = new HashMap<>();
        Tracer.inject(Tracer.disabled().startRoot("chat", Span.Kind.SERVER, (TraceParent) null), none);
        assertThat(none).isEmpty();
        // off, the client's parent goes on as it came (flags included)
        Map<String, String> passed = new HashMap<>();
        Tracer.inject(Tracer.disabled().startRoot("chat", Span.Kind.SERVER,
                TraceParent.parse("00-" + TRACE + "-" + SPAN + "-09", null)), passed);
        assertThat(passed).containsExactly(Map.entry("traceparent", "00-" + TRACE + "-" + SPAN + "-09"));
    }

    @Test
    @DisplayName("spans: children nest under the current span, keep the trace, inherit the team; unsampled traces record nothing")
    void spans() {
        java.util.List<Span> ended = new java.util.ArrayList<>();
        Tracer tracer = Tracer.recording(ended::add);
        Span root = tracer.startRoot("chat", Span.Kind.SERVER, (TraceParent) null);
        root.set(Tracer.TEAM, "research");
        try (Tracer.Scope s = root.makeCurrent()) {
            Span stage = tracer.start("sluice.AuthStage");
            try (Tracer.Scope t = stage.makeCurrent()) {
                Span attempt = tracer.start("chat m", Span.Kind.CLIENT, "gen_ai.provider.name", "sim");
                attempt.end();
                assertThat(attempt.parentSpanId()).isEqualTo(stage.spanId());
                assertThat(attempt.attributes().key(0)).isEqualTo("gen_ai.provider.name");
                assertThat(attempt.attributes().get(Tracer.TEAM)).isEqualTo("research");
                assertThat(attempt.startNanos()).isGreaterThanOrEqualTo(stage.startNanos());
            }
            stage.end();
            assertThat(Tracer.current()).isSameAs(root);
        }
        root.end();
        root.set("late", "ignored");
        root.end();
        assertThat(Tracer.current()).isNull();
        assertThat(ended).extracting(Span::name).containsExactly("chat m", "sluice.AuthStage", "chat");
        assertThat(ended).extracting(Span::traceId).containsOnly(root.traceId());
        assertThat(root.flags()).isEqualTo(0x03);
        assertThat(root.attributes().get("late")).isNull();

        ended.clear();
        Span quiet = tracer.startRoot("chat", Span.Kind.SERVER, TraceParent.parse("00-" + TRACE + "-" + SPAN + "-02", null));
        try (Tracer.Scope s = quiet.makeCurrent()) {
            Span child = tracer.start("sluice.AuthStage");
            assertThat(child.isRecording()).isFalse();
            assertThat(child.traceId()).isEqualTo(TRACE);
            assertThat(child.flags()).isEqualTo(0x02);
            child.end();
        }
        quiet.end();
        assertThat(ended).isEmpty();
    }
}
