package dev.sluice.store;

/**
 * One stored span (OpenTelemetry's model, flattened for the store).
 *
 * @param kind       internal, server, client, producer or consumer
 * @param status     unset, ok or error
 * @param attributes JSON object
 * @param events     JSON array of {@code {name, time_ns, attributes}}
 * @param team       the team the span belongs to (the sending key's, or the gateway caller's); null for none
 * @param stages     a gateway root only: its plain internal descendants (the pipeline's stage spans) stored in the
 *                   root's row ({@link StageSpans}); null for none. Readers never see it: {@link StageSpans#expand}
 *                   turns it back into the spans it stands for.
 */
public record SpanRecord(String traceId, String spanId, String parentSpanId, String name, String kind, long startNanos,
                         long endNanos, String status, String statusMessage, String service, String sessionId,
                         String requestId, String endUser, String attributes, String events, String team,
                         String stages) {

    /** A span stored as its own row (no stages folded into it). */
    public SpanRecord(String traceId, String spanId, String parentSpanId, String name, String kind, long startNanos,
                      long endNanos, String status, String statusMessage, String service, String sessionId,
                      String requestId, String endUser, String attributes, String events, String team) {
        this(traceId, spanId, parentSpanId, name, kind, startNanos, endNanos, status, statusMessage, service, sessionId,
                requestId, endUser, attributes, events, team, null);
    }
}
