package dev.sluice.app;

import dev.sluice.cluster.Membership;
import dev.sluice.cluster.StreamBuffer;
import java.util.function.Function;
import dev.sluice.config.RedisConfig;
import dev.sluice.config.StoreConfig;
import dev.sluice.observe.RequestLogger;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.BodyRecord;
import dev.sluice.store.BodySink;
import dev.sluice.store.Database;
import dev.sluice.store.Erasure;
import dev.sluice.store.FeedbackRecord;
import dev.sluice.store.FeedbackSink;
import dev.sluice.store.NotifyingTarget;
import dev.sluice.store.Redis;
import dev.sluice.store.RequestLogSink;
import dev.sluice.store.RequestRecord;
import dev.sluice.store.ReviewItem;
import dev.sluice.store.ReviewSink;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.SpanSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code store:} and {@code redis:}: the database (SQLite or PostgreSQL), the shared Redis when
 * configured, the batching writers (request log, spans, feedback, bodies), the request logger and
 * the right-to-erasure registry. Ready while the database answers and its writes succeed.
 */
final class StoreModule implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(StoreModule.class);
    /**
     * Write attempts failing in a row (one writer) before readiness turns 503: one failed batch is a blip
     * (a lock, a failover), several mean the store cannot take records (disk full, read-only). A writer
     * retries with backoff up to 5 s, so a store that stopped writing is seen within about 10 s; the first
     * success makes the gateway ready again.
     */
    static final int UNREADY_AFTER_WRITE_FAILURES = 3;
    /** How long an erasure waits for a writer busy on a slow store before answering 503. */
    private static final long PURGE_TIMEOUT_MILLIS = 30_000;

    private final Database database;
    private final Redis redis;
    private final Membership membership;
    private final String clusterId;
    private final StoreWriters writers;
    private final Erasure erasure;
    /** The JetStream buffer between the writers and the store, or null (the default: write directly). */
    private StreamBuffer buffer;
    /** Told of each batch of request-log records committed to the store (see {@link #onRequestsStored}). */
    private final List<Consumer<List<RequestRecord>>> requestsStored;
    private List<String> bufferedKinds = List.of();

    private StoreModule(Database database, Redis redis, StoreWriters writers, String clusterId,
                        List<Consumer<List<RequestRecord>>> requestsStored) {
        this.database = database;
        this.requestsStored = requestsStored;
        this.redis = redis;
        this.clusterId = clusterId;
        this.membership = redis == null ? null : new Membership(redis, clusterId);
        this.writers = writers;
        this.erasure = new Erasure(database);
        // first the records still waiting to be written, so none lands after the tables are cleared
        erasure.addCopy("queued", user -> {
            long n = 0;
            for (BatchWriter<?> w : writers.all()) {
                n += w.purge(user, PURGE_TIMEOUT_MILLIS);
            }
            return n;
        });
    }

    static StoreModule open(StoreConfig config, RedisConfig redisConfig) {
        Database db = config.url() != null ? Database.openPostgres(config.url()) : Database.openSqlite(Path.of(config.path()));
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(db);
        try {
            Redis redis = redisConfig == null ? null : new Redis(redisConfig);
            if (redis != null) {
                opened.add(redis);
            }
            Writers w = new Writers(db, config, config.buffer() == null ? null : opened(opened, new StreamBuffer(config.buffer())),
                    opened);
            // who wants to know that requests are in the store (the feedback index drops them then); set once modules exist
            List<Consumer<List<RequestRecord>>> requestsStored = new CopyOnWriteArrayList<>();
            // the request log and the spans, a request's two rows, share one thread and one transaction a flush
            // (writing to the store directly; through the JetStream buffer each kind has its own stream and writer)
            BatchWriter.Group rows = w.buffer == null
                    ? new BatchWriter.Group("store", new BatchWriter.StoreConnection(db), config.flushInterval()) : null;
            BatchWriter<RequestRecord> requestLog = w.writer("request-log", new RequestLogSink(), RequestRecord.class,
                    RequestRecord::endUser, RequestRecord::ts, RequestRecord::uid, batch -> requestsStored.forEach(l -> l.accept(batch)),
                    rows);
            BatchWriter<SpanRecord> spans = w.writer("spans", new SpanSink(), SpanRecord.class, SpanRecord::endUser,
                    s -> s.startNanos() / 1_000_000, s -> s.traceId() + "/" + s.spanId(), null, rows);
            BatchWriter<FeedbackRecord> feedback = w.writer("feedback", new FeedbackSink(), FeedbackRecord.class,
                    FeedbackRecord::endUser, FeedbackRecord::ts, FeedbackRecord::id);
            BatchWriter<BodyRecord> bodies = w.writer("bodies", new BodySink(), BodyRecord.class, BodyRecord::endUser,
                    BodyRecord::timestamp, BodyRecord::requestId);
            // review items name no end user: erasing one removes their bodies and feedback, not the queue entry
            BatchWriter<ReviewItem> reviews = w.writer("reviews", new ReviewSink(), ReviewItem.class, null, null,
                    ReviewItem::id);
            if (w.buffer != null && config.buffer().consume()) {
                w.buffer.consume(w.kinds);
            }
            String cluster = Membership.clusterId(config.url() != null ? config.url() : Path.of(config.path()).toAbsolutePath().toString());
            StoreModule module = new StoreModule(db, redis, new StoreWriters(requestLog, spans, feedback, bodies, reviews), cluster,
                    requestsStored);
            module.buffer = w.buffer;
            module.bufferedKinds = w.kinds.stream().map(StreamBuffer.Kind::name).toList();
            return module;
        } catch (RuntimeException e) {
            Gateway.closeInReverse(opened);
            throw e;
        }
    }

    /** Builds the writers: to the store, or to the JetStream buffer (whose consumers write to the store). */
    private static final class Writers {
        final Database db;
        final StoreConfig config;
        final StreamBuffer buffer;
        final List<AutoCloseable> opened;
        final List<StreamBuffer.Kind<?>> kinds = new ArrayList<>();

        Writers(Database db, StoreConfig config, StreamBuffer buffer, List<AutoCloseable> opened) {
            this.db = db;
            this.config = config;
            this.buffer = buffer;
            this.opened = opened;
        }

        <T> BatchWriter<T> writer(String name, BatchWriter.Sink<T> sink, Class<T> type, Function<T, String> endUser,
                                  java.util.function.ToLongFunction<T> madeAt, Function<T, String> id) {
            return writer(name, sink, type, endUser, madeAt, id, null, null);
        }

        /**
         * @param stored told of each batch this node commits to the store (its own records or, consuming the stream, any node's)
         * @param group  the writers this one shares a thread and transactions with (only when writing to the store directly), or null
         */
        <T> BatchWriter<T> writer(String name, BatchWriter.Sink<T> sink, Class<T> type, Function<T, String> endUser,
                                  java.util.function.ToLongFunction<T> madeAt, Function<T, String> id,
                                  Consumer<List<T>> stored, BatchWriter.Group group) {
            // erasure tombstones are checked where records reach the store, whichever node or stream they came through
            BatchWriter.Target<T> store = group == null ? new BatchWriter.StoreTarget<>(db, sink, endUser, madeAt)
                    : new BatchWriter.StoreTarget<>(group.connection(), sink, endUser, madeAt);
            if (stored != null) {
                store = new NotifyingTarget<>(store, stored);
            }
            BatchWriter.Target<T> target = store;
            if (buffer != null) {
                StreamBuffer.Kind<T> kind = new StreamBuffer.Kind<>(name, type, id, store);
                kinds.add(kind);
                target = buffer.target(kind);
            }
            return opened(opened, new BatchWriter<>(name, target, type, config.queueCapacity(), Path.of(config.spillDir()),
                    config.flushInterval(), endUser, group));
        }
    }

    private static <T extends AutoCloseable> T opened(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public String name() {
        return "store";
    }

    @Override
    public void contribute(Contributions to) {
        to.readiness("store", database::healthy);
        // Liveness is not the store's: a gateway that cannot write still serves, spilling to disk.
        to.readiness("store_writes", () -> writers.all().stream()
                .allMatch(w -> w.consecutiveFailures() < UNREADY_AFTER_WRITE_FAILURES));
    }

    Database database() {
        return database;
    }

    /** The shared Redis, or null when none is configured. */
    Redis redis() {
        return redis;
    }

    /** This node's heartbeat in the cluster membership record, or null without Redis. */
    Membership membership() {
        return membership;
    }

    /** The cluster's id (nodes sharing this store), which namespaces its keys in a shared Redis. */
    String clusterId() {
        return clusterId;
    }

    /** Live gateway nodes as of the last heartbeat Redis answered (1 without Redis). */
    int liveNodes() {
        return membership == null ? 1 : membership.liveNodes();
    }

    /**
     * Registers what to tell, on the request-log writer's thread, which records this node has just committed to
     * the store (after a spill, when they are replayed; with the JetStream buffer, when this node's consumer writes
     * them, whichever node made them). Must not block.
     */
    void onRequestsStored(Consumer<List<RequestRecord>> listener) {
        requestsStored.add(listener);
    }

    StoreWriters writers() {
        return writers;
    }

    Erasure erasure() {
        return erasure;
    }

    /**
     * The request logger; with the system property {@value #NO_REQUEST_LOG} set to {@code true}, one that records
     * nothing. That property is a measurement switch, not a feature (spend read back at a restart, analytics and the
     * dashboard need the log): {@code bench/scripts/cpu-per-request.sh}'s {@code bare} variant uses it to price
     * tracing and the request log together against neither (issue 15's target).
     */
    RequestLogger requestLogger() {
        // a request's root span row goes into its log row (one row instead of two); the span writer takes a root its
        // log row cannot carry
        return new RequestLogger(Boolean.getBoolean(NO_REQUEST_LOG) ? null : writers.requestLog(), writers.spans()::offer);
    }

    static final String NO_REQUEST_LOG = "sluice.bench.no_request_log";

    /** Waits until every queued record is stored; false when one writer did not finish in time. */
    boolean flush(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        boolean all = true;
        for (BatchWriter<?> w : writers.all()) {
            all &= w.flush(timeoutMillis);
        }
        if (buffer != null && all) {
            // published is not stored yet: wait for the consumers (of any node) to empty the stream
            all = buffer.drained(bufferedKinds, Math.max(0, deadline - System.currentTimeMillis()));
        }
        return all;
    }

    /** The JetStream buffer, or null when records go to the store directly. */
    StreamBuffer buffer() {
        return buffer;
    }

    @Override
    public void close() {
        // each writer drains its own queue, so they close side by side: shutdown waits for the slowest (an
        // idle writer notices the close at its next 200 ms poll), not for the five one after the other
        List<BatchWriter<?>> all = List.of(writers.spans(), writers.feedback(), writers.reviews(), writers.bodies(),
                writers.requestLog());
        try (java.util.concurrent.ExecutorService closing = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            all.forEach(w -> closing.submit(w::close));
        }
        if (writers.requestLog().written() + writers.requestLog().dropped() > 0) {
            LOG.info("request log flushed: {} written, {} dropped", writers.requestLog().written(),
                    writers.requestLog().dropped());
        }
        if (buffer != null) {
            buffer.close();
        }
        if (membership != null) {
            membership.close();
        }
        if (redis != null) {
            redis.close();
        }
        database.close();
    }
}
