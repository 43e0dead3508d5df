package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.BodyReader;
import dev.sluice.store.BodyRecord;
import dev.sluice.store.RequestLogReader;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code /admin/logs} (the request log), {@code /admin/logs/{id}/body} (a captured body) and
 * {@code /admin/audit}; team-limited keys see their team's rows only. Every read of the request log
 * and of bodies is recorded in the audit log.
 */
public final class LogsAdmin implements Endpoints {
    private final AdminGuard guard;
    private final RequestLogReader logs;
    private final BodyReader bodies;
    private final AuditRepository audit;

    public LogsAdmin(AdminGuard guard, RequestLogReader logs, BodyReader bodies, AuditRepository audit) {
        this.guard = guard;
        this.logs = logs;
        this.bodies = bodies;
        this.audit = audit;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .read("/admin/logs", "logs.read", this::requestLog)
                .read("/admin/logs/{request_id}/body", "body.read", this::body)
                .get("/admin/audit", this::auditLog);
    }

    private void requestLog(AdminGuard.Call call) {
        String team = call.query("team");
        if (call.who.team() != null) {
            call.who.requireRead(team == null ? call.who.team() : team, "request logs");
            team = call.who.team();
        }
        call.send(200, AdminJson.list(logs.recent(call.limit(), call.query("request_id"), call.query("key_id"), team),
                AdminJson::record));
    }

    /**
     * {@code GET /admin/logs/{request_id}/body}: the request and answer as captured (redacted as
     * configured). Another team's body is a 404, like one that was never captured, so a team-limited
     * key cannot even learn that it exists.
     */
    private void body(AdminGuard.Call call) {
        String requestId = call.path("request_id");
        String team = call.query("team");
        if (call.who.team() != null) {
            call.who.requireRead(team == null ? call.who.team() : team, "request bodies");
        }
        String readTeam = team != null ? team : call.who.visibleTeam();
        if (readTeam == null) {
            // request ids are chosen by clients (x-request-id): an organisation-wide reader must not be
            // handed one team's body when it may have meant another's
            List<String> teams = bodies.teamsUsing(requestId, 10);
            if (teams.size() > 1) {
                throw new SluiceException(409, "invalid_request_error", "ambiguous_request_id", "team",
                        "Request id '" + requestId + "' was used by several teams (" + teams.stream()
                                .map(t -> t == null ? "(no team)" : t).collect(Collectors.joining(", "))
                                + "); add ?team=<team> to say whose body to read.");
            }
        }
        BodyRecord b = bodies.find(requestId, readTeam).orElseThrow(() -> SluiceException.notFound(
                "No captured body for request '" + requestId + "'" + (readTeam == null ? ""
                        : " of team '" + readTeam + "'") + ". Bodies are stored when tracing.capture"
                        + " is metadata or full, a moment after the answer, and kept for retention.bodies."));
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "request.body");
            gen.writeStringField("request_id", b.requestId());
            gen.writeStringField("ts", Instant.ofEpochMilli(b.timestamp()).toString());
            gen.writeStringField("user", b.endUser());
            gen.writeStringField("team", b.team());
            gen.writeFieldName("request");
            gen.writeTree(tree(b.request()));
            gen.writeFieldName("response");
            gen.writeTree(tree(b.response()));
            gen.writeEndObject();
        }));
    }

    /** A stored body as JSON; text that is not JSON (never written by Sluice) comes back as a string. */
    static JsonNode tree(String stored) {
        if (stored == null) {
            return Json.MAPPER.nullNode();
        }
        try {
            return Json.MAPPER.readTree(stored);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(stored);
        }
    }

    private void auditLog(AdminGuard.Call call) {
        String team = call.query("team");
        if (call.who.team() != null) {
            call.who.requireRead(team == null ? call.who.team() : team, "audit entries");
            team = call.who.team();
        }
        call.send(200, AdminJson.list(audit.recent(call.limit(), call.query("action"), call.query("actor"), team),
                AdminJson::audit));
    }
}
