package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.server.HttpHandler;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every simulated provider endpoint does before it answers: read and record the request,
 * resolve its faults, hang if asked, and fail it whole if the dice say so (an injected failure
 * never sends a partial answer). Errors from {@link #serve} that are {@link SluiceException}s
 * become the provider's error body.
 */
abstract class SimEndpoint implements HttpHandler {
    /** The largest request body the simulator reads (far above any provider's limit). */
    static final long BODY_LIMIT = 512L * 1024 * 1024;

    protected final SimContext sim;
    protected final Dialect dialect;

    SimEndpoint(SimContext sim, Dialect dialect) {
        this.sim = sim;
        this.dialect = dialect;
    }

    /** One received request: its raw body, the body as JSON (null when it is not JSON) and its faults. */
    record Received(HttpCall http, byte[] body, JsonNode json, Faults faults) {

        /** The JSON body, or the client's 400 explaining why it is not JSON. */
        JsonNode jsonOrFail() {
            return json != null ? json : Json.parse(body);
        }
    }

    @Override
    public final void handle(HttpCall res) {
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        byte[] body = res.body(BODY_LIMIT);
        JsonNode json = parseQuietly(body);
        record(res, millis, nanos, json, sim.log());
        res.header(dialect.requestIdHeader(), sim.ids().next("req_", 24));
        try {
            Faults faults = Faults.resolve(res::header, sim.options(), sim.dice());
            Pacing.sleep(faults.hang());
            if (faults.fail()) {
                dialect.sendError(res, dialect.injected(faults.errorStatus(), faults.retryAfter()));
                return;
            }
            serve(new Received(res, body, json, faults), res);
        } catch (SluiceException e) {
            if (!res.isSent()) {
                dialect.sendError(res, e);
            }
        } catch (ConnectionReset e) {
            res.abortConnection();
        }
    }

    /**
     * Answers a request that passed fault injection. Validation failures are thrown as
     * {@link SluiceException}s before anything is written; {@link ConnectionReset} drops the connection.
     */
    protected abstract void serve(Received received, HttpCall res);

    static void record(HttpCall req, long millis, long nanos, JsonNode json, RequestLog log) {
        if (!log.enabled()) {
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : req.headerLines()) {
            headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
        }
        String query = req.queryString();
        log.add(new RecordedRequest(millis, nanos, req.method(), req.rawPath(), headers,
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
