package dev.sluice.app;

import dev.sluice.cluster.Membership;
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
    private final StoreWriters writers;
    private final Erasure erasure;

    private StoreModule(Database database, Redis redis, StoreWriters writers) {
        this.database = database;
        this.redis = redis;
        this.membership = redis == null ? null : new Membership(redis);
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
            Path spill = Path.of(config.spillDir());
            int capacity = config.queueCapacity();
            java.time.Duration flush = config.flushInterval();
            BatchWriter<RequestRecord> requestLog = opened(opened,
                    new BatchWriter<>("request-log", db, new RequestLogSink(), RequestRecord.class, capacity, spill, flush,
                            RequestRecord::endUser));
            BatchWriter<SpanRecord> spans = opened(opened,
                    new BatchWriter<>("spans", db, new SpanSink(), SpanRecord.class, capacity, spill, flush, SpanRecord::endUser));
            BatchWriter<FeedbackRecord> feedback = opened(opened,
                    new BatchWriter<>("feedback", db, new FeedbackSink(), FeedbackRecord.class, capacity, spill, flush,
                            FeedbackRecord::endUser));
            BatchWriter<BodyRecord> bodies = opened(opened,
                    new BatchWriter<>("bodies", db, new BodySink(), BodyRecord.class, capacity, spill, flush, BodyRecord::endUser));
            // review items name no end user: erasing one removes their bodies and feedback, not the queue entry
            BatchWriter<ReviewItem> reviews = opened(opened,
                    new BatchWriter<>("reviews", db, new ReviewSink(), ReviewItem.class, capacity, spill, flush, null));
            return new StoreModule(db, redis, new StoreWriters(requestLog, spans, feedback, bodies, reviews));
        } catch (RuntimeException e) {
            Gateway.closeInReverse(opened);
            throw e;
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

    /** Live gateway nodes as of the last heartbeat Redis answered (1 without Redis). */
    int liveNodes() {
        return membership == null ? 1 : membership.liveNodes();
    }

    StoreWriters writers() {
        return writers;
    }

    Erasure erasure() {
        return erasure;
    }

    RequestLogger requestLogger() {
        return new RequestLogger(writers.requestLog());
    }

    /** Waits until every queued record is stored; false when one writer did not finish in time. */
    boolean flush(long timeoutMillis) {
        boolean all = true;
        for (BatchWriter<?> w : writers.all()) {
            all &= w.flush(timeoutMillis);
        }
        return all;
    }

    @Override
    public void close() {
        writers.spans().close();
        writers.feedback().close();
        writers.reviews().close();
        writers.bodies().close();
        writers.requestLog().close();
        if (writers.requestLog().written() + writers.requestLog().dropped() > 0) {
            LOG.info("request log flushed: {} written, {} dropped", writers.requestLog().written(),
                    writers.requestLog().dropped());
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
