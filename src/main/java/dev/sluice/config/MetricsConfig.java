package dev.sluice.config;

import java.time.Duration;

/**
 * Metrics: {@code GET /metrics} (Prometheus text) and, optionally, an OTLP/HTTP push. The whole
 * section absent means no metrics at all ({@code /metrics} answers 404).
 *
 * @param bearerToken    when set, {@code /metrics} needs {@code Authorization: Bearer <token>}; null = open like /health
 * @param otlpEndpoint   OTLP/HTTP metrics endpoint of a collector, e.g. {@code http://otel:4318/v1/metrics}; null = none
 * @param exportInterval how often metrics are pushed over OTLP
 */
public record MetricsConfig(String bearerToken, String otlpEndpoint, Duration exportInterval) {
    public static final Duration DEFAULT_EXPORT_INTERVAL = Duration.ofSeconds(30);
}
