package dev.sluice.server;

import dev.sluice.api.Json;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The HTTP server: the route table (the endpoints' routes and {@code /health}), in-flight
 * tracking and graceful drain, on a {@link Transport}. Each request runs on its own virtual
 * thread, so handlers block freely. On drain, readiness turns 503 and new API requests are
 * refused while in-flight requests and streams finish.
 */
public final class GatewayServer {
    private final Dispatcher dispatcher;
    private final Transport.Listening listening;

    /**
     * @param readiness named checks: {@code /health/ready} is 503 with {@code <name>_unavailable}
     *                  while one fails (and {@code draining} once shutdown began)
     * @throws PortInUseException when the port is taken
     */
    public GatewayServer(String host, int port, ConnectionLimits limits, Transport transport, List<Endpoints> endpoints,
                         Map<String, BooleanSupplier> readiness) {
        RouteTable.Builder routes = new RouteTable.Builder();
        // in the order given: the first failing check names the status (the store before its writes)
        Map<String, BooleanSupplier> checks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(readiness));
        routes.get("/health/live", call -> call.sendJson(200, status("live")))
                .get("/health/ready", call -> {
                    String state = readiness(checks);
                    call.sendJson(state.equals("ready") ? 200 : 503, status(state));
                });
        endpoints.forEach(e -> e.register(routes));
        this.dispatcher = new Dispatcher(routes.build());
        routes.bind(dispatcher);
        this.listening = transport.start(host, port, limits, dispatcher);
    }

    /**
     * Fails at once when the port is taken, so a start-up stops before anything else was opened and
     * says so in one line (a transport's own bind failure comes late and noisy).
     *
     * @throws PortInUseException when something listens on the address
     */
    public static void requireFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new PortInUseException(host, port, e);
        } catch (IOException e) {
            // not clearly "taken" (e.g. an unknown host): the transport tries and reports
        }
    }

    private String readiness(Map<String, BooleanSupplier> checks) {
        if (dispatcher.draining()) {
            return "draining";
        }
        for (Map.Entry<String, BooleanSupplier> check : checks.entrySet()) {
            if (!check.getValue().getAsBoolean()) {
                return check.getKey() + "_unavailable";
            }
        }
        return "ready";
    }

    public int port() {
        return listening.port();
    }

    /** Swaps the HTTPS listener's certificate and key (PEM files) for new connections. */
    public void reloadTls(java.nio.file.Path cert, java.nio.file.Path key) {
        listening.reloadTls(cert, key);
    }

    /** API requests being handled right now (their completion listeners included). */
    public int inFlight() {
        return dispatcher.inFlight();
    }

    /** Refuses new API work, waits up to {@code timeout} for in-flight requests and streams, then stops. */
    public void drainAndStop(Duration timeout) {
        dispatcher.beginDrain();
        dispatcher.awaitIdle(timeout);
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
