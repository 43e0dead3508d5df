package dev.sluice.config;

/**
 * Traces and captured bodies.
 *
 * @param enabled      one trace per request (root span, a span per stage and per upstream attempt)
 * @param otlpEndpoint OTLP/HTTP traces endpoint of a collector, e.g. {@code http://otel:4318/v1/traces}; null = none
 * @param capture      bodies to store in the {@code bodies} table: {@code none} (the default), {@code metadata}
 *                     (the JSON with every piece of content replaced by its length) or {@code full}
 * @param sampleRate   share of requests whose bodies are captured (0..1)
 * @param redact       mask PII and secrets in captured bodies before they reach disk
 * @param serviceName  the resource's service.name
 */
public record TracingConfig(boolean enabled, String otlpEndpoint, String capture, double sampleRate, boolean redact,
                            String serviceName) {
    public static final TracingConfig DEFAULTS = new TracingConfig(true, null, "none", 1.0, true, "sluice");

    public boolean captureBodies() {
        return !capture.equals("none") && sampleRate > 0;
    }
}
