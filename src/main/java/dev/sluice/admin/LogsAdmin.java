package dev.sluice.admin;

import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.RequestLogReader;

/** {@code /admin/logs} (the request log) and {@code /admin/audit}; team-limited keys see their team's rows only. */
public final class LogsAdmin implements Endpoints {
    private final AdminGuard guard;
    private final RequestLogReader logs;
    private final AuditRepository audit;

    public LogsAdmin(AdminGuard guard, RequestLogReader logs, AuditRepository audit) {
        this.guard = guard;
        this.logs = logs;
        this.audit = audit;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .get("/admin/logs", this::requestLog)
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
