package dev.sluice.store;

/**
 * One captured request/response pair (table {@code bodies}), already redacted.
 *
 * @param timestamp epoch milliseconds of the request's start
 * @param request   JSON text: the request as the client sent it (or its content-free shape)
 * @param response  JSON text: the answer, a streamed answer assembled, or the error
 */
public record BodyRecord(String requestId, long timestamp, String endUser, String request, String response) {}
