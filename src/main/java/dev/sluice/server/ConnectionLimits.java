package dev.sluice.server;

import java.time.Duration;

/**
 * What a transport enforces on connections, whatever the HTTP stack: slow clients (slowloris) and
 * greedy ones must not hold the server's connections.
 *
 * @param headerTimeout      a request's line and headers must arrive within this long of the connection opening,
 *                           or of the request's first byte on a kept-alive connection; else the connection is closed
 * @param idleTimeout        a kept-alive connection with no request in progress is closed after this long
 * @param maxConnectionsPerIp connections one client address may hold at once; the next gets 429 and is closed
 *                           (0 = no cap)
 */
public record ConnectionLimits(Duration headerTimeout, Duration idleTimeout, int maxConnectionsPerIp) {}
