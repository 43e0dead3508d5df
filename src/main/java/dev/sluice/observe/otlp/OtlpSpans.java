package dev.sluice.observe.otlp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import dev.sluice.api.Json;
import dev.sluice.store.SpanRecord;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns an OTLP export request into stored spans. The service comes from the resource's
 * {@code service.name} ({@code unknown_service} without one), the session from the span's
 * {@code session.id} (else the resource's), the end user from {@code enduser.id}, the request id
 * from {@code sluice.request_id}; the instrumentation scope is kept as {@code otel.scope.name} and
 * {@code otel.scope.version}. Every span is stamped with the sending key's {@code sluice.key.id}
 * and {@code sluice.team}, overwriting whatever the client put there (with auth off the client's
 * values are removed); the team is also the record's {@code team} column, which is what
 * team-limited readers compare (exactly), so no attribute text can move a span to another team.
 *
 * <p>A span that cannot be stored (a missing or zero trace or span id, no start time, an end before
 * its start, a start or end more than {@link #MAX_FUTURE_NANOS five minutes} after the gateway's
 * clock) is rejected on its own and counted in the partial-success answer; the rest are stored. A
 * span from the future would sit at the top of every newest-first list and outlive retention, so it
 * is refused rather than clamped: clamping would invent a time the client never measured.
 */
public final class OtlpSpans {
    public static final String KEY_ATTRIBUTE = "sluice.key.id";
    public static final String TEAM_ATTRIBUTE = "sluice.team";
    private static final HexFormat HEX = HexFormat.of();
    private static final String[] KINDS = {"internal", "internal", "server", "client", "producer", "consumer"};
    private static final String[] STATUSES = {"unset", "ok", "error"};
    /** How far ahead of the gateway's clock a span may start or end (clock skew between hosts). */
    public static final long MAX_FUTURE_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

    /** Who sent the spans: the virtual key's id and team (either may be null). */
    public record Sender(String keyId, String team) {}

    /**
     * @param rejected     spans refused one by one
     * @param errorMessage why (the first few reasons), or null when nothing was rejected
     */
    public record Result(List<SpanRecord> spans, long rejected, String errorMessage) {}

    private OtlpSpans() {}

    /** @param nowNanos the gateway's clock (epoch nanoseconds): spans later than this plus {@link #MAX_FUTURE_NANOS} are rejected */
    public static Result convert(ExportTraceServiceRequest request, Sender sender, long nowNanos) {
        List<SpanRecord> out = new ArrayList<>();
        long rejected = 0;
        List<String> reasons = new ArrayList<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            String service = "unknown_service";
            String resourceSession = null;
            for (KeyValue kv : rs.getResource().getAttributesList()) {
                if (kv.getKey().equals("service.name") && kv.getValue().hasStringValue() && !kv.getValue().getStringValue().isBlank()) {
                    service = kv.getValue().getStringValue();
                } else if (kv.getKey().equals("session.id") && kv.getValue().hasStringValue()) {
                    resourceSession = kv.getValue().getStringValue();
                }
            }
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) {
                    String problem = problem(span, nowNanos);
                    if (problem != null) {
                        rejected++;
                        if (reasons.size() < 5) {
                            reasons.add(problem);
                        }
                        continue;
                    }
                    out.add(record(span, service, resourceSession, ss, sender));
                }
            }
        }
        String message = rejected == 0 ? null
                : rejected + " span(s) rejected: " + String.join("; ", reasons) + (rejected > reasons.size() ? "; ..." : "");
        return new Result(out, rejected, message);
    }

    /** Why a span cannot be stored, or null when it can. */
    static String problem(Span span, long nowNanos) {
        String name = span.getName().isEmpty() ? "a span" : "span '" + abbreviate(span.getName()) + "'";
        if (!validId(span.getTraceId(), 16)) {
            return name + " has no valid trace id (16 bytes, not all zero)";
        }
        if (!validId(span.getSpanId(), 8)) {
            return name + " has no valid span id (8 bytes, not all zero)";
        }
        if (!span.getParentSpanId().isEmpty() && span.getParentSpanId().size() != 8) {
            return name + " has a parent span id that is not 8 bytes";
        }
        if (span.getStartTimeUnixNano() == 0) {
            return name + " has no start time";
        }
        if (Long.compareUnsigned(span.getEndTimeUnixNano(), span.getStartTimeUnixNano()) < 0) {
            return name + " ends before it starts";
        }
        if (span.getStartTimeUnixNano() < 0 || span.getEndTimeUnixNano() < 0) {
            return name + " has a time beyond the year 2262";
        }
        long latest = nowNanos + MAX_FUTURE_NANOS;
        if (span.getStartTimeUnixNano() > latest || span.getEndTimeUnixNano() > latest) {
            return name + " starts or ends more than 5 minutes in the future (check the sender's clock)";
        }
        return null;
    }

    private static boolean validId(ByteString id, int length) {
        if (id.size() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (id.byteAt(i) != 0) {
                return true;
            }
        }
        return false;
    }

    private static SpanRecord record(Span span, String service, String resourceSession, ScopeSpans ss, Sender sender) {
        String session = resourceSession;
        String endUser = null;
        String requestId = null;
        for (KeyValue kv : span.getAttributesList()) {
            switch (kv.getKey()) {
                case "session.id" -> session = kv.getValue().hasStringValue() ? kv.getValue().getStringValue() : session;
                case "enduser.id" -> endUser = kv.getValue().hasStringValue() ? kv.getValue().getStringValue() : null;
                case "sluice.request_id" -> requestId = kv.getValue().hasStringValue() ? kv.getValue().getStringValue() : null;
                default -> { }
            }
        }
        String parent = span.getParentSpanId().isEmpty() || !validId(span.getParentSpanId(), 8) ? null
                : HEX.formatHex(span.getParentSpanId().toByteArray());
        int kind = span.getKindValue();
        int status = span.getStatus().getCodeValue();
        String statusMessage = span.getStatus().getMessage().isEmpty() ? null : span.getStatus().getMessage();
        return new SpanRecord(HEX.formatHex(span.getTraceId().toByteArray()), HEX.formatHex(span.getSpanId().toByteArray()),
                parent, span.getName(), kind >= 0 && kind < KINDS.length ? KINDS[kind] : "internal",
                span.getStartTimeUnixNano(), span.getEndTimeUnixNano(),
                status >= 0 && status < STATUSES.length ? STATUSES[status] : "unset", statusMessage, service, session,
                requestId, endUser, attributes(span.getAttributesList(), ss, sender), events(span), sender.team());
    }

    private static String attributes(List<KeyValue> attributes, ScopeSpans ss, Sender sender) {
        return new String(Json.write(gen -> {
            gen.writeStartObject();
            for (KeyValue kv : attributes) {
                if (kv.getKey().equals(KEY_ATTRIBUTE) || kv.getKey().equals(TEAM_ATTRIBUTE)) {
                    continue;
                }
                gen.writeFieldName(kv.getKey());
                value(gen, kv.getValue());
            }
            if (!ss.getScope().getName().isEmpty()) {
                gen.writeStringField("otel.scope.name", ss.getScope().getName());
            }
            if (!ss.getScope().getVersion().isEmpty()) {
                gen.writeStringField("otel.scope.version", ss.getScope().getVersion());
            }
            if (sender.keyId() != null) {
                gen.writeStringField(KEY_ATTRIBUTE, sender.keyId());
            }
            if (sender.team() != null) {
                gen.writeStringField(TEAM_ATTRIBUTE, sender.team());
            }
            gen.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    private static String events(Span span) {
        if (span.getEventsCount() == 0) {
            return null;
        }
        return new String(Json.write(gen -> {
            gen.writeStartArray();
            for (Span.Event e : span.getEventsList()) {
                gen.writeStartObject();
                gen.writeStringField("name", e.getName());
                gen.writeNumberField("time_ns", e.getTimeUnixNano());
                if (e.getAttributesCount() > 0) {
                    gen.writeObjectFieldStart("attributes");
                    for (KeyValue kv : e.getAttributesList()) {
                        gen.writeFieldName(kv.getKey());
                        value(gen, kv.getValue());
                    }
                    gen.writeEndObject();
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }), StandardCharsets.UTF_8);
    }

    /** An attribute value as plain JSON: string, boolean, number, array, object; bytes as base64. */
    private static void value(JsonGenerator gen, AnyValue v) throws IOException {
        switch (v.getValueCase()) {
            case STRING_VALUE -> gen.writeString(v.getStringValue());
            case BOOL_VALUE -> gen.writeBoolean(v.getBoolValue());
            case INT_VALUE -> gen.writeNumber(v.getIntValue());
            case DOUBLE_VALUE -> {
                double d = v.getDoubleValue();
                if (Double.isFinite(d)) {
                    gen.writeNumber(d);
                } else {
                    gen.writeString(Double.toString(d));
                }
            }
            case ARRAY_VALUE -> {
                gen.writeStartArray();
                for (AnyValue item : v.getArrayValue().getValuesList()) {
                    value(gen, item);
                }
                gen.writeEndArray();
            }
            case KVLIST_VALUE -> {
                gen.writeStartObject();
                for (KeyValue kv : v.getKvlistValue().getValuesList()) {
                    gen.writeFieldName(kv.getKey());
                    value(gen, kv.getValue());
                }
                gen.writeEndObject();
            }
            case BYTES_VALUE -> gen.writeString(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            default -> gen.writeNull();
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
