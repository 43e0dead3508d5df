package dev.sluice.trace;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Starts the gateway's spans and keeps the thread's current one. A span started while another is
 * current is its child; the request's root joins the client's trace when it sent a valid
 * {@code traceparent}, and a client's trace that is not sampled is not recorded (what
 * OpenTelemetry's default parent-based sampler does). Ids come from {@link ThreadLocalRandom}; a new
 * trace's id is led by the time ({@link #newTraceId}).
 *
 * <p>Off ({@link #disabled()}), starting a span allocates nothing: it hands back the current span,
 * the client's parent or an invalid span, none of them recorded.
 */
public final class Tracer {
    /**
     * The attribute a child inherits from its parent when it starts: the team, the store's team column (the same name
     * as the store's {@code StageSpans.TEAM_ATTRIBUTE}; spelled here so the tracer does not depend on the store).
     */
    public static final String TEAM = "sluice.team";

    private static final Tracer DISABLED = new Tracer(null);
    private static final ThreadLocal<Span> CURRENT = new ThreadLocal<>();
    private static final HexFormat HEX = HexFormat.of();
    private static final String[] NONE = {};
    /** What a request's root span usually gets: the GenAI request and response attributes and Sluice's. */
    private static final int ROOT_ATTRIBUTES = 24;

    /** Gets every recorded span once it has ended; null when tracing is off. */
    private final Consumer<Span> sink;

    private Tracer(Consumer<Span> sink) {
        this.sink = sink;
    }

    /** Tracing off: spans propagate the client's parent and record nothing. */
    public static Tracer disabled() {
        return DISABLED;
    }

    /** Records spans; each one is passed to the sink (on the thread that ends it) when it ends. */
    public static Tracer recording(Consumer<Span> sink) {
        return new Tracer(java.util.Objects.requireNonNull(sink));
    }

    public boolean enabled() {
        return sink != null;
    }

    /** The span current on this thread; null when there is none. */
    public static Span current() {
        return CURRENT.get();
    }

    /**
     * The root span of a request, child of the client's span when it sent one (null: none). Off,
     * this is the client's span itself (not recorded), or an invalid span.
     */
    public Span startRoot(String name, Span.Kind kind, TraceParent parent) {
        if (parent == null) {
            return sink == null ? Span.INVALID : newTrace(name, kind, ROOT_ATTRIBUTES);
        }
        if (sink == null) {
            return new Span(null, parent.traceId(), parent.spanId(), null, parent.flags(), parent.traceState(),
                    false, null, null, kind, 0);
        }
        return new Span(parent.sampled() ? this : null, parent.traceId(), spanId(), parent.spanId(),
                childFlags(parent.flags()), parent.traceState(), true, Span.Anchor.start(), name, kind, ROOT_ATTRIBUTES);
    }

    /** The root span of a request whose headers (lower-case names) may hold the client's {@code traceparent}. */
    public Span startRoot(String name, Span.Kind kind, Map<String, String> headers) {
        return startRoot(name, kind, TraceParent.extract(headers));
    }

    /**
     * A span child of the current one, or the root of a new trace when none is current.
     *
     * @param attributes string attributes the span starts with, as key, value, key, value: set
     *                   before the team it inherits, where OpenTelemetry's span builder put them
     */
    public Span start(String name, Span.Kind kind, String... attributes) {
        Span parent = CURRENT.get();
        if (sink == null) {
            return parent == null ? Span.INVALID : parent;
        }
        // a stage span gets the team; an attempt its three, the team and the answer's five or so
        int expected = attributes.length == 0 ? 1 : attributes.length / 2 + 7;
        Span span;
        if (parent == null || !parent.isValid()) {
            span = newTrace(name, kind, expected);
        } else {
            // a child shares its local parent's clock, so a trace's times are in order
            boolean recorded = parent.sampled();
            Span.Anchor anchor = !recorded ? null : parent.anchor() != null ? parent.anchor() : Span.Anchor.start();
            span = new Span(recorded ? this : null, parent.traceId(), spanId(), parent.spanId(),
                    childFlags(parent.flags()), parent.traceState(), false, anchor, name, kind, expected);
            if (recorded && parent.tracer() == this) {
                span.descendFrom(parent);
            }
        }
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            span.set(attributes[i], attributes[i + 1]);
        }
        if (parent != null && span.isRecording()) {
            span.inherit(parent);
        }
        return span;
    }

    /** An internal span child of the current one. */
    public Span start(String name) {
        return start(name, Span.Kind.INTERNAL, NONE);
    }

    /**
     * A span child of {@code parent}, for work a request runs on another thread (an input scan alongside the
     * upstream call); null or an unrecorded parent: as {@link #start(String)} with tracing off.
     */
    public static Span startChild(Span parent, String name) {
        if (parent == null) {
            return Span.INVALID;
        }
        Tracer tracer = parent.tracer();
        if (tracer == null) {
            return parent;
        }
        try (Scope scope = makeCurrent(parent)) {
            return tracer.start(name);
        }
    }

    /** Adds {@code traceparent} (and {@code tracestate}, when the trace has one) for the span to headers going upstream. */
    public static void inject(Span span, Map<String, String> headers) {
        if (!span.isValid()) {
            return;
        }
        headers.put(TraceParent.TRACEPARENT, TraceParent.header(span.traceId(), span.spanId(), span.flags()));
        if (!span.traceState().isEmpty()) {
            headers.put(TraceParent.TRACESTATE, span.traceState());
        }
    }

    void ended(Span span) {
        // a span's attributes stay in the order set (as in OpenTelemetry's span); an event's are sorted by key,
        // as OpenTelemetry's attribute builder keeps them: sorted once, here, before the sink's threads read them
        if (span.hasEvents()) {
            for (Span.Event e : span.events()) {
                e.attributes().sorted();
            }
        }
        sink.accept(span);
    }

    private Span newTrace(String name, Span.Kind kind, int expectedAttributes) {
        return new Span(this, newTraceId(System.currentTimeMillis()), spanId(), null,
                TraceParent.SAMPLED | TraceParent.RANDOM, "", false, Span.Anchor.start(), name, kind, expectedAttributes);
    }

    /**
     * A new trace id led by the time ({@link dev.sluice.store.TimeLedIds#hex128}), so the store's indexes keyed by
     * trace id grow at one end; its right-most 10 bytes random, so W3C level 2's random flag holds. A client's
     * trace keeps the client's id.
     */
    static String newTraceId(long epochMillis) {
        return dev.sluice.store.TimeLedIds.hex128(epochMillis);
    }

    /** A child keeps its parent's sampling and random-id flags (OpenTelemetry's SDK drops the others). */
    private static int childFlags(int parentFlags) {
        return parentFlags & (TraceParent.SAMPLED | TraceParent.RANDOM);
    }

    private static String spanId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long id;
        do {
            id = r.nextLong();
        } while (id == 0);
        return HEX.toHexDigits(id);
    }

    static Scope makeCurrent(Span span) {
        Span previous = CURRENT.get();
        CURRENT.set(span);
        return new Scope(previous);
    }

    /** Restores the span that was current before, when closed. */
    public static final class Scope implements AutoCloseable {
        private final Span previous;

        private Scope(Span previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
