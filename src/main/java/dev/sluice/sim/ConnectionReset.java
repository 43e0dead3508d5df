package dev.sluice.sim;

/**
 * Unwinds a request whose connection the simulator drops instead of answering (an injected reset,
 * or the simulator stopping mid-request); {@link SimEndpoint} aborts the connection.
 */
final class ConnectionReset extends RuntimeException {
    ConnectionReset(String message) {
        super(message, null, false, false);
    }
}
