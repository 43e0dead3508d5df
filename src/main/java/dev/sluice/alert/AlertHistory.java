package dev.sluice.alert;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The alerts this node sent, newest last, in a ring of at most {@code capacity} entries: rule firings and
 * resolutions, budget thresholds, model changes, rollout rollbacks. In memory and per node: a restart
 * empties it, and behind a load balancer each node keeps what it sent (rules evaluate each node's own traffic
 * anyway). The webhook is where alerts are kept for good.
 */
public final class AlertHistory {
    /** The default number of alerts kept. */
    public static final int DEFAULT_CAPACITY = 500;

    /**
     * One alert as it was sent.
     *
     * @param id     increasing per node, from 1
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

    public AlertHistory(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Records an alert being sent; the oldest entry goes when the ring is full. */
    public synchronized Entry add(Alert alert) {
        String status = alert.details().get("status") instanceof String s && (s.equals("firing") || s.equals("resolved"))
                ? s : "notice";
        Entry e = new Entry(next++, clock.millis(), status, alert.priority(), alert.title(), alert.message(),
                alert.details());
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
    public synchronized List<Entry> recent(String team, String status, long since, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            Entry e = it.next();
            if (e.ts() < since) {
                break;
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

    /** How many alerts were ever recorded on this node (also those the ring no longer holds). */
    public synchronized long total() {
        return next - 1;
    }
}
