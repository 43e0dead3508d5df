package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import io.helidon.http.Header;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every simulated provider endpoint does before it answers: read and record the request,
 * resolve its faults, hang if asked, and fail it whole if the dice say so (an injected failure
 * never sends a partial answer). Errors from {@link #serve} that are {@link SluiceException}s
 * become the provider's error body.
 */
abstract class SimEndpoint implements Handler {
    private static final byte[] NO_BODY = new byte[0];

    protected final SimContext sim;
    protected final Dialect dialect;

    SimEndpoint(SimContext sim, Dialect dialect) {
        this.sim = sim;
        this.dialect = dialect;
    }

    /** One received request: its raw body, the body as JSON (null when it is not JSON) and its faults. */
    record Received(ServerRequest http, byte[] body, JsonNode json, Faults faults) {

        /** The JSON body, or the client's 400 explaining why it is not JSON. */
        JsonNode jsonOrFail() {
            return json != null ? json : Json.parse(body);
        }
    }

    @Override
    public final void handle(ServerRequest req, ServerResponse res) {
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : NO_BODY;
        JsonNode json = parseQuietly(body);
        record(req, millis, nanos, json, sim.log());
        res.header(dialect.requestIdHeader(), sim.ids().next("req_", 24));
        try {
            Faults faults = Faults.resolve(req.headers(), sim.options(), sim.dice());
            Pacing.sleep(faults.hang());
            if (faults.fail()) {
                dialect.sendError(res, dialect.injected(faults.errorStatus(), faults.retryAfter()));
                return;
            }
            serve(new Received(req, body, json, faults), res);
        } catch (SluiceException e) {
            dialect.sendError(res, e);
        }
    }

    /**
     * Answers a request that passed fault injection. Validation failures are thrown as
     * {@link SluiceException}s before anything is written.
     */
    protected abstract void serve(Received received, ServerResponse res);

    static void record(ServerRequest req, long millis, long nanos, JsonNode json, RequestLog log) {
        if (!log.enabled()) {
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : req.headers()) {
            headers.merge(h.headerName().lowerCase(), h.values(), (a, b) -> a + ", " + b);
        }
        String query = req.query().rawValue();
        log.add(new RecordedRequest(millis, nanos, req.prologue().method().text(), req.path().rawPath(), headers,
                json, query == null || query.isEmpty() ? null : query));
    }

    private static JsonNode parseQuietly(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node == null || node.isMissingNode() ? null : node;
        } catch (java.io.IOException notJson) {
            return null;
        }
    }
}
