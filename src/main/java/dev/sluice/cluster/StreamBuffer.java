package dev.sluice.cluster;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.sluice.api.Json;
import dev.sluice.config.BufferConfig;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.StoreException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JetStream buffer between gateway nodes and the store ({@code store.buffer.type: jetstream}).
 *
 * <p>Publishing: each kind's {@link BatchWriter} writes its batches to {@link #target} instead of
 * the store. A batch counts as written once JetStream has acknowledged every record of it (stored
 * in the stream, on the NATS server's disk), so a node killed afterwards loses none of it; until
 * then the records stay in the writer's memory or spill file. Every record is published with its
 * unique id as the message id ({@code Nats-Msg-Id}), so a batch published again after a partial
 * failure is dropped by JetStream within the stream's duplicate window.
 *
 * <p>Consuming: one durable pull consumer per kind, shared by every consuming node (each message
 * goes to one of them). A consumer writes a fetched batch to the store in one transaction and
 * acknowledges the messages only after the commit; when the store fails, the messages are
 * negatively acknowledged with a delay and redelivered later, for as long as it takes (the stream
 * keeps them: work-queue retention removes a message only once acknowledged). A message delivered
 * twice (a node died between its commit and its acks) is stored once, as every sink skips records
 * whose id is already stored.
 */
public final class StreamBuffer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamBuffer.class);
    private static final int FETCH = 512;
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    /**
     * One kind of record that goes through the stream.
     *
     * @param name  the writer's name (request-log, spans, ...), also the subject's last token
     * @param id    the record's unique id, its message id in the stream
     * @param store where a consumer writes a batch: the store (skipping what is already there)
     */
    public record Kind<T>(String name, Class<T> type, Function<T, String> id, BatchWriter.Target<T> store) {}

    private final BufferConfig config;
    private final Connection connection;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private volatile boolean streamReady;
    private volatile boolean stopped;
    private final List<Thread> consumers = new CopyOnWriteArrayList<>();
    private final List<String> consumerNames = new CopyOnWriteArrayList<>();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();

    public StreamBuffer(BufferConfig config) {
        this.config = config;
        Options options = new Options.Builder().server(config.url()).connectionName("sluice")
                .connectionTimeout(Duration.ofSeconds(2)).maxReconnects(-1).reconnectWait(Duration.ofMillis(500))
                .errorListener(new io.nats.client.ErrorListener() { })
                .build();
        try {
            // a server that is down at start is retried in the background: records spill meanwhile
            this.connection = Nats.connectReconnectOnConnect(options);
            this.js = connection.jetStream();
            this.jsm = connection.jetStreamManagement();
        } catch (IOException e) {
            throw new StoreException("cannot connect to NATS at " + config.url() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while connecting to NATS", e);
        }
        try {
            ensureStream();
        } catch (RuntimeException e) {
            LOG.warn("the JetStream buffer {} at {} is not reachable yet ({}); records spill to disk until it is",
                    config.stream(), config.url(), e.getMessage());
        }
    }

    public BufferConfig config() {
        return config;
    }

    /** Creates the stream (file storage, work-queue retention) unless it exists. */
    private void ensureStream() {
        if (streamReady) {
            return;
        }
        try {
            try {
                jsm.getStreamInfo(config.stream());
            } catch (JetStreamApiException e) {
                if (e.getErrorCode() != 404) {
                    throw e;
                }
                jsm.addStream(StreamConfiguration.builder().name(config.stream()).subjects(config.stream() + ".>")
                        .storageType(StorageType.File).retentionPolicy(RetentionPolicy.WorkQueue)
                        .duplicateWindow(config.dedupWindow()).build());
                LOG.info("created the JetStream stream {} for telemetry", config.stream());
            }
            streamReady = true;
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("JetStream stream " + config.stream() + ": " + e.getMessage(), e);
        }
    }

    /** Where a writer of this kind publishes its batches. */
    public <T> BatchWriter.Target<T> target(Kind<T> kind) {
        ObjectWriter encoder = Json.MAPPER.writerFor(kind.type());
        String subject = config.subject(kind.name());
        return new BatchWriter.Target<>() {
            @Override
            public void write(List<T> batch) throws Exception {
                if (connection.getStatus() != Connection.Status.CONNECTED) {
                    throw new IOException("NATS is not connected (" + connection.getStatus() + ")");
                }
                ensureStream();
                List<CompletableFuture<PublishAck>> acks = new ArrayList<>(batch.size());
                for (T record : batch) {
                    PublishOptions po = PublishOptions.builder().messageId(kind.id().apply(record))
                            .expectedStream(config.stream()).build();
                    acks.add(js.publishAsync(subject, encoder.writeValueAsBytes(record), po));
                }
                long deadline = System.nanoTime() + PUBLISH_TIMEOUT.toNanos();
                for (CompletableFuture<PublishAck> ack : acks) {
                    ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            }

            @Override
            public boolean reachable() {
                if (connection.getStatus() != Connection.Status.CONNECTED) {
                    return false;
                }
                try {
                    ensureStream();
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            }
        };
    }

    /** Starts this node's consumer of each kind: a durable pull consumer shared with the other nodes. */
    public void consume(List<Kind<?>> kinds) {
        for (Kind<?> kind : kinds) {
            String durable = "sluice-" + kind.name();
            consumerNames.add(durable);
            consumers.add(Thread.ofPlatform().name("sluice-" + kind.name() + "-consumer").daemon(true)
                    .start(() -> consumeLoop(kind, durable)));
        }
    }

    private <T> void consumeLoop(Kind<T> kind, String durable) {
        ObjectReader decoder = Json.MAPPER.readerFor(kind.type());
        String subject = config.subject(kind.name());
        JetStreamSubscription sub = null;
        long backoff = 100;
        boolean storeDown = false;
        while (!stopped) {
            try {
                if (sub == null) {
                    ensureStream();
                    jsm.addOrUpdateConsumer(config.stream(), ConsumerConfiguration.builder().durable(durable)
                            .filterSubject(subject).ackPolicy(AckPolicy.Explicit).ackWait(config.ackWait())
                            .maxAckPending(20_000).maxDeliver(-1).build());
                    sub = js.subscribe(subject, PullSubscribeOptions.bind(config.stream(), durable));
                }
                List<Message> messages = sub.fetch(FETCH, Duration.ofMillis(500));
                if (messages.isEmpty()) {
                    continue;
                }
                List<T> batch = new ArrayList<>(messages.size());
                List<Message> good = new ArrayList<>(messages.size());
                for (Message m : messages) {
                    try {
                        batch.add(decoder.readValue(m.getData()));
                        good.add(m);
                    } catch (IOException e) {
                        LOG.error("{}: a record in the stream cannot be read ({}); it is dropped", kind.name(), e.getMessage());
                        m.term();
                    }
                    if (m.metaData().deliveredCount() > 1) {
                        redelivered.incrementAndGet();
                    }
                }
                try {
                    kind.store().write(batch);
                } catch (Exception e) {
                    kind.store().reset();
                    if (!storeDown) {
                        LOG.warn("{}: the store failed ({}); the stream keeps the records and redelivers them",
                                kind.name(), BatchWriter.describe(e));
                        storeDown = true;
                    }
                    for (Message m : good) {
                        m.nakWithDelay(Duration.ofMillis(backoff));
                    }
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 5_000);
                    continue;
                }
                for (Message m : good) {
                    m.ack();
                }
                consumed.addAndGet(good.size());
                if (storeDown) {
                    LOG.info("{}: the store answers again; writing from the stream", kind.name());
                    storeDown = false;
                }
                backoff = 100;
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                LOG.debug("{}: consuming from the stream failed ({}); retrying", kind.name(), e.getMessage());
                sub = null;
                sleep(1_000);
            }
        }
    }

    /** Records this node wrote from the stream to the store. */
    public long consumed() {
        return consumed.get();
    }

    /** Deliveries that were not the first for their message (a consumer failed or died before acknowledging). */
    public long redelivered() {
        return redelivered.get();
    }

    /**
     * Waits until the stream holds nothing for any consumer (every record published so far, by any
     * node, is in the store), or the timeout passes.
     */
    public boolean drained(List<String> kinds, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            try {
                boolean empty = true;
                for (String kind : kinds) {
                    ConsumerInfo info = jsm.getConsumerInfo(config.stream(), "sluice-" + kind);
                    empty &= info.getNumPending() == 0 && info.getNumAckPending() == 0;
                }
                if (empty) {
                    return true;
                }
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                // not there yet (no consumer created, NATS reconnecting): wait
            }
            sleep(20);
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopped = true;
        for (Thread t : consumers) {
            try {
                t.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            connection.flush(Duration.ofSeconds(2));
        } catch (Exception e) {
            // acks not flushed are redelivered to another consumer: stored once anyway
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
