package dev.sluice.config;

import java.time.Duration;

/**
 * {@code store.buffer}: a durable stream between the gateways and the store (NATS JetStream). Each
 * node publishes its request-log, span, body, feedback and review records to the stream and
 * forgets them once the stream has acknowledged them; consumers (every node with {@code consume})
 * share one durable consumer per kind and write to the store, skipping records already stored.
 *
 * @param url            the NATS server, e.g. {@code nats://127.0.0.1:4222}
 * @param stream         the stream's name; its subjects are {@code <stream>.<kind>}
 * @param consume        whether this node also writes from the stream to the store
 * @param dedupWindow    how long JetStream remembers a message id to drop a republished record
 * @param ackWait        how long a consumer may hold a batch before JetStream gives it to another consumer
 */
public record BufferConfig(String url, String stream, boolean consume, Duration dedupWindow, Duration ackWait) {
    public static final String DEFAULT_STREAM = "SLUICE_TELEMETRY";

    /** The subject records of {@code kind} (e.g. {@code request-log}) are published on. */
    public String subject(String kind) {
        return stream + "." + kind;
    }
}
