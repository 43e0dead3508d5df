package dev.sluice.trace;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One span of the gateway's own traces: a plain object filled on the request's thread and, once
 * ended, handed to the {@link Tracer}'s sink (the store row, the OTLP export). A span is written by
 * one thread at a time, the request's, and passed on with its exchange (a stream's attempt span
 * ends on the thread that closes the stream), like the exchange itself.
 *
 * <p>Spans that are not recorded (tracing off, or a client's trace that is not sampled) take
 * every call and keep nothing; with tracing off they are the client's parent itself, so the
 * upstream still receives the client's {@code traceparent}.
 */
public final class Span {
    /** OpenTelemetry's span kinds; the store keeps the lower-case name. */
    public enum Kind {
        INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER;

        final String storeName = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A span event (a guardrail trigger, an exception) with its attributes. */
    public record Event(String name, long epochNanos, Attributes attributes) {}

    /** Neither a trace nor recorded: what tracing off hands out when the client sent no parent. */
    static final Span INVALID = new Span(null, null, null, null, 0, "", false, null, null, Kind.INTERNAL, 0);

    private final Tracer tracer;
    private final String traceId;
    private final String spanId;
    private final String parentSpanId;
    private final int flags;
    private final String traceState;
    private final boolean remoteParent;
    private final Anchor anchor;
    private final Kind kind;
    private String name;
    private final long startNanos;
    private long endNanos;
    private final Attributes attributes;
    private List<Event> events;
    private boolean error;
    private String statusMessage;
    private boolean ended;
    /** The local root this span descends from (null: this span is one, or is not recorded). */
    private Span localRoot;
    /** A local root: the plain descendants that ended before it, stored with its row; guarded by this span. */
    private List<Span> parked;
    /** A local root: it has ended and taken its parked descendants, later ones are stored on their own. */
    private boolean parkingClosed;
    /**
     * The store row's hand-off to the request log ({@link #holdRow()}): null (the row goes to the span writer),
     * {@link #HOLD} (the request log will carry it), the row itself once ended, or {@link #RELEASED} (taken, or the
     * request log went first: the row goes to the span writer).
     */
    private volatile Object row;
    private static final Object HOLD = new Object();
    private static final Object RELEASED = new Object();
    private static final java.lang.invoke.VarHandle ROW;

    static {
        try {
            ROW = java.lang.invoke.MethodHandles.lookup().findVarHandle(Span.class, "row", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** @param tracer where the span goes when it ends; null for a span that is not recorded */
    Span(Tracer tracer, String traceId, String spanId, String parentSpanId, int flags, String traceState,
         boolean remoteParent, Anchor anchor, String name, Kind kind, int expectedAttributes) {
        this.tracer = tracer;
        this.traceId = traceId;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.flags = flags;
        this.traceState = traceState;
        this.remoteParent = remoteParent;
        this.anchor = anchor;
        this.name = name;
        this.kind = kind;
        this.startNanos = tracer == null ? 0 : anchor.now();
        this.attributes = tracer == null ? null : new Attributes(expectedAttributes);
    }

    /** Start and end times of a trace's spans on one clock, as OpenTelemetry's SDK does: the wall clock at the local root plus elapsed nanos. */
    record Anchor(long epochNanos, long nanoTime) {
        static Anchor start() {
            java.time.Instant t = java.time.Instant.now();
            return new Anchor(t.getEpochSecond() * 1_000_000_000L + t.getNano(), System.nanoTime());
        }

        long now() {
            return epochNanos + (System.nanoTime() - nanoTime);
        }
    }

    /** Whether this span belongs to a trace (with an id the upstream and the request log can carry). */
    public boolean isValid() {
        return traceId != null;
    }

    /** Whether this span is kept when it ends. */
    public boolean isRecording() {
        return tracer != null;
    }

    public String traceId() {
        return traceId;
    }

    public String spanId() {
        return spanId;
    }

    /** The parent's span id; null for a root. */
    public String parentSpanId() {
        return parentSpanId;
    }

    /** The W3C trace flags: 01 sampled, 02 the trace id is random. */
    public int flags() {
        return flags;
    }

    public boolean sampled() {
        return (flags & TraceParent.SAMPLED) != 0;
    }

    public String traceState() {
        return traceState;
    }

    /** Whether the parent is the client's (from {@code traceparent}), not one of the gateway's spans. */
    public boolean hasRemoteParent() {
        return remoteParent;
    }

    Anchor anchor() {
        return anchor;
    }

    Tracer tracer() {
        return tracer;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public long startNanos() {
        return startNanos;
    }

    public long endNanos() {
        return endNanos;
    }

    /** The attributes (read them once the span has ended). */
    public Attributes attributes() {
        return attributes;
    }

    public List<Event> events() {
        return events == null ? List.of() : events;
    }

    boolean hasEvents() {
        return events != null;
    }

    /** Whether the span ended in error (else its status is unset). */
    public boolean error() {
        return error;
    }

    /** The error's description; null for none. */
    public String statusMessage() {
        return statusMessage;
    }

    /**
     * Asks for this span's store row to be held for the request-log row of its request ({@link #takeRow()}) instead
     * of going to the span writer: a request's root, whose row the request log stores as columns of its own.
     * Call before the span ends.
     */
    public void holdRow() {
        if (tracer != null) {
            row = HOLD;
        }
    }

    /**
     * Hands the ended span's store row over when it was asked to be held ({@link #holdRow()}) and is not taken yet;
     * false: the caller stores it as a span row.
     */
    public boolean heldRow(dev.sluice.store.SpanRecord record) {
        return row == HOLD && ROW.compareAndSet(this, HOLD, record);
    }

    /**
     * The store row held for the request log, once; null when there is none (not asked, or the span has not ended:
     * from now on its row goes to the span writer when it ends).
     */
    public dev.sluice.store.SpanRecord takeRow() {
        if (row == null) {
            return null;
        }
        Object held = ROW.getAndSet(this, RELEASED);
        return held instanceof dev.sluice.store.SpanRecord r ? r : null;
    }

    public void updateName(String name) {
        if (writable()) {
            this.name = name;
        }
    }

    /** Sets a string attribute; a null value sets nothing (as OpenTelemetry does). */
    public Span set(String key, String value) {
        if (value != null && writable()) {
            attributes.put(key, value);
        }
        return this;
    }

    public Span set(String key, long value) {
        if (writable()) {
            attributes.put(key, value);
        }
        return this;
    }

    public Span set(String key, double value) {
        if (writable()) {
            attributes.put(key, value);
        }
        return this;
    }

    public Span set(String key, boolean value) {
        if (writable()) {
            attributes.put(key, value);
        }
        return this;
    }

    /** Sets a string-array attribute (copied). */
    public Span set(String key, List<String> values) {
        if (values != null && writable()) {
            attributes.put(key, List.copyOf(values));
        }
        return this;
    }

    /** Records that this span descends from {@code parent}'s local root (set when it starts). */
    void descendFrom(Span parent) {
        localRoot = parent.localRoot != null ? parent.localRoot : parent;
    }

    /**
     * A span that ended before its local root and may be stored in the root's row ({@link dev.sluice.store.StageSpans})
     * is parked with the root; returns false when it is to be stored on its own. Two kinds may: a plain internal span
     * (no attribute but the team, no event, status unset: a pipeline stage's), and a client span with no event and
     * status unset (an upstream attempt), which the root's row keeps only if every attribute it has is one of the
     * root's, with the same value ({@link SpanRows#rows} decides when the root ends, and stores it on its own otherwise).
     */
    boolean parkWithRoot() {
        if (localRoot == null || error || statusMessage != null || events != null) {
            return false;
        }
        if (kind == Kind.CLIENT) {
            // the row's indexed columns come from these attributes; a span carrying one keeps a row of its own
            if (attributes.get(GenAi.SESSION) != null || attributes.get(GenAi.REQUEST_ID) != null
                    || attributes.get(GenAi.END_USER) != null) {
                return false;
            }
        } else if (kind != Kind.INTERNAL || attributes.size() > 1
                || (attributes.size() == 1 && !Tracer.TEAM.equals(attributes.key(0)))) {
            return false;
        }
        return localRoot.park(this);
    }

    private synchronized boolean park(Span descendant) {
        if (parkingClosed) {
            return false;
        }
        if (parked == null) {
            parked = new ArrayList<>(6);
        }
        parked.add(descendant);
        return true;
    }

    /** A local root as it ends: the descendants parked with it (null: none); those ending later are not parked. */
    synchronized List<Span> takeParked() {
        parkingClosed = true;
        List<Span> out = parked;
        parked = null;
        return out;
    }

    /** Inherits the parent's team attribute (the store's team column) when the span starts. */
    void inherit(Span parent) {
        if (parent.attributes != null) {
            Object team = parent.attributes.get(Tracer.TEAM);
            if (team != null) {
                attributes.put(Tracer.TEAM, team);
            }
        }
    }

    public void addEvent(String name, Attributes attributes) {
        if (writable()) {
            if (events == null) {
                events = new ArrayList<>(2);
            }
            events.add(new Event(name, anchor.now(), attributes));
        }
    }

    /** Marks the span failed; a null description is none. */
    public void error(String description) {
        if (writable()) {
            error = true;
            statusMessage = description == null || description.isEmpty() ? null : description;
        }
    }

    /** An {@code exception} event as OpenTelemetry's {@code recordException} writes it: type, message, stack trace. */
    public void recordException(Throwable e) {
        if (writable()) {
            Attributes a = new Attributes();
            a.put("exception.type", e.getClass().getCanonicalName());
            if (e.getMessage() != null) {
                a.put("exception.message", e.getMessage());
            }
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            a.put("exception.stacktrace", trace.toString());
            addEvent("exception", a);
        }
    }

    /** Ends the span (once; later calls and attributes are ignored) and hands it to the tracer's sink. */
    public void end() {
        if (writable()) {
            endNanos = anchor.now();
            ended = true;
            tracer.ended(this);
        }
    }

    /** Makes this the current span of the thread until the scope closes. */
    public Tracer.Scope makeCurrent() {
        return Tracer.makeCurrent(this);
    }

    private boolean writable() {
        return tracer != null && !ended;
    }

    /**
     * A span's attributes: few (at most a few dozen), set one by one, a key set again replaces
     * its value where it was. Kept in the order first set, as OpenTelemetry's span keeps them (an
     * event's are {@link #sorted} by key, as OpenTelemetry's attribute builder keeps them), so
     * stored JSON and the OTLP export list them as before.
     */
    public static final class Attributes {
        /** Keys at even indexes, each one's value after it. */
        private Object[] entries;
        private int size;

        public Attributes() {
            this(4);
        }

        /** @param expected how many attributes the span usually gets (it grows past that) */
        Attributes(int expected) {
            entries = new Object[2 * expected];
        }

        /** Of string values (an event's). */
        public static Attributes of(Map<String, ?> values) {
            Attributes a = new Attributes();
            values.forEach(a::put);
            return a;
        }

        /** Sets a value (a null one sets nothing, as OpenTelemetry's builder does). */
        public Attributes put(String key, Object value) {
            if (value == null) {
                return this;
            }
            for (int i = 0; i < 2 * size; i += 2) {
                if (entries[i].equals(key)) {
                    entries[i + 1] = value;
                    return this;
                }
            }
            if (2 * size == entries.length) {
                entries = java.util.Arrays.copyOf(entries, Math.max(4, entries.length * 2));
            }
            entries[2 * size] = key;
            entries[2 * size + 1] = value;
            size++;
            return this;
        }

        public Object get(String key) {
            for (int i = 0; i < 2 * size; i += 2) {
                if (entries[i].equals(key)) {
                    return entries[i + 1];
                }
            }
            return null;
        }

        public int size() {
            return size;
        }

        public boolean isEmpty() {
            return size == 0;
        }

        /** Sorts the attributes by key (an insertion sort: they are few) and returns this. */
        public Attributes sorted() {
            for (int i = 1; i < size; i++) {
                Object k = entries[2 * i];
                Object v = entries[2 * i + 1];
                int j = i - 1;
                while (j >= 0 && ((String) entries[2 * j]).compareTo((String) k) > 0) {
                    entries[2 * j + 2] = entries[2 * j];
                    entries[2 * j + 3] = entries[2 * j + 1];
                    j--;
                }
                entries[2 * j + 2] = k;
                entries[2 * j + 3] = v;
            }
            return this;
        }

        public String key(int i) {
            return (String) entries[2 * i];
        }

        /** A String, Long, Double, Boolean or List of String. */
        public Object value(int i) {
            return entries[2 * i + 1];
        }
    }
}
