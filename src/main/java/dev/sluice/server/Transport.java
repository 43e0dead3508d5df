package dev.sluice.server;

/**
 * The HTTP stack under Sluice (Helidon today: {@code server.helidon}). It accepts connections,
 * runs each request on its own virtual thread as an {@link HttpCall} handed to the
 * {@link Dispatcher}, and owns wire-level matters: keep-alive, chunking, decoding gzip request
 * bodies (and refusing other content encodings with a 400), never compressing responses, and
 * sending small writes at once (TCP_NODELAY, for SSE).
 */
public interface Transport {
    /**
     * Starts listening.
     *
     * @param port   0 for any free port
     * @param limits header and idle timeouts and the per-address connection cap, which the transport enforces
     * @throws PortInUseException when the address is taken
     */
    Listening start(String host, int port, ConnectionLimits limits, Dispatcher dispatcher);

    /** A started server. */
    interface Listening {
        /** The port actually bound. */
        int port();

        /** Stops accepting and closes connections (after the dispatcher drained). */
        void stop();
    }
}
