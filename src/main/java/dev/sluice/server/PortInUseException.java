package dev.sluice.server;

/** The server's address is taken (another Sluice, or any other program, listens there). */
public final class PortInUseException extends RuntimeException {
    private final String host;
    private final int port;

    public PortInUseException(String host, int port, Throwable cause) {
        super("port " + port + " on " + host + " is already in use", cause);
        this.host = host;
        this.port = port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }
}
