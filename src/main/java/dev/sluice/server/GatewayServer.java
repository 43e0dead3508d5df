package dev.sluice.server;

import dev.sluice.api.Json;
import dev.sluice.server.helidon.HelidonTransport;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The HTTP server: the route table, in-flight tracking and graceful drain, on a {@link Transport}.
 * Each request runs on its own virtual thread, so handlers block freely. On drain, readiness
 * turns 503 and new API requests are refused while in-flight requests and streams finish.
 */
final class GatewayServer {
    private final Dispatcher dispatcher;
    private final Transport.Listening listening;

    /** The admin API's endpoint groups. */
    record Admin(KeysAdmin keys, TeamsAdmin teams, AccessAdmin access, LogsAdmin logs, CacheAdmin cache,
                 UsersAdmin users, AnalyticsAdmin analytics) {}

    GatewayServer(String host, int port, ApiEndpoints api, TraceEndpoint traces, Admin admin, MetricsEndpoint metrics,
                  FeedbackEndpoints feedback, BooleanSupplier storeHealthy) {
        RouteTable.Builder routes = new RouteTable.Builder();
        Dispatcher[] self = new Dispatcher[1];
        routes.drained()
                .post("/v1/chat/completions", api::chat)
                .post("/v1/embeddings", api::embeddings)
                .get("/v1/models", api::models)
                .post("/v1/traces", traces::ingest)
                .post("/v1/feedback", feedback::submit);
        routes.get("/health/live", call -> call.sendJson(200, status("live")))
                .get("/health/ready", call -> {
                    boolean draining = self[0].draining();
                    boolean ready = !draining && storeHealthy.getAsBoolean();
                    call.sendJson(ready ? 200 : 503, status(ready ? "ready" : draining ? "draining" : "store_unavailable"));
                })
                .get("/metrics", metrics::scrape)
                .get("/admin/feedback", feedback::list)
                .get("/admin/feedback/summary", feedback::summary)
                .post("/admin/keys", admin.keys()::create)
                .get("/admin/keys", admin.keys()::list)
                .get("/admin/keys/{id}", admin.keys()::get)
                .patch("/admin/keys/{id}", admin.keys()::update)
                .post("/admin/keys/{id}/rotate", admin.keys()::rotate)
                .delete("/admin/keys/{id}", admin.keys()::revoke)
                .post("/admin/teams", admin.teams()::create)
                .get("/admin/teams", admin.teams()::list)
                .get("/admin/teams/{id}", admin.teams()::get)
                .patch("/admin/teams/{id}", admin.teams()::update)
                .delete("/admin/teams/{id}", admin.teams()::delete)
                .post("/admin/admin-keys", admin.access()::create)
                .get("/admin/admin-keys", admin.access()::list)
                .delete("/admin/admin-keys/{id}", admin.access()::revoke)
                .get("/admin/logs", admin.logs()::requestLog)
                .get("/admin/audit", admin.logs()::auditLog)
                .delete("/admin/users/{user}", admin.users()::erase)
                .get("/admin/analytics/requests", admin.analytics()::requests)
                .get("/admin/analytics/traces", admin.analytics()::traces)
                .get("/admin/analytics/stats", admin.analytics()::stats)
                .get("/admin/traces/{trace_id}", admin.analytics()::trace)
                .get("/admin/sessions/{id}", admin.analytics()::session)
                .get("/admin/cache", admin.cache()::stats)
                .delete("/admin/cache", admin.cache()::invalidate);
        this.dispatcher = new Dispatcher(routes.build());
        self[0] = dispatcher;
        this.listening = new HelidonTransport().start(host, port, dispatcher);
    }

    int port() {
        return listening.port();
    }

    int inFlight() {
        return dispatcher.inFlight();
    }

    void beginDrain() {
        dispatcher.beginDrain();
    }

    boolean awaitIdle(Duration timeout) {
        return dispatcher.awaitIdle(timeout);
    }

    void stop() {
        listening.stop();
    }

    private static byte[] status(String status) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("status", status);
            gen.writeEndObject();
        });
    }
}
