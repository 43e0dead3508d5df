package dev.sluice.config;

import java.time.Duration;

/**
 * Metrics: {@code GET /metrics} (Prometheus text) and, optionally, an OTLP/HTTP push. The whole
 * section absent means no metrics at all ({@code /metrics} answers 404).
 *
 * @param bearerToken    when set, {@code /metrics} needs {@code Authorization: Bearer <token>}; null = open on a
 *                       loopback host or with {@code public}, refused otherwise
 * @param otlpEndpoint   OTLP/HTTP metrics endpoint of a collector, e.g. {@code http://otel:4318/v1/metrics}; null = none
 * @param exportInterval how often metrics are pushed over OTLP
 * @param open           {@code public: true}: serve {@code /metrics} without a token on any host, on purpose
 */
public record MetricsConfig(String bearerToken, String otlpEndpoint, Duration exportInterval, boolean open) {
    public static final Duration DEFAULT_EXPORT_INTERVAL = Duration.ofSeconds(30);
}
