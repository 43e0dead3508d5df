package dev.sluice.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes request-log records in batches on its own thread, so a request never waits for the disk.
 * {@link #offer} never blocks: if the bounded queue is full the record is counted as dropped and
 * logged. A failed batch is kept and retried, never thrown away. {@link #close} drains everything.
 */
public final class RequestLogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLogWriter.class);
    private static final int BATCH = 512;
    private static final long GATHER_MILLIS = 50;
    private static final String INSERT = "INSERT INTO request_log (ts, request_id, key_id, end_user, operation, model,"
            + " provider, upstream_model, stream, status, error_type, tokens_in, tokens_out, ttft_ms, latency_ms,"
            + " attempts, cache_status, cache_similarity, saved_tokens_in, saved_tokens_out)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Database database;
    private final BlockingQueue<RequestRecord> queue;
    private final Thread thread;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closing;

    public RequestLogWriter(Database database, int capacity) {
        this.database = database;
        this.queue = new ArrayBlockingQueue<>(capacity);
        // A platform thread: SQLite's JNI calls would pin a virtual thread's carrier anyway.
        this.thread = Thread.ofPlatform().name("sluice-request-log").daemon(true).start(this::run);
    }

    /** Queues a record without blocking; returns false (and counts a drop) when the queue is full. */
    public boolean offer(RequestRecord record) {
        if (closing || !queue.offer(record)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.error("request log queue is full or closed: {} record(s) dropped so far; the store is not keeping up", n);
            }
            return false;
        }
        accepted.incrementAndGet();
        return true;
    }

    public long written() {
        return written.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public int queued() {
        return queue.size();
    }

    /** Waits until every accepted record is on disk, or the timeout passes; true when flushed. */
    public boolean flush(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (written.get() < accepted.get()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void run() {
        List<RequestRecord> batch = new ArrayList<>(BATCH);
        Connection connection = null;
        long backoffMillis = 100;
        while (!(closing && queue.isEmpty() && batch.isEmpty())) {
            try {
                if (batch.isEmpty()) {
                    RequestRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    if (!closing && queue.size() < BATCH) {
                        // Let a batch gather: one transaction per few hundred rows instead of one per
                        // request keeps the writer's CPU and syscalls off the request path's cores.
                        Thread.sleep(GATHER_MILLIS);
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                if (connection == null) {
                    connection = database.connect();
                    connection.setAutoCommit(false);
                }
                insert(connection, batch);
                written.addAndGet(batch.size());
                batch.clear();
                backoffMillis = 100;
            } catch (InterruptedException e) {
                closing = true;
            } catch (SQLException | RuntimeException e) {
                LOG.warn("request log write of {} record(s) failed, retrying in {} ms: {}", batch.size(), backoffMillis,
                        e.getMessage());
                connection = closeQuietly(connection);
                if (closing && backoffMillis > 3_200) {
                    LOG.error("giving up on {} request log record(s) at shutdown: the store is unavailable", batch.size());
                    dropped.addAndGet(batch.size() + queue.size());
                    return;
                }
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
        closeQuietly(connection);
    }

    private static void insert(Connection c, List<RequestRecord> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (RequestRecord r : batch) {
                ps.setLong(1, r.ts());
                ps.setString(2, r.requestId());
                ps.setString(3, r.keyId());
                ps.setString(4, r.endUser());
                ps.setString(5, r.operation());
                ps.setString(6, r.model());
                ps.setString(7, r.provider());
                ps.setString(8, r.upstreamModel());
                ps.setInt(9, r.stream() ? 1 : 0);
                ps.setInt(10, r.status());
                ps.setString(11, r.errorType());
                setInt(ps, 12, r.tokensIn());
                setInt(ps, 13, r.tokensOut());
                if (r.ttftMs() < 0) {
                    ps.setNull(14, Types.INTEGER);
                } else {
                    ps.setLong(14, r.ttftMs());
                }
                ps.setLong(15, r.latencyMs());
                ps.setInt(16, r.attempts());
                ps.setString(17, r.cacheStatus());
                if (r.cacheSimilarity() == null) {
                    ps.setNull(18, Types.REAL);
                } else {
                    ps.setDouble(18, r.cacheSimilarity());
                }
                setInt(ps, 19, r.savedTokensIn());
                setInt(ps, 20, r.savedTokensOut());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is replaced anyway
            }
            throw e;
        }
    }

    private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    private static Connection closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // replaced on the next attempt
            }
        }
        return null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting, writes everything queued, then returns (bounded by a minute). */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
