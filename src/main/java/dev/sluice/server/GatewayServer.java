package dev.sluice.server;

import dev.sluice.api.Json;
import dev.sluice.server.helidon.HelidonTransport;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The HTTP server: the route table, in-flight tracking and graceful drain, on a {@link Transport}.
 * Each request runs on its own virtual thread, so handlers block freely. On drain, readiness
 * turns 503 and new API requests are refused while in-flight requests and streams finish.
 */
final class GatewayServer {
    private final Dispatcher dispatcher;
    private final Transport.Listening listening;

    GatewayServer(String host, int port, List<Endpoints> endpoints, BooleanSupplier storeHealthy) {
        RouteTable.Builder routes = new RouteTable.Builder();
        Dispatcher[] self = new Dispatcher[1];
        routes.get("/health/live", call -> call.sendJson(200, status("live")))
                .get("/health/ready", call -> {
                    boolean draining = self[0].draining();
                    boolean ready = !draining && storeHealthy.getAsBoolean();
                    call.sendJson(ready ? 200 : 503, status(ready ? "ready" : draining ? "draining" : "store_unavailable"));
                });
        endpoints.forEach(e -> e.register(routes));
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
