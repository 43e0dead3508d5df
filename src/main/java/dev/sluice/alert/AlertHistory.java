package dev.sluice.alert;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The alerts sent, newest last, at most {@code capacity} entries: rule firings and resolutions, budget
 * thresholds, model changes, rollout rollbacks. Alone, in memory and per node: a restart empties it. With
 * several nodes on one Redis it is {@linkplain #share shared}: every node records what it sent in one list
 * and lists the cluster's history (a rule's firing once, by the node that sent it); while Redis does not
 * answer, each node records and lists its own. The webhook is where alerts are kept for good.
 */
public final class AlertHistory {
    /** The default number of alerts kept. */
    public static final int DEFAULT_CAPACITY = 500;

    /**
     * One alert as it was sent.
     *
     * @param id     increasing from 1, per node or (shared) per cluster
     * @param status {@code firing} or {@code resolved} for rule alerts (their {@code status} detail), else {@code notice}
     */
    public record Entry(long id, long ts, String status, String priority, String title, String message,
                        Map<String, Object> details) {

        /** The team the alert is about ({@code team} detail), or null for organisation-wide alerts. */
        public String team() {
            return details.get("team") instanceof String t ? t : null;
        }
    }

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long next = 1;
    private volatile SharedHistory shared;

    public AlertHistory(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Records and lists the cluster's history in Redis from now on (this node's own while Redis does not answer). */
    public void share(SharedHistory history) {
        this.shared = history;
    }

    /** {@code cluster} when the history is shared by every node, else {@code node}. */
    public String scope() {
        return shared == null ? "node" : "cluster";
    }

    /** Records an alert being sent; the oldest entry goes when the history is full. */
    public synchronized Entry add(Alert alert) {
        String status = alert.details().get("status") instanceof String s && (s.equals("firing") || s.equals("resolved"))
                ? s : "notice";
        Entry e = new Entry(0, clock.millis(), status, alert.priority(), alert.title(), alert.message(),
                alert.details());
        SharedHistory h = shared;
        if (h != null) {
            try {
                long id = h.add(e, capacity);
                return new Entry(id, e.ts(), e.status(), e.priority(), e.title(), e.message(), e.details());
            } catch (io.lettuce.core.RedisException redisDown) {
                // kept in this node's own history instead
            }
        }
        e = new Entry(next++, e.ts(), e.status(), e.priority(), e.title(), e.message(), e.details());
        if (entries.size() >= capacity) {
            entries.pollFirst();
        }
        entries.addLast(e);
        return e;
    }

    /**
     * Entries newest first.
     *
     * @param team   only alerts about this team (null: all)
     * @param status only this status (null: all)
     * @param since  only entries at or after this time (epoch ms; 0: all)
     */
    public List<Entry> recent(String team, String status, long since, int limit) {
        SharedHistory h = shared;
        if (h != null) {
            try {
                return select(h.entries(capacity).iterator(), team, status, since, limit);
            } catch (io.lettuce.core.RedisException redisDown) {
                // this node's own history
            }
        }
        synchronized (this) {
            return select(entries.descendingIterator(), team, status, since, limit);
        }
    }

    private static List<Entry> select(Iterator<Entry> newestFirst, String team, String status, long since, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Iterator<Entry> it = newestFirst; it.hasNext() && out.size() < limit; ) {
            Entry e = it.next();
            if (e.ts() < since) {
                // shared: entries are in the order nodes recorded them, and their clocks may differ a little
                continue;
            }
            if ((team == null || team.equals(e.team())) && (status == null || status.equals(e.status()))) {
                out.add(e);
            }
        }
        return out;
    }

    public int capacity() {
        return capacity;
    }

    /** How many alerts were ever recorded (by the cluster when shared), also those no longer held. */
    public long total() {
        SharedHistory h = shared;
        if (h != null) {
            try {
                return h.total();
            } catch (io.lettuce.core.RedisException redisDown) {
                // this node's own count
            }
        }
        synchronized (this) {
            return next - 1;
        }
    }
}
