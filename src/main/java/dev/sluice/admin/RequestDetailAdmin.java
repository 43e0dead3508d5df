package dev.sluice.admin;

import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.store.BodyReader;
import dev.sluice.store.BodyRecord;
import dev.sluice.store.RequestLogReader;
import dev.sluice.store.RequestRecord;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /admin/requests/{request_id}}: one logged request with its captured bodies (as stored:
 * redacted when capture redacts; {@code captured: null} when capture was off for it or they expired).
 * Team-limited keys read only their team's requests.
 */
public final class RequestDetailAdmin implements Endpoints {
    private final AdminGuard guard;
    private final RequestLogReader logs;
    private final BodyReader bodies;

    public RequestDetailAdmin(AdminGuard guard, RequestLogReader logs, BodyReader bodies) {
        this.guard = guard;
        this.logs = logs;
        this.bodies = bodies;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes).get("/admin/requests/{request_id}", this::request);
    }

    private void request(AdminGuard.Call call) {
        String id = call.path("request_id");
        List<RequestRecord> rows = logs.recent(1, id, null, null);
        if (rows.isEmpty()) {
            throw SluiceException.notFound("There is no logged request " + id
                    + " (the log is written a moment after the response; retry shortly).");
        }
        RequestRecord row = rows.getFirst();
        if (call.who.visibleTeam() != null) {
            call.who.requireRead(row.team(), "request " + id);
        }
        Optional<BodyRecord> body = bodies.find(id);
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "request");
            gen.writeFieldName("request");
            AdminJson.record(gen, row);
            if (body.isEmpty()) {
                gen.writeNullField("captured");
            } else {
                gen.writeObjectFieldStart("captured");
                gen.writeStringField("request", body.get().request());
                gen.writeStringField("response", body.get().response());
                gen.writeEndObject();
            }
            gen.writeEndObject();
        }));
    }
}
