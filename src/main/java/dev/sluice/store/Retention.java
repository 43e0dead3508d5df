package dev.sluice.store;

import dev.sluice.config.RetentionConfig;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes records older than their kind's time to live (request log, spans, bodies, audit,
 * feedback, minute rollups), on a background virtual thread at a fixed interval. On PostgreSQL the
 * request log, spans and bodies are partitioned by day ({@link Partitions}): whole expired days are
 * dropped, the rows of the day the cutoff falls in are deleted, and the coming days' partitions are
 * created on every run. {@link #runOnce()} is the whole job, so tests call it after moving the clock.
 * With several nodes on one store, each round is run by one node: the first to take the
 * {@link ClusterLease} for that interval.
 */
public final class Retention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /** A table, its time column, and how that column counts time. */
    private record Kind(String table, String column, boolean nanos, Duration ttl) {}

    private final Database database;
    private final Clock clock;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private final Duration interval;
    /** How long spans are kept ({@code retention.spans}), the root spans the request log carries too; null: forever. */
    private final Duration spans;
    /** Taken by the node that runs a round for the whole cluster; the others skip that round. */
    private final ClusterLease lease;
    private final Thread thread;
    private volatile boolean stopped;

    public Retention(Database database, RetentionConfig config, Clock clock, boolean background) {
        this.database = database;
        this.clock = clock;
        this.interval = config.interval();
        this.spans = config.spans();
        this.lease = new ClusterLease(database, "retention");
        add("request_log", "ts", false, config.requestLog());
        add("spans", "start_ns", true, config.spans());
        add("trace_summary", "start_ns", true, config.spans()); // partitioned by day (V60) like the spans
        add("bodies", "ts", false, config.bodies());
        add("audit_log", "ts", false, config.audit());
        // rollups finer than an hour serve short ranges and edges: kept as long as the log; hours and days stay (small)
        for (Rollups.Level level : Rollups.LEVELS) {
            if (level.widthMillis() < 3_600_000L) {
                add(level.table(), "ts", false, config.requestLog());
            }
        }
        this.thread = background ? Thread.ofVirtual().name("sluice-retention").start(this::loop) : null;
    }

    /** Registers another kind of record (e.g. feedback, kept by another package). */
    public void add(String table, String column, boolean nanos, Duration ttl) {
        if (ttl != null) {
            kinds.put(table, new Kind(table, column, nanos, ttl));
        }
    }

    /** Deletes what is past its TTL now; returns rows deleted per table. */
    public Map<String, Integer> runOnce() {
        long now = clock.millis();
        Map<String, Integer> deleted = new LinkedHashMap<>();
        // PostgreSQL: the coming days' partitions, and whole expired days dropped instead of deleted row by row
        Partitions.ensure(database, now);
        for (Kind k : kinds.values()) {
            long cutoffMillis = now - k.ttl().toMillis();
            if (k.table().equals("request_log") && (spans == null || spans.compareTo(k.ttl()) > 0)) {
                // the gateway-only traces (no summary row) of the rows going now would outlive them as summary rows
                keepGatewayOnly(cutoffMillis);
            }
            if (Partitions.TABLES.stream().anyMatch(t -> t.name().equals(k.table()))) {
                List<String> dropped = Partitions.dropBefore(database, k.table(), cutoffMillis);
                if (!dropped.isEmpty()) {
                    LOG.info("retention dropped {} expired day partition(s) of {}: {}", dropped.size(), k.table(), dropped);
                }
            }
            long cutoff = k.nanos() ? cutoffMillis * 1_000_000 : cutoffMillis;
            int n = database.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + k.table() + " WHERE " + k.column() + " < ?")) {
                    ps.setLong(1, cutoff);
                    return ps.executeUpdate();
                }
            });
            deleted.put(k.table(), n);
        }
        if (spans != null) {
            deleted.put("request_log.spans", expireRootSpans(now - spans.toMillis()));
        }
        if (deleted.values().stream().anyMatch(n -> n > 0)) {
            LOG.info("retention removed expired records: {}", deleted);
        }
        return deleted;
    }

    /**
     * When the request log is kept for less time than the spans, a gateway-only trace (its only spans the root a log
     * row carries, no summary row: {@link TraceSummaries#addStored}) would leave the trace lists with its log row, where
     * its summary row would have stayed for {@code retention.spans}: the rows about to expire get their summary rows
     * first (what the writer would have written), in the rows' own day partitions.
     */
    private void keepGatewayOnly(long cutoffMillis) {
        database.inTransaction(c -> {
            List<SpanRecord> roots;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SpanReader.ROOT_AS_SPAN + " FROM request_log r"
                    + " WHERE ts < ? AND span_id IS NOT NULL AND span_start_ns >= COALESCE((SELECT upto FROM expiry_marks"
                    + " WHERE name = ?), 0) * 1000000 AND " + SpanReader.NO_SUMMARY)) {
                ps.setLong(1, cutoffMillis);
                ps.setString(2, ROOT_SPANS_MARK);
                roots = SpanReader.records(ps);
            }
            try (Statements statements = new Statements(TraceSummaries::sqliteFunctions)) {
                TraceSummaries.add(c, database.dialect() == Database.Dialect.POSTGRES, roots, statements);
            }
            return null;
        });
    }

    /** The mark of {@link #expireRootSpans} in {@code expiry_marks}. */
    static final String ROOT_SPANS_MARK = "request_log.spans";

    /**
     * Removes the root spans the request-log rows carry (migration V67) from the rows started before
     * {@code cutoffMillis}, the spans' time to live, while the rows stay for the request log's own: their span columns
     * are set to null. Each run clears the rows from the previous run's cutoff (kept in {@code expiry_marks}) to this
     * one, in one transaction with the new mark, so a run reads only the rows that expired since the last (through
     * the log's {@code ts} index), not every older row the log still keeps. Returns the rows cleared.
     */
    int expireRootSpans(long cutoffMillis) {
        return database.inTransaction(c -> {
            long from = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT upto FROM expiry_marks WHERE name = ?")) {
                ps.setString(1, ROOT_SPANS_MARK);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        from = rs.getLong(1);
                    }
                }
            }
            int n = 0;
            if (cutoffMillis > from) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE request_log SET span_id = NULL, span_parent = NULL,"
                        + " span_name = NULL, span_kind = NULL, span_start_ns = NULL, span_end_ns = NULL, span_status = NULL,"
                        + " span_status_message = NULL, span_service = NULL, span_attributes = NULL, span_events = NULL,"
                        + " span_stages = NULL WHERE ts >= ? AND ts < ? AND span_id IS NOT NULL")) {
                    ps.setLong(1, from);
                    ps.setLong(2, cutoffMillis);
                    n = ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE expiry_marks SET upto = ? WHERE name = ?")) {
                    ps.setLong(1, cutoffMillis);
                    ps.setString(2, ROOT_SPANS_MARK);
                    if (ps.executeUpdate() == 0) {
                        try (PreparedStatement insert = c.prepareStatement("INSERT INTO expiry_marks (name, upto) VALUES (?, ?)")) {
                            insert.setString(1, ROOT_SPANS_MARK);
                            insert.setLong(2, cutoffMillis);
                            insert.executeUpdate();
                        }
                    }
                }
            }
            return n;
        });
    }

    /**
     * One scheduled round, run by one node of the cluster: the node that takes the retention lease
     * (for one interval) runs it, every other node skips it. Returns whether this node ran it.
     */
    public boolean runScheduled() {
        // a little less than the interval, so the holder's own next round finds it free again
        if (!lease.tryTake(clock.millis(), Math.max(1, interval.toMillis() - Math.min(1000, interval.toMillis() / 10)))) {
            return false;
        }
        runOnce();
        return true;
    }

    private void loop() {
        while (!stopped) {
            try {
                Thread.sleep(interval);
                runScheduled();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("retention run failed, will retry: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
