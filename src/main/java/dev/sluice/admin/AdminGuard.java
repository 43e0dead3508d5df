package dev.sluice.admin;

import dev.sluice.api.SluiceException;
import dev.sluice.auth.AdminIdentity;
import dev.sluice.server.Guard;
import dev.sluice.server.HttpCall;
import dev.sluice.server.Routes;
import dev.sluice.store.AuditEntry;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.StoreException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of every admin endpoint: reads the admin identity its guard resolved, hands the endpoint a
 * {@link Call} (identity, body, parameters, audit), and turns failures into OpenAI-format errors.
 */
public final class AdminGuard {
    private static final Logger LOG = LoggerFactory.getLogger(AdminGuard.class);
    private static final int MAX_READ_TARGET = 1000;

    private final Guard<AdminIdentity> adminKeys;
    private final AuditRepository audit;
    private final Clock clock;
    private final long maxBodyBytes;

    /** @param adminKeys resolves the admin identity from the bearer token, before the request is read */
    public AdminGuard(Guard<AdminIdentity> adminKeys, AuditRepository audit, Clock clock, long maxBodyBytes) {
        this.adminKeys = adminKeys;
        this.audit = audit;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** One admin request in progress. */
    final class Call {
        final AdminIdentity who;
        final HttpCall http;

        Call(AdminIdentity who, HttpCall http) {
            this.who = who;
            this.http = http;
        }

        AdminBody body() {
            return AdminBody.parse(http.body(maxBodyBytes));
        }

        String path(String name) {
            return http.pathParam(name);
        }

        String query(String name) {
            return http.query(name);
        }

        /** Every value of a repeated query parameter, in order. */
        java.util.List<String> queryAll(String name) {
            return http.queryAll(name);
        }

        int limit() {
            String text = query("limit");
            if (text == null) {
                return 50;
            }
            try {
                return Math.clamp(Integer.parseInt(text), 1, 1000);
            } catch (NumberFormatException e) {
                throw SluiceException.invalidType("limit", "an integer between 1 and 1000");
            }
        }

        long now() {
            return clock.millis();
        }

        void send(int status, byte[] json) {
            http.sendJson(status, json);
        }

        /**
         * Records a read of the request log, traces or bodies: who asked for what (the path and its
         * query, cut at {@value #MAX_READ_TARGET} characters), before it is answered, so refused
         * reads are recorded too and a read the audit log cannot record is not served.
         */
        void auditRead(String action) {
            String query = http.queryString();
            String target = http.path() + (query == null || query.isEmpty() ? "" : "?" + query);
            if (target.length() > MAX_READ_TARGET) {
                target = target.substring(0, MAX_READ_TARGET) + "…";
            }
            String team = who.visibleTeam() != null ? who.visibleTeam() : http.query("team");
            audit(action, target, team, null, null);
        }

        /** Records an admin action: who, what, on what, before and after (never secrets). */
        void audit(String action, String target, String team, String before, String after) {
            audit.append(new AuditEntry(clock.millis(), who.id(), who.role().wire(), action, target, team, before, after,
                    http.requestId()));
        }
    }

    /** An admin endpoint's work. */
    @FunctionalInterface
    interface Work {
        void run(Call call);
    }

    /** Admin routes: each handler runs behind this guard. */
    final class AdminRoutes {
        private final Routes routes;

        private AdminRoutes(Routes routes) {
            this.routes = routes;
        }

        AdminRoutes get(String pattern, Work work) {
            routes.get(pattern, http -> handle(http, work));
            return this;
        }

        /** A read of the request log, traces or bodies: audited as {@code action} before it runs. */
        AdminRoutes read(String pattern, String action, Work work) {
            routes.get(pattern, http -> handle(http, call -> {
                call.auditRead(action);
                work.run(call);
            }));
            return this;
        }

        AdminRoutes post(String pattern, Work work) {
            routes.post(pattern, http -> handle(http, work));
            return this;
        }

        AdminRoutes patch(String pattern, Work work) {
            routes.patch(pattern, http -> handle(http, work));
            return this;
        }

        AdminRoutes delete(String pattern, Work work) {
            routes.delete(pattern, http -> handle(http, work));
            return this;
        }
    }

    AdminRoutes on(Routes routes) {
        return new AdminRoutes(routes.guardedBy(adminKeys));
    }

    private void handle(HttpCall http, Work work) {
        try {
            AdminIdentity who = http.context().principal(adminKeys);
            work.run(new Call(who, http));
        } catch (SluiceException e) {
            http.sendError(e);
        } catch (StoreException e) {
            LOG.error("admin request failed in the store", e);
            http.sendError(SluiceException.unavailable("The store is unavailable; nothing was read or changed. Retry."));
        }
    }
}
