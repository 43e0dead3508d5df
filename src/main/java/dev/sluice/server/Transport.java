package dev.sluice.server;

/**
 * The HTTP stack under Sluice (Netty: {@code server.netty}). It accepts connections,
 * runs each request on its own virtual thread as an {@link HttpCall} handed to the
 * {@link Dispatcher}, and owns wire-level matters: keep-alive, chunking, decoding gzip request
 * bodies (and refusing other content encodings with a 400), never compressing responses, and
 * sending small writes at once (TCP_NODELAY, for SSE). What it refuses itself (a request line too
 * long, malformed headers) it answers in the OpenAI error format too.
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

        /**
         * Swaps the TLS certificate and key (PEM files) for new connections; open ones keep theirs.
         *
         * @throws IllegalStateException    when this listener serves plain HTTP
         * @throws IllegalArgumentException when the files are not a usable certificate and key
         */
        void reloadTls(java.nio.file.Path cert, java.nio.file.Path key);
    }
}
