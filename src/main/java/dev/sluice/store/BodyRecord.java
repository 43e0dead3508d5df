package dev.sluice.store;

/**
 * One captured request/response pair (table {@code bodies}), already redacted.
 *
 * @param timestamp epoch milliseconds of the request's start
 * @param team      the calling key's team (null for a key without one, or a request refused before auth)
 * @param request   JSON text: the request as the client sent it (or its content-free shape)
 * @param response  JSON text: the answer, a streamed answer assembled, or the error
 * @param uid       the gateway's id of the request (its request-log row's uid), the key of the stored
 *                  body; {@code requestId} may be the client's {@code x-request-id}, which any team may send
 */
public record BodyRecord(String requestId, long timestamp, String endUser, String team, String request, String response,
                         String uid) {
    public BodyRecord {
        if (uid == null) {
            // a record spilled by an older version: a stable key, so replaying it twice stores it once
            uid = "legacy-" + timestamp + "-" + requestId;
        }
    }
}
