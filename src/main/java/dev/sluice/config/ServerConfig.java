package dev.sluice.config;

import java.time.Duration;

/**
 * @param maxBodyBytes       larger request bodies get 413
 * @param drainTimeout       how long SIGTERM waits for in-flight requests and streams
 * @param headerTimeout      a connection must finish a request's line and headers this long after it opened (or
 *                           after the request's first byte, on a kept-alive connection), else it is closed
 * @param idleTimeout        a kept-alive connection with no request in progress is closed after this long
 * @param maxConnectionsPerIp connections one client address may hold open at once (more get 429 and are closed);
 *                           0 = no cap
 * @param tls                serve HTTPS with this PEM certificate chain and key, or null for plain HTTP
 * @param configWatch        reload the config file when it changes on disk ({@code server.config_watch}; SIGHUP and
 *                           {@code POST /admin/config/reload} reload it either way)
 */
public record ServerConfig(String host, int port, long maxBodyBytes, Duration drainTimeout, Duration headerTimeout,
                           Duration idleTimeout, int maxConnectionsPerIp, Tls tls, boolean configWatch) {
    /** A PEM certificate chain and its PEM (PKCS#8) private key. */
    public record Tls(java.nio.file.Path cert, java.nio.file.Path key) {}

    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 1000;

    /** Plain HTTP, without the config watch (it is off unless configured). */
    public ServerConfig(String host, int port, long maxBodyBytes, Duration drainTimeout, Duration headerTimeout,
                        Duration idleTimeout, int maxConnectionsPerIp) {
        this(host, port, maxBodyBytes, drainTimeout, headerTimeout, idleTimeout, maxConnectionsPerIp, null, false);
    }

    /** The same server on another port. */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxBodyBytes, drainTimeout, headerTimeout, idleTimeout, maxConnectionsPerIp,
                tls, configWatch);
    }
}
