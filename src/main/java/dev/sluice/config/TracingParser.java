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
        node.allowOnly(Set.of("enabled", "otlp_endpoint", "capture", "sample_rate", "redact", "service_name",
                "ingest_max_spans", "ingest_spans_per_minute", "ingest_parallel_decodes"));
        String endpoint = node.optionalHttpUrl("otlp_endpoint",
                "give the collector's OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces");
        String capture = node.string("capture", d.capture());
        if (!Set.of("none", "metadata", "full").contains(capture)) {
            throw node.get("capture").error("unknown capture mode '" + capture + "'", "use none, metadata or full");
        }
        return new TracingConfig(node.bool("enabled", d.enabled()), endpoint, capture,
                node.number("sample_rate", d.sampleRate(), 0, 1), node.bool("redact", d.redact()),
                node.string("service_name", d.serviceName()), ingest(node));
    }

    private static TracingConfig.Ingest ingest(YamlNode node) {
        TracingConfig.Ingest d = TracingConfig.Ingest.DEFAULTS;
        int maxSpans = node.integer("ingest_max_spans", d.maxSpans(), 1, 1_000_000);
        int perMinute = node.integer("ingest_spans_per_minute", d.spansPerMinute(), 1, 100_000_000);
        if (perMinute < maxSpans) {
            // a request over the per-minute allowance could never be accepted
            throw (node.get("ingest_spans_per_minute") != null ? node.get("ingest_spans_per_minute") : node.get("ingest_max_spans"))
                    .error("ingest_spans_per_minute (" + perMinute + ") is below ingest_max_spans (" + maxSpans + ")",
                            "allow at least one full request per minute: raise ingest_spans_per_minute or lower ingest_max_spans");
        }
        return new TracingConfig.Ingest(maxSpans, perMinute, node.integer("ingest_parallel_decodes", d.parallelDecodes(), 1, 64));
    }
}
