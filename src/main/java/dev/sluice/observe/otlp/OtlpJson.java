package dev.sluice.observe.otlp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Reads OTLP/JSON into the generated protobuf classes. Protobuf's own {@code JsonFormat} does not
 * fit: OTLP/JSON writes trace and span ids as hex (not base64) and enums as integers. This reader
 * follows the OTLP specification: lowerCamelCase field names (snake_case accepted too), hex ids,
 * integer enums (their names accepted too), 64-bit integers as strings or numbers, unknown fields
 * ignored. An id sent in base64 (what generic protobuf JSON encoders produce) is refused with a
 * message saying so.
 */
public final class OtlpJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        MAPPER.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    private OtlpJson() {}

    public static ExportTraceServiceRequest read(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new OtlpException("The body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new OtlpException("The body cannot be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new OtlpException("An OTLP/JSON export request is a JSON object with a resourceSpans array.");
        }
        ExportTraceServiceRequest.Builder out = ExportTraceServiceRequest.newBuilder();
        for (JsonNode rs : array(root, "resourceSpans", "resource_spans")) {
            out.addResourceSpans(resourceSpans(rs));
        }
        return out.build();
    }

    private static ResourceSpans resourceSpans(JsonNode node) {
        ResourceSpans.Builder b = ResourceSpans.newBuilder();
        JsonNode resource = field(node, "resource", "resource");
        if (resource.isObject()) {
            Resource.Builder r = Resource.newBuilder();
            for (JsonNode kv : array(resource, "attributes", "attributes")) {
                r.addAttributes(keyValue(kv));
            }
            b.setResource(r);
        }
        for (JsonNode ss : array(node, "scopeSpans", "scope_spans")) {
            b.addScopeSpans(scopeSpans(ss));
        }
        b.setSchemaUrl(text(node, "schemaUrl", "schema_url"));
        return b.build();
    }

    private static ScopeSpans scopeSpans(JsonNode node) {
        ScopeSpans.Builder b = ScopeSpans.newBuilder();
        JsonNode scope = field(node, "scope", "scope");
        if (scope.isObject()) {
            InstrumentationScope.Builder s = InstrumentationScope.newBuilder()
                    .setName(text(scope, "name", "name")).setVersion(text(scope, "version", "version"));
            for (JsonNode kv : array(scope, "attributes", "attributes")) {
                s.addAttributes(keyValue(kv));
            }
            b.setScope(s);
        }
        for (JsonNode span : array(node, "spans", "spans")) {
            b.addSpans(span(span));
        }
        return b.build();
    }

    private static Span span(JsonNode node) {
        if (!node.isObject()) {
            throw new OtlpException("Each entry of spans must be a JSON object.");
        }
        Span.Builder b = Span.newBuilder()
                .setTraceId(id(node, "traceId", "trace_id"))
                .setSpanId(id(node, "spanId", "span_id"))
                .setParentSpanId(id(node, "parentSpanId", "parent_span_id"))
                .setTraceState(text(node, "traceState", "trace_state"))
                .setName(text(node, "name", "name"))
                .setKindValue((int) enumValue(node, "kind", "kind", "SPAN_KIND_"))
                .setStartTimeUnixNano(int64(node, "startTimeUnixNano", "start_time_unix_nano"))
                .setEndTimeUnixNano(int64(node, "endTimeUnixNano", "end_time_unix_nano"))
                .setFlags((int) int64(node, "flags", "flags"));
        for (JsonNode kv : array(node, "attributes", "attributes")) {
            b.addAttributes(keyValue(kv));
        }
        for (JsonNode e : array(node, "events", "events")) {
            Span.Event.Builder ev = Span.Event.newBuilder()
                    .setName(text(e, "name", "name"))
                    .setTimeUnixNano(int64(e, "timeUnixNano", "time_unix_nano"));
            for (JsonNode kv : array(e, "attributes", "attributes")) {
                ev.addAttributes(keyValue(kv));
            }
            b.addEvents(ev);
        }
        for (JsonNode l : array(node, "links", "links")) {
            Span.Link.Builder link = Span.Link.newBuilder()
                    .setTraceId(id(l, "traceId", "trace_id"))
                    .setSpanId(id(l, "spanId", "span_id"));
            for (JsonNode kv : array(l, "attributes", "attributes")) {
                link.addAttributes(keyValue(kv));
            }
            b.addLinks(link);
        }
        JsonNode status = field(node, "status", "status");
        if (status.isObject()) {
            b.setStatus(Status.newBuilder()
                    .setCodeValue((int) enumValue(status, "code", "code", "STATUS_CODE_"))
                    .setMessage(text(status, "message", "message")));
        }
        return b.build();
    }

    private static KeyValue keyValue(JsonNode node) {
        if (!node.isObject() || !field(node, "key", "key").isTextual()) {
            throw new OtlpException("Each attribute must be an object {\"key\": \"...\", \"value\": {...}}.");
        }
        return KeyValue.newBuilder().setKey(node.get("key").asText()).setValue(anyValue(field(node, "value", "value"), 0)).build();
    }

    private static AnyValue anyValue(JsonNode node, int depth) {
        AnyValue.Builder b = AnyValue.newBuilder();
        if (node.isMissingNode() || node.isNull()) {
            return b.build();
        }
        if (!node.isObject()) {
            throw new OtlpException("An attribute value must be an AnyValue object such as {\"stringValue\": \"x\"}.");
        }
        if (depth > 16) {
            throw new OtlpException("Attribute values are nested too deeply (more than 16 levels).");
        }
        JsonNode v;
        if (!(v = field(node, "stringValue", "string_value")).isMissingNode()) {
            b.setStringValue(v.asText());
        } else if (!(v = field(node, "boolValue", "bool_value")).isMissingNode()) {
            if (!v.isBoolean()) {
                throw new OtlpException("boolValue must be true or false.");
            }
            b.setBoolValue(v.booleanValue());
        } else if (!(v = field(node, "intValue", "int_value")).isMissingNode()) {
            b.setIntValue(int64(v, "intValue"));
        } else if (!(v = field(node, "doubleValue", "double_value")).isMissingNode()) {
            b.setDoubleValue(doubleValue(v));
        } else if (!(v = field(node, "arrayValue", "array_value")).isMissingNode()) {
            ArrayValue.Builder array = ArrayValue.newBuilder();
            for (JsonNode item : array(v, "values", "values")) {
                array.addValues(anyValue(item, depth + 1));
            }
            b.setArrayValue(array);
        } else if (!(v = field(node, "kvlistValue", "kvlist_value")).isMissingNode()) {
            KeyValueList.Builder list = KeyValueList.newBuilder();
            for (JsonNode kv : array(v, "values", "values")) {
                if (!kv.isObject() || !kv.path("key").isTextual()) {
                    throw new OtlpException("Each entry of kvlistValue.values must be {\"key\": ..., \"value\": ...}.");
                }
                list.addValues(KeyValue.newBuilder().setKey(kv.get("key").asText()).setValue(anyValue(kv.path("value"), depth + 1)));
            }
            b.setKvlistValue(list);
        } else if (!(v = field(node, "bytesValue", "bytes_value")).isMissingNode()) {
            try {
                b.setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(v.asText())));
            } catch (IllegalArgumentException e) {
                throw new OtlpException("bytesValue must be base64.");
            }
        }
        return b.build();
    }

    /** A trace or span id: hex in OTLP/JSON; an empty string or a missing field is an empty id. */
    private static ByteString id(JsonNode node, String camel, String snake) {
        JsonNode v = field(node, camel, snake);
        if (v.isMissingNode() || v.isNull()) {
            return ByteString.EMPTY;
        }
        String s = v.asText();
        if (s.isEmpty()) {
            return ByteString.EMPTY;
        }
        try {
            return ByteString.copyFrom(HEX.parseHex(s));
        } catch (IllegalArgumentException notHex) {
            if (looksBase64(s)) {
                throw new OtlpException(camel + " '" + s + "' looks base64-encoded; OTLP/JSON carries trace and span ids"
                        + " as hex strings (e.g. \"5b8efff798038103d269b633813fc60c\"), unlike protobuf's generic JSON mapping.");
            }
            throw new OtlpException(camel + " '" + abbreviate(s) + "' is not a hex string.");
        }
    }

    private static boolean looksBase64(String s) {
        if (!s.matches("[A-Za-z0-9+/_-]+={0,2}")) {
            return false;
        }
        try {
            int n = Base64.getMimeDecoder().decode(s).length;
            return n == 8 || n == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long enumValue(JsonNode node, String camel, String snake, String prefix) {
        JsonNode v = field(node, camel, snake);
        if (v.isMissingNode() || v.isNull()) {
            return 0;
        }
        if (v.isTextual() && !v.asText().isEmpty() && !Character.isDigit(v.asText().charAt(0))) {
            String name = v.asText();
            return switch (prefix + name.replace(prefix, "")) {
                case "SPAN_KIND_UNSPECIFIED", "STATUS_CODE_UNSET" -> 0;
                case "SPAN_KIND_INTERNAL", "STATUS_CODE_OK" -> 1;
                case "SPAN_KIND_SERVER", "STATUS_CODE_ERROR" -> 2;
                case "SPAN_KIND_CLIENT" -> 3;
                case "SPAN_KIND_PRODUCER" -> 4;
                case "SPAN_KIND_CONSUMER" -> 5;
                default -> throw new OtlpException(camel + " '" + abbreviate(name) + "' is not a known value.");
            };
        }
        return int64(v, camel);
    }

    private static long int64(JsonNode node, String camel, String snake) {
        JsonNode v = field(node, camel, snake);
        return v.isMissingNode() || v.isNull() ? 0 : int64(v, camel);
    }

    /** A 64-bit integer: a JSON number or a decimal string (proto3 JSON writes int64 as strings). */
    private static long int64(JsonNode v, String name) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText());
            } catch (NumberFormatException e) {
                try {
                    return Long.parseUnsignedLong(v.asText());
                } catch (NumberFormatException e2) {
                    // fall through to the error
                }
            }
        }
        throw new OtlpException(name + " must be an integer (a JSON number or a decimal string), not " + abbreviate(v.toString()) + ".");
    }

    private static double doubleValue(JsonNode v) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            switch (v.asText()) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                    try {
                        return Double.parseDouble(v.asText());
                    } catch (NumberFormatException e) {
                        // fall through
                    }
                }
            }
        }
        throw new OtlpException("doubleValue must be a number.");
    }

    private static Iterable<JsonNode> array(JsonNode node, String camel, String snake) {
        JsonNode v = field(node, camel, snake);
        if (v.isMissingNode() || v.isNull()) {
            return java.util.List.of();
        }
        if (!v.isArray()) {
            throw new OtlpException(camel + " must be an array.");
        }
        return v;
    }

    private static String text(JsonNode node, String camel, String snake) {
        JsonNode v = field(node, camel, snake);
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new OtlpException(camel + " must be a string.");
        }
        return v.asText();
    }

    private static JsonNode field(JsonNode node, String camel, String snake) {
        JsonNode v = node.path(camel);
        return v.isMissingNode() ? node.path(snake) : v;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
