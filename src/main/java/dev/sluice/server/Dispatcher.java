package dev.sluice.server;

import dev.sluice.api.SluiceException;
import dev.sluice.logging.LogSafe;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to every request before and around its handler, whatever the transport: the
 * {@code x-request-id} on every response, the route lookup (404 for unknown paths, 405 for known
 * paths asked with another method), drain (API work is refused once shutdown begins and waited
 * for), the caller's resolution by the route's {@link Guard} before any body is read, and the
 * mapping of escaped exceptions to OpenAI-format errors.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final RouteTable routes;
    private final RouteTable.Route only;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    public Dispatcher(RouteTable routes) {
        this.routes = routes;
        this.only = null;
    }

    private Dispatcher(HttpHandler handler) {
        this.routes = null;
        this.only = new RouteTable.Route("*", "/", handler, null, false);
    }

    /**
     * A dispatcher for a server that is not Sluice's API and routes by itself (the upstream
     * simulator): every request goes to {@code handler}, with no {@code x-request-id}, route table,
     * guard or drain; only the mapping of escaped exceptions to errors applies.
     */
    public static Dispatcher of(HttpHandler handler) {
        return new Dispatcher(handler);
    }

    /** Handles one request on the calling (virtual) thread; returns when the response is complete. */
    public void handle(HttpCall call) {
        if (only != null) {
            run(call, new RouteTable.Match.Found(only, java.util.Map.of()));
            return;
        }
        call.header(HttpIo.REQUEST_ID, call.requestId());
        switch (routes.match(call.method(), call.path(), call.rawPath())) {
            case RouteTable.Match.Found found -> run(call, found);
            case RouteTable.Match.WrongMethod wrong -> call.sendError(new SluiceException(405, "invalid_request_error",
                    "method_not_allowed", null, "The method " + call.method() + " is not allowed on " + call.path() + "."));
            case RouteTable.Match.Unknown unknown -> call.sendError(SluiceException.notFound("Unknown path " + call.path()
                    + ". The OpenAI-compatible API is under /v1 (chat/completions, embeddings, models)."));
        }
    }

    private void run(HttpCall call, RouteTable.Match.Found found) {
        RouteTable.Route route = found.route();
        if (route.drained()) {
            if (draining) {
                call.header("Connection", "close");
                call.sendError(SluiceException.unavailable("Sluice is shutting down; retry on another instance."));
                return;
            }
            inFlight.incrementAndGet();
        }
        try {
            call.pathParams(found.params());
            if (route.guard() != null) {
                call.context().resolve(route.guard(), call.bearerToken());
            }
            route.handler().handle(call);
        } catch (SluiceException e) {
            if (!call.isSent()) {
                call.sendError(e);
            }
        } catch (ClientGone e) {
            LOG.debug("request {}: the client went away while sending it ({})", call.requestId(), e.getMessage());
            if (!call.isSent()) {
                try {
                    // the transport wants an answer to every request; this one reaches nobody
                    call.sendError(SluiceException.invalidRequest(null, "The request body was cut off."));
                } catch (RuntimeException ignored) {
                    // the connection is gone
                }
            }
        } catch (RuntimeException e) {
            LOG.error("unhandled error on {} {}", call.method(), LogSafe.quote(call.path()), e);
            if (!call.isSent()) {
                call.sendError(SluiceException.internal("Sluice hit an internal error; it has been logged.", e));
            }
        } finally {
            if (route.drained()) {
                inFlight.decrementAndGet();
            }
        }
    }

    /** API requests being handled right now (their completion listeners included). */
    public int inFlight() {
        return inFlight.get();
    }

    public boolean draining() {
        return draining;
    }

    /** Refuses new API work from now on (readiness reports it). */
    public void beginDrain() {
        draining = true;
    }

    /** Waits for in-flight requests and streams to finish; true when none are left. */
    public boolean awaitIdle(Duration timeout) {
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
}
