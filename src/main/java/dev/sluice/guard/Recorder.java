package dev.sluice.guard;

import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.GuardEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects the triggers of one direction of one request and writes them to the exchange as guard
 * events, one per guardrail (types merged, highest score), and to the metrics. Streams record many
 * windows; this folds them into one event per guardrail and action.
 */
final class Recorder {
    private record Entry(String name, String verdict, String action, double score, String types) {}

    private final Exchange exchange;
    private final Direction direction;
    private final GuardMetrics metrics;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    Recorder(Exchange exchange, Direction direction, GuardMetrics metrics) {
        this.exchange = exchange;
        this.direction = direction;
        this.metrics = metrics;
    }

    /** Records a trigger with the action actually taken (an error below threshold is recorded as flag). */
    void add(Trigger t, Action taken) {
        add(t.rule().name(), t.verdict(), taken, t.score(), t.types());
    }

    void add(String name, String verdict, Action taken, double score, String types) {
        String key = name + "|" + taken.label() + "|" + verdict;
        Entry e = entries.get(key);
        if (e == null) {
            entries.put(key, new Entry(name, verdict, taken.label(), score, types));
        } else {
            entries.put(key, new Entry(name, verdict, e.action(), Math.max(e.score(), score), merge(e.types(), types)));
        }
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Writes the events to the exchange and the metrics, once. */
    void flush() {
        for (Entry e : entries.values()) {
            exchange.addGuardEvent(new GuardEvent(e.name(), direction.label(), e.verdict(), round(e.score()), e.action(),
                    e.types()));
            metrics.trigger(direction.label(), e.name(), e.action());
        }
        entries.clear();
    }

    private static String merge(String a, String b) {
        if (a.isEmpty()) {
            return b;
        }
        StringBuilder sb = new StringBuilder(a);
        for (String t : b.split(",")) {
            if (!t.isEmpty() && !("," + a + ",").contains("," + t + ",")) {
                sb.append(',').append(t);
            }
        }
        return sb.toString();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
