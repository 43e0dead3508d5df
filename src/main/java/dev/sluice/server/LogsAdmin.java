package dev.sluice.server;

import dev.sluice.store.AuditRepository;
import dev.sluice.store.RequestLogReader;

/** {@code /admin/logs} (the request log) and {@code /admin/audit}; team-limited keys see their team's rows only. */
final class LogsAdmin {
    private final AdminGuard guard;
    private final RequestLogReader logs;
    private final AuditRepository audit;

    LogsAdmin(AdminGuard guard, RequestLogReader logs, AuditRepository audit) {
        this.guard = guard;
        this.logs = logs;
        this.audit = audit;
    }

    void requestLog(HttpCall http) {
        guard.handle(http, call -> {
            String team = call.query("team");
            if (call.who.team() != null) {
                call.who.requireRead(team == null ? call.who.team() : team, "request logs");
                team = call.who.team();
            }
            call.send(200, AdminJson.list(logs.recent(call.limit(), call.query("request_id"), call.query("key_id"), team),
                    AdminJson::record));
        });
    }

    void auditLog(HttpCall http) {
        guard.handle(http, call -> {
            String team = call.query("team");
            if (call.who.team() != null) {
                call.who.requireRead(team == null ? call.who.team() : team, "audit entries");
                team = call.who.team();
            }
            call.send(200, AdminJson.list(audit.recent(call.limit(), call.query("action"), call.query("actor"), team),
                    AdminJson::audit));
        });
    }
}
