package dev.sluice.config;

import java.util.Set;

/** Reads the {@code tracing:} section: spans, OTLP export and body capture. */
final class TracingParser {
    private TracingParser() {}

    static TracingConfig parse(YamlNode node) {
        TracingConfig d = TracingConfig.DEFAULTS;
        if (node == null) {
            return d;
        }
        node.allowOnly(Set.of("enabled", "otlp_endpoint", "capture", "sample_rate", "redact", "service_name"));
        String endpoint = node.optionalHttpUrl("otlp_endpoint",
                "give the collector's OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces");
        String capture = node.string("capture", d.capture());
        if (!Set.of("none", "metadata", "full").contains(capture)) {
            throw node.get("capture").error("unknown capture mode '" + capture + "'", "use none, metadata or full");
        }
        return new TracingConfig(node.bool("enabled", d.enabled()), endpoint, capture,
                node.number("sample_rate", d.sampleRate(), 0, 1), node.bool("redact", d.redact()),
                node.string("service_name", d.serviceName()));
    }
}
