package dev.sluice.server.helidon;

import dev.sluice.server.ConnectionLimits;
import dev.sluice.server.Dispatcher;
import dev.sluice.server.PortInUseException;
import dev.sluice.server.Transport;
import io.helidon.http.DirectHandler;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import java.time.Duration;
import io.helidon.webserver.http.HttpRouting;

/**
 * Helidon SE's web server as Sluice's {@link Transport}: one catch-all route hands every request
 * to the {@link Dispatcher} (which owns the route table), on the virtual thread Helidon gives
 * each request.
 */
public final class HelidonTransport implements Transport {
    /**
     * Helidon logs a WARNING with a full stack trace for every connection a client aborts
     * ("escaped Request exception": a broken pipe while the answer was written), one hostile
     * client could fill the disk with them. Sluice's own dispatcher catches every request error
     * and logs a client that went away as one debug line, so these connection-level warnings are
     * raised to SEVERE only. The logger is held here: java.util.logging keeps loggers weakly, and
     * a collected logger would lose its level. (Helidon logs through System.Logger, which is
     * java.util.logging unless another finder is installed; the CLI bridges it to SLF4J.)
     */
    private static final java.util.logging.Logger CONNECTIONS = quiet("io.helidon.webserver.ConnectionHandler");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    @Override
    public Listening start(String host, int port, ConnectionLimits limits, Dispatcher dispatcher) {
        // Helidon's HTTP/1 behind a guard that enforces the header timeout and the per-address cap
        ConnectionGuard guard = new ConnectionGuard(limits);
        Http1Config http1 = Http1Config.builder()
                .addReceiveListener(guard.receiveListener())
                .addSendListener(guard.sendListener())
                .build();
        WebServer server;
        try {
            server = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                // small SSE events must leave at once, not wait for the previous segment's ACK
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .protocolsDiscoverServices(false)
                .addConnectionSelector(guard.guard(Http1ConnectionSelector.builder().config(http1).build()))
                .idleConnectionTimeout(limits.idleTimeout())
                .idleConnectionPeriod(idleCheckPeriod(limits.idleTimeout()))
                .featuresDiscoverServices(false)
                .directHandlers(handlers -> {
                    TransportErrors errors = new TransportErrors();
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        handlers.addHandler(type, errors);
                    }
                })
                // request bodies may be gzip (OTLP exporters compress); responses are never compressed
                .contentEncoding(ContentEncodingContext.builder()
                        .contentEncodingsDiscoverServices(false).addContentEncoding(new GzipDecoding()).build())
                .routing(HttpRouting.builder().any((req, res) -> dispatcher.handle(new HelidonCall(req, res))))
                .build()
                .start();
        } catch (RuntimeException e) {
            guard.stop();
            throw e;
        }
        if (server.port() < 0) {
            // Helidon logs a bind failure and runs without a port (GatewayServer.requireFree checks
            // before start-up, so this is the rare race with another program binding meanwhile)
            server.stop();
            guard.stop();
            throw new PortInUseException(host, port, null);
        }
        return new Listening() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public void stop() {
                server.stop();
                guard.stop();
            }
        };
    }

    /** How often Helidon looks for idle connections: often enough to close them near the timeout. */
    private static Duration idleCheckPeriod(Duration idleTimeout) {
        return Duration.ofMillis(Math.clamp(idleTimeout.toMillis() / 4, 100, 30_000));
    }
}
