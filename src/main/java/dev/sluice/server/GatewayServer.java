package dev.sluice.server;

import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: routes, in-flight tracking and graceful drain. Helidon runs each request on
 * its own virtual thread, so handlers block freely. On drain, readiness turns 503 and new API
 * requests are refused while in-flight requests and streams finish.
 */
final class GatewayServer {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final Set<String> KNOWN_PATHS = Set.of("/v1/chat/completions", "/v1/embeddings", "/v1/models", "/v1/traces",
            "/health/live", "/health/ready", "/admin/keys", "/admin/teams", "/admin/admin-keys", "/admin/logs",
            "/admin/audit", "/admin/cache", "/admin/analytics/requests", "/admin/analytics/traces",
            "/admin/analytics/stats");

    private final WebServer server;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    /** The admin API's endpoint groups. */
    record Admin(KeysAdmin keys, TeamsAdmin teams, AccessAdmin access, LogsAdmin logs, CacheAdmin cache,
                 UsersAdmin users, AnalyticsAdmin analytics) {}

    GatewayServer(String host, int port, ApiEndpoints api, TraceEndpoint traces, Admin admin, BooleanSupplier storeHealthy) {
        HttpRouting.Builder routing = HttpRouting.builder()
                // every response carries x-request-id: the client's when it sent a sane one
                .addFilter((chain, req, res) -> {
                    res.header(HttpIo.REQUEST_ID, HttpIo.requestId(req.headers().first(HttpIo.REQUEST_ID).orElse(null)));
                    chain.proceed();
                })
                .post("/v1/chat/completions", tracked(api::chat))
                .post("/v1/embeddings", tracked(api::embeddings))
                .get("/v1/models", tracked(api::models))
                .post("/v1/traces", tracked(traces::ingest))
                .get("/health/live", (req, res) -> HttpIo.sendJson(res, 200, status("live")))
                .get("/health/ready", (req, res) -> {
                    boolean ready = !draining && storeHealthy.getAsBoolean();
                    HttpIo.sendJson(res, ready ? 200 : 503, status(ready ? "ready" : draining ? "draining" : "store_unavailable"));
                })
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
                .delete("/admin/cache", admin.cache()::invalidate)
                .any(GatewayServer::unknownRoute)
                .error(Throwable.class, (req, res, t) -> {
                    LOG.error("unhandled error on {} {}", req.prologue().method().text(), req.path().path(), t);
                    if (!res.isSent()) {
                        HttpIo.sendError(res, SluiceException.internal("Sluice hit an internal error; it has been logged.", t));
                    }
                });
        this.server = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                // small SSE events must leave at once, not wait for the previous segment's ACK
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .featuresDiscoverServices(false)
                // request bodies may be gzip (OTLP exporters compress); responses are never compressed
                .contentEncoding(io.helidon.http.encoding.ContentEncodingContext.builder()
                        .contentEncodingsDiscoverServices(false).addContentEncoding(new GzipDecoding()).build())
                .routing(routing)
                .build()
                .start();
    }

    int port() {
        return server.port();
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Refuses new API work from now on and reports not-ready. */
    void beginDrain() {
        draining = true;
    }

    /** Waits for in-flight requests and streams to finish; true when none are left. */
    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                LOG.warn("drain timeout: {} request(s) still in flight are cut off", inFlight.get());
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    void stop() {
        server.stop();
    }

    private Handler tracked(Handler handler) {
        return (req, res) -> {
            if (draining) {
                res.header(HeaderNames.CONNECTION, "close");
                HttpIo.sendError(res, SluiceException.unavailable("Sluice is shutting down; retry on another instance."));
                return;
            }
            inFlight.incrementAndGet();
            try {
                handler.handle(req, res);
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    private static void unknownRoute(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (KNOWN_PATHS.contains(path) || path.startsWith("/admin/keys/") || path.startsWith("/admin/teams/")
                || path.startsWith("/admin/admin-keys/") || path.startsWith("/admin/users/")
                || path.startsWith("/admin/traces/") || path.startsWith("/admin/sessions/")) {
            HttpIo.sendError(res, new SluiceException(405, "invalid_request_error", "method_not_allowed", null,
                    "The method " + req.prologue().method().text() + " is not allowed on " + path + "."));
        } else {
            HttpIo.sendError(res, SluiceException.notFound("Unknown path " + path
                    + ". The OpenAI-compatible API is under /v1 (chat/completions, embeddings, models)."));
        }
    }

    private static byte[] status(String status) {
        return Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("status", status);
            gen.writeEndObject();
        });
    }
}
