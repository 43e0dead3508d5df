package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import dev.sluice.api.Json;
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

    void list(HttpCall res) {
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
        res.send(200, "application/json", body);
    }

    void clear(HttpCall res) {
        log.clear();
        res.send(204, "application/json", new byte[0]);
    }
}
