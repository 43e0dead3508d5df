package dev.sluice.config;

import java.time.Duration;
import java.util.Set;

/** Reads the {@code metrics:} section: {@code /metrics} and OTLP metrics. */
final class MetricsParser {
    private MetricsParser() {}

    /** The metrics section, or null when absent (no /metrics, no OTLP metrics); an empty {@code metrics:} turns them on. */
    static MetricsConfig parse(YamlNode node) {
        if (node == null) {
            return null;
        }
        if (!node.isMap() && Set.of("", "~", "null", "{}").contains(node.text().strip())) {
            return new MetricsConfig(null, null, MetricsConfig.DEFAULT_EXPORT_INTERVAL, false);
        }
        if (!node.isMap()) {
            throw node.error("metrics: must be a mapping (it may be empty: metrics: {})", "e.g. metrics: {bearer_token: ...}");
        }
        node.allowOnly(Set.of("bearer_token", "otlp_endpoint", "export_interval", "public"));
        String token = node.optionalString("bearer_token");
        String endpoint = node.optionalHttpUrl("otlp_endpoint",
                "give the collector's OTLP/HTTP metrics URL, e.g. http://127.0.0.1:4318/v1/metrics");
        Duration interval = node.duration("export_interval", MetricsConfig.DEFAULT_EXPORT_INTERVAL);
        if (interval.isZero()) {
            throw node.get("export_interval").error("the export interval must be positive", "e.g. 30s");
        }
        boolean open = node.bool("public", false);
        if (open && token != null) {
            throw node.get("public").error("metrics.public: true opens /metrics, which contradicts a bearer_token",
                    "keep one: the token, or public: true");
        }
        return new MetricsConfig(token, endpoint, interval, open);
    }
}
