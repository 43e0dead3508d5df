package dev.sluice.server;

/**
 * The client closed or reset its connection while its request was being read: nothing to answer
 * and nothing to fix, so it is one debug line, never an error with a stack trace (a client
 * aborting in a loop must not fill the log). No stack trace is even captured.
 */
public final class ClientGone extends RuntimeException {
    public ClientGone(String message) {
        super(message, null, false, false);
    }
}
