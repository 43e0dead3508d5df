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
 * @param ingest       what {@code POST /v1/traces} accepts from one request and one key
 */
public record TracingConfig(boolean enabled, String otlpEndpoint, String capture, double sampleRate, boolean redact,
                            String serviceName, Ingest ingest) {
    public static final TracingConfig DEFAULTS = new TracingConfig(true, null, "none", 1.0, true, "sluice");

    /** With the default ingest limits. */
    public TracingConfig(boolean enabled, String otlpEndpoint, String capture, double sampleRate, boolean redact,
                         String serviceName) {
        this(enabled, otlpEndpoint, capture, sampleRate, redact, serviceName, Ingest.DEFAULTS);
    }

    /**
     * Bounds on OTLP trace ingest, so one client cannot take the gateway's memory or the span queue.
     *
     * @param maxSpans        spans in one export request (more: 413, nothing decoded)
     * @param spansPerMinute  spans one key may send per minute (more: 429 with Retry-After)
     * @param parallelDecodes export requests decoded at the same time (others wait briefly, then 503)
     */
    public record Ingest(int maxSpans, int spansPerMinute, int parallelDecodes) {
        public static final Ingest DEFAULTS = new Ingest(10_000, 120_000, 2);
    }

    public boolean captureBodies() {
        return !capture.equals("none") && sampleRate > 0;
    }
}
