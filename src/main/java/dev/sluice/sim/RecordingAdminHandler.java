package dev.sluice.sim;

import dev.sluice.api.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /sim/requests} (the recorded requests as a JSON array, oldest first) and
 * {@code DELETE /sim/requests} (forget them), for the CLI and out-of-process tests. These calls
 * are not recorded themselves.
 */
final class RecordingAdminHandler {
    private final RequestLog log;

    RecordingAdminHandler(RequestLog log) {
        this.log = log;
    }

    void list(ServerRequest req, ServerResponse res) {
        List<RecordedRequest> requests = log.snapshot();
        byte[] body = Json.write(gen -> {
            gen.writeStartArray();
            for (RecordedRequest r : requests) {
                gen.writeStartObject();
                gen.writeNumberField("received_at_millis", r.receivedAtMillis());
                gen.writeNumberField("received_at_nanos", r.receivedAtNanos());
                gen.writeStringField("method", r.method());
                gen.writeStringField("path", r.path());
                if (r.query() != null) {
                    gen.writeStringField("query", r.query());
                }
                gen.writeObjectFieldStart("headers");
                for (Map.Entry<String, String> h : r.headers().entrySet()) {
                    gen.writeStringField(h.getKey(), h.getValue());
                }
                gen.writeEndObject();
                gen.writeFieldName("body");
                if (r.body() == null) {
                    gen.writeNull();
                } else {
                    gen.writeTree(r.body());
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
        });
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    void clear(ServerRequest req, ServerResponse res) {
        log.clear();
        res.status(Status.NO_CONTENT_204);
        res.send();
    }
}
