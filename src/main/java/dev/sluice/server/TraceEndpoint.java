package dev.sluice.server;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Caller;
import dev.sluice.observe.otlp.IngestGate;
import dev.sluice.observe.otlp.OtlpException;
import dev.sluice.observe.otlp.OtlpJson;
import dev.sluice.observe.otlp.OtlpSpans;
import dev.sluice.observe.otlp.SpanCount;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.SpanReader;
import dev.sluice.store.SpanRecord;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * {@code POST /v1/traces}: OTLP/HTTP trace ingest, protobuf ({@code application/x-protobuf}) or
 * JSON ({@code application/json}), optionally gzip-compressed. Applications send their own spans
 * (retrieval, reranking, tool calls, agent steps); they are stored with the gateway's, so a RAG or
 * agent request reads back as one tree.
 *
 * <p>Authenticated with a virtual key (none when auth is off); the request rate limits and budgets do
 * not apply, the body size limit does (before and after inflating), and so do the ingest limits
 * ({@link IngestGate}): a protobuf body's spans are counted on the wire before anything is decoded
 * (OTLP/JSON ones right after parsing), so an oversized batch, a key over its spans per minute or a
 * full span queue costs no decoding. Answers follow OTLP/HTTP: 200 with an empty
 * {@code ExportTraceServiceResponse} (or one with {@code partial_success} when single spans were
 * rejected), and errors as a {@code google.rpc.Status} in the request's encoding: 400 malformed,
 * 401, 403 when a span would join a trace that already holds spans of another team and none of the
 * key's (checked against the stored spans), 413 (body or span count too large), 415, 429 with
 * {@code Retry-After} (the key's spans per minute), 503 with {@code Retry-After} when the span queue
 * is full or every decode slot is busy (nothing was stored then, so the client's retry loses nothing).
 */
public final class TraceEndpoint implements Endpoints {
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";
    // google.rpc.Code values
    private static final int INVALID_ARGUMENT = 3;
    private static final int PERMISSION_DENIED = 7;
    private static final int RESOURCE_EXHAUSTED = 8;
    private static final int UNAVAILABLE = 14;
    private static final int UNAUTHENTICATED = 16;

    private final Guard<Caller> callers;
    private final BatchWriter<SpanRecord> spans;
    private final long maxBodyBytes;
    private final java.time.Clock clock;
    private final IngestGate gate;
    private final SpanReader traces;

    /**
     * @param callers resolves the virtual key the spans are stamped with
     * @param clock   bounds span times: spans from more than five minutes in the future are rejected
     * @param gate    spans per request and per key per minute, and how many requests decode at once
     * @param traces  who owns the traces spans are added to
     */
    public TraceEndpoint(Guard<Caller> callers, BatchWriter<SpanRecord> spans, long maxBodyBytes, java.time.Clock clock,
                         IngestGate gate, SpanReader traces) {
        this.traces = traces;
        this.clock = clock;
        this.gate = gate;
        this.callers = callers;
        this.spans = spans;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.drained().guardedBy(callers).post("/v1/traces", this::ingest);
    }

    private void ingest(HttpCall call) {
        String contentType = mediaType(call.header("content-type"));
        boolean json = contentType.equals(JSON);
        if (!json && !contentType.equals(PROTOBUF)) {
            // the encoding is unknown, so the answer is JSON
            fail(call, true, 415, INVALID_ARGUMENT, "Unsupported content type '" + contentType + "'. Send OTLP/HTTP as "
                    + PROTOBUF + " or " + JSON + ".");
            return;
        }
        OtlpSpans.Sender sender;
        try {
            sender = authenticate(call);
        } catch (SluiceException e) {
            fail(call, json, 401, UNAUTHENTICATED, e.getMessage());
            return;
        }
        byte[] body;
        try {
            // a gzip body arrives inflated (GzipDecoding), bounded by the same limit
            body = call.body(maxBodyBytes);
        } catch (SluiceException e) {
            fail(call, json, e.status(), e.status() == 413 ? RESOURCE_EXHAUSTED : INVALID_ARGUMENT, e.getMessage());
            return;
        }
        long count;
        if (!json) {
            // counted on the wire, before anything is decoded: the limits refuse without spending memory
            try {
                count = SpanCount.protobuf(body, gate.maxSpans());
            } catch (InvalidProtocolBufferException e) {
                fail(call, false, 400, INVALID_ARGUMENT, "Malformed OTLP protobuf: " + e.getMessage()
                        + " The body must be an ExportTraceServiceRequest.");
                return;
            }
            if (!admit(call, false, sender, count)) {
                return;
            }
        }
        if (!gate.enterDecode()) {
            call.header(HttpIo.RETRY_AFTER, "1");
            fail(call, json, 503, UNAVAILABLE, "Too many trace exports are being decoded right now; nothing from this"
                    + " request was stored. Retry shortly.");
            return;
        }
        OtlpSpans.Result result;
        try {
            ExportTraceServiceRequest request;
            try {
                request = json ? OtlpJson.read(body) : ExportTraceServiceRequest.parseFrom(body);
            } catch (OtlpException e) {
                fail(call, json, 400, INVALID_ARGUMENT, "Malformed OTLP/JSON: " + e.getMessage());
                return;
            } catch (InvalidProtocolBufferException e) {
                fail(call, json, 400, INVALID_ARGUMENT, "Malformed OTLP protobuf: " + e.getMessage()
                        + " The body must be an ExportTraceServiceRequest.");
                return;
            }
            body = null; // decoded: let the bytes go before the conversion allocates
            if (json && !admit(call, true, sender, SpanCount.of(request))) {
                return;
            }
            result = OtlpSpans.convert(request, sender, nowNanos());
        } finally {
            gate.leaveDecode();
        }
        if (spans.remainingCapacity() < result.spans().size()) {
            queueFull(call, json);
            return;
        }
        java.util.Set<String> foreign = traces.ownedByOthers(
                result.spans().stream().map(SpanRecord::traceId).toList(), sender.team());
        if (!foreign.isEmpty()) {
            fail(call, json, 403, PERMISSION_DENIED, "Trace " + foreign.iterator().next() + (foreign.size() > 1
                    ? " (and " + (foreign.size() - 1) + " more)" : "") + " already holds spans of another team, and none"
                    + " of this key's team; a key may add spans only to its own team's traces. Nothing from this"
                    + " request was stored.");
            return;
        }
        for (SpanRecord span : result.spans()) {
            spans.offer(span);
        }
        ExportTraceServiceResponse.Builder answer = ExportTraceServiceResponse.newBuilder();
        if (result.rejected() > 0) {
            answer.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(result.rejected()).setErrorMessage(result.errorMessage()));
        }
        if (json) {
            call.send(200, JSON, Json.write(gen -> {
                gen.writeStartObject();
                if (result.rejected() > 0) {
                    gen.writeObjectFieldStart("partialSuccess");
                    gen.writeStringField("rejectedSpans", Long.toString(result.rejected()));
                    gen.writeStringField("errorMessage", result.errorMessage());
                    gen.writeEndObject();
                }
                gen.writeEndObject();
            }));
        } else {
            call.send(200, PROTOBUF, answer.build().toByteArray());
        }
    }

    private long nowNanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Whether a request of {@code count} spans may be decoded: under the per-request cap (else 413),
     * room in the span queue (else 503) and within the key's spans per minute (else 429). The
     * answer is sent when it may not.
     */
    private boolean admit(HttpCall call, boolean json, OtlpSpans.Sender sender, long count) {
        if (count > gate.maxSpans()) {
            fail(call, json, 413, RESOURCE_EXHAUSTED, "This export request has more than " + gate.maxSpans()
                    + " spans (tracing.ingest_max_spans); nothing was stored. Send smaller batches"
                    + " (e.g. the SDK's OTEL_BSP_MAX_EXPORT_BATCH_SIZE).");
            return false;
        }
        if (spans.remainingCapacity() < count) {
            queueFull(call, json);
            return false;
        }
        long wait = gate.take(sender.keyId(), count);
        if (wait > 0) {
            call.header(HttpIo.RETRY_AFTER, Long.toString(wait));
            fail(call, json, 429, RESOURCE_EXHAUSTED, "This key sent more spans than it may per minute"
                    + " (tracing.ingest_spans_per_minute); nothing from this request was stored. Retry after "
                    + wait + " s.");
            return false;
        }
        return true;
    }

    private static void queueFull(HttpCall call, boolean json) {
        call.header(HttpIo.RETRY_AFTER, "1");
        fail(call, json, 503, UNAVAILABLE, "The span queue is full; nothing from this request was stored. Retry shortly.");
    }

    /** The key and team the spans are stamped with (none when auth is off). */
    private OtlpSpans.Sender authenticate(HttpCall call) {
        Caller caller = call.context().principal(callers);
        return new OtlpSpans.Sender(caller.keyId(), caller.team());
    }

    /** The media type of a Content-Type header without its parameters, lower case ("" when absent). */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /** An OTLP error: a google.rpc.Status (code, message) in the request's encoding. */
    private static void fail(HttpCall call, boolean json, int httpStatus, int rpcCode, String message) {
        if (json) {
            call.send(httpStatus, JSON, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeNumberField("code", rpcCode);
                gen.writeStringField("message", message);
                gen.writeEndObject();
            }));
            return;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, rpcCode);
            out.writeString(2, message);
            out.flush();
            call.send(httpStatus, PROTOBUF, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
