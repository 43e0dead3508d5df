package dev.sluice.config;

import java.time.Duration;

/**
 * @param maxBodyBytes  larger request bodies get 413
 * @param drainTimeout  how long SIGTERM waits for in-flight requests and streams
 */
public record ServerConfig(String host, int port, long maxBodyBytes, Duration drainTimeout) {}
