package dev.sluice.alert;

import dev.sluice.config.AlertRule;
import dev.sluice.store.Redis;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Alert rule windows shared by every gateway node through Redis, so a rule sees the whole
 * cluster's traffic and is evaluated by one node per evaluation tick.
 *
 * <p>A window is cut into slots of max(1 s, window / 60). Each node adds its samples to the slot's
 * hash ({@code n} samples, {@code s} their sum, and for latency rules a histogram of 5%-wide
 * buckets) in batches, at most a second after they happened; the evaluating node sums the slots of
 * the window in one script. A latency p99 read from the histogram is at most 5% above the exact one.
 * Which node evaluates a tick is decided by a lease ({@code SET NX} on the tick's key); the firing
 * state and the last firing time live in Redis too, changed by compare-and-set, so cooldowns hold
 * across nodes and each firing and resolution is sent once.
 */
public final class SharedWindows {
    /** Latency histogram buckets grow by 5%, from 1 ms. */
    private static final double GROWTH = 1.05;
    private static final int MAX_BUCKET = 400;

    private final Redis redis;
    private final String prefix;
    private final String nodeId;
    private final String windowScript;
    private final Map<String, Acc> pending = new ConcurrentHashMap<>();

    /** Samples of one rule's slot not yet added to Redis. */
    private static final class Acc {
        final String key;
        final long ttlMillis;
        long n;
        double sum;
        final Map<Integer, Long> histogram = new HashMap<>();

        Acc(String key, long ttlMillis) {
            this.key = key;
            this.ttlMillis = ttlMillis;
        }
    }

    /** One rule's window summed over every node. */
    public record Totals(long samples, double sum, Map<Integer, Long> histogram) {}

    /** A rule's firing state, shared by the nodes. */
    public record Firing(boolean firing, long lastFired) {}

    /** @param prefix Redis key prefix, e.g. {@code sluice:alerts:} */
    public SharedWindows(Redis redis, String prefix, String nodeId) {
        this.redis = redis;
        this.prefix = prefix;
        this.nodeId = nodeId;
        try (InputStream in = SharedWindows.class.getResourceAsStream("/dev/sluice/alert/window.lua")) {
            this.windowScript = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long slotMillis(AlertRule r) {
        return Math.max(1000, r.window().toMillis() / 60);
    }

    private String slotPrefix(AlertRule r) {
        return prefix + "w:" + r.name() + ":";
    }

    /** Adds a sample (kept here until the next {@link #flush}). */
    public void record(AlertRule r, long now, double value) {
        long slotMs = slotMillis(r);
        long slot = now / slotMs;
        String key = slotPrefix(r) + slot;
        Acc acc = pending.computeIfAbsent(key, k -> new Acc(k, r.window().toMillis() + 2 * slotMs));
        synchronized (acc) {
            acc.n++;
            acc.sum += value;
            if (r.isLatency()) {
                acc.histogram.merge(bucket(value), 1L, Long::sum);
            }
        }
    }

    /** Adds the samples gathered since the last call to Redis; throws (keeping none) when Redis does not answer. */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        RedisCommands<String, String> r = redis.sync();
        for (String key : List.copyOf(pending.keySet())) {
            Acc acc = pending.remove(key);
            if (acc == null) {
                continue;
            }
            synchronized (acc) {
                r.hincrby(acc.key, "n", acc.n);
                r.hincrbyfloat(acc.key, "s", acc.sum);
                for (Map.Entry<Integer, Long> h : acc.histogram.entrySet()) {
                    r.hincrby(acc.key, "h" + h.getKey(), h.getValue());
                }
                r.pexpire(acc.key, acc.ttlMillis);
            }
        }
    }

    /** The rule's window ending at {@code now}, summed over every node's samples. */
    public Totals read(AlertRule r, long now) {
        long slotMs = slotMillis(r);
        long last = now / slotMs;
        long first = (now - r.window().toMillis() + slotMs - 1) / slotMs;
        List<Object> flat = redis.sync().eval(windowScript, ScriptOutputType.MULTI, new String[0],
                slotPrefix(r), Long.toString(first), Long.toString(last));
        long n = 0;
        double sum = 0;
        Map<Integer, Long> histogram = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String field = flat.get(i).toString();
            double v = Double.parseDouble(flat.get(i + 1).toString());
            if (field.equals("n")) {
                n = Math.round(v);
            } else if (field.equals("s")) {
                sum = v;
            } else if (field.startsWith("h")) {
                histogram.put(Integer.parseInt(field.substring(1)), Math.round(v));
            }
        }
        return new Totals(n, sum, histogram);
    }

    /** Whether this node evaluates the tick containing {@code now} (the first node to ask gets it). */
    public boolean lease(long now, Duration interval) {
        long tick = now / Math.max(1, interval.toMillis());
        return "OK".equals(redis.sync().set(prefix + "tick:" + tick, nodeId,
                SetArgs.Builder.nx().px(Math.max(1000, 2 * interval.toMillis()))));
    }

    public Firing firing(AlertRule r) {
        Map<String, String> h = redis.sync().hgetall(prefix + "state:" + r.name());
        return new Firing("1".equals(h.get("firing")),
                h.containsKey("last_fired") && !h.get("last_fired").equals("none") ? Long.parseLong(h.get("last_fired"))
                        : Long.MIN_VALUE);
    }

    /**
     * Changes a rule's firing state from {@code from} to {@code to} if it still is {@code from}, in one
     * script: of nodes deciding the same change at once (a slow tick overlapping the next), one wins and
     * sends the alert.
     *
     * @return whether this call made the change
     */
    public boolean transition(AlertRule r, Firing from, Firing to) {
        Long changed = redis.sync().eval(TRANSITION, ScriptOutputType.INTEGER, new String[] {prefix + "state:" + r.name()},
                from.firing() ? "1" : "0", lastFired(from), to.firing() ? "1" : "0", lastFired(to));
        return changed != null && changed == 1L;
    }

    private static String lastFired(Firing f) {
        return f.lastFired() == Long.MIN_VALUE ? "none" : Long.toString(f.lastFired());
    }

    private static final String TRANSITION = """
            local h = redis.call('HMGET', KEYS[1], 'firing', 'last_fired')
            local firing = h[1] == '1' and '1' or '0'
            local last = h[2] or 'none'
            if firing ~= ARGV[1] or last ~= ARGV[2] then return 0 end
            redis.call('HSET', KEYS[1], 'firing', ARGV[3], 'last_fired', ARGV[4])
            return 1
            """;

    /** The value of a rule from its totals: a rate's mean, a spend's sum, a latency's p99 (seconds). */
    static double value(AlertRule r, Totals t) {
        if (t.samples() == 0) {
            return 0;
        }
        if (r.isLatency()) {
            long rank = (long) Math.ceil(0.99 * t.samples());
            long seen = 0;
            for (int b = 0; b <= MAX_BUCKET; b++) {
                seen += t.histogram().getOrDefault(b, 0L);
                if (seen >= rank) {
                    return upper(b);
                }
            }
            return upper(MAX_BUCKET);
        }
        if (r.metric().equals(AlertRule.SPEND)) {
            return t.sum();
        }
        return t.sum() / t.samples();
    }

    /** The histogram bucket of a latency in seconds: bucket b holds (1.05^(b-1), 1.05^b] ms. */
    static int bucket(double seconds) {
        double ms = seconds * 1000;
        if (ms <= 1) {
            return 0;
        }
        return (int) Math.min(MAX_BUCKET, Math.ceil(Math.log(ms) / Math.log(GROWTH)));
    }

    /** A bucket's upper bound, in seconds. */
    static double upper(int bucket) {
        return Math.pow(GROWTH, bucket) / 1000;
    }
}
