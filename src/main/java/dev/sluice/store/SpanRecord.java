package dev.sluice.store;

/**
 * One stored span (OpenTelemetry's model, flattened for the store).
 *
 * @param kind       internal, server, client, producer or consumer
 * @param status     unset, ok or error
 * @param attributes JSON object
 * @param events     JSON array of {@code {name, time_ns, attributes}}
 * @param team       the team the span belongs to (the sending key's, or the gateway caller's); null for none
 */
public record SpanRecord(String traceId, String spanId, String parentSpanId, String name, String kind, long startNanos,
                         long endNanos, String status, String statusMessage, String service, String sessionId,
                         String requestId, String endUser, String attributes, String events, String team) {}
