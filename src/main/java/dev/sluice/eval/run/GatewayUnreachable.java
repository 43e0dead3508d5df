package dev.sluice.eval.run;

/** The gateway could not be reached (connection refused, DNS): the run stops, it is not a test failure. */
public final class GatewayUnreachable extends RuntimeException {
    public GatewayUnreachable(String message) {
        super(message, null, false, false);
    }
}
