package dev.sluice.cluster;

import dev.sluice.store.Redis;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which gateway nodes are alive: each node renews a record in Redis every {@link #EVERY} that
 * expires after {@link #TTL} (Redis's clock), and learns from the same round trip how many
 * records are alive. The count is what a node remembers when Redis stops answering, so the local
 * limiter fallback can give each node its share of a limit instead of the whole limit.
 *
 * <p>A node that never reached Redis counts itself alone (1). A node killed without a goodbye stays
 * counted until its record expires (≤ {@link #TTL}); a node stopped normally removes its record.
 */
public final class Membership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    static final String MEMBERS = "sluice:cluster:nodes";
    static final String INFO = "sluice:cluster:info";
    public static final Duration EVERY = Duration.ofSeconds(3);
    public static final Duration TTL = Duration.ofSeconds(10);

    private final Redis redis;
    private final String nodeId;
    private final String description;
    private final Duration every;
    private final Duration ttl;
    private final String script;
    private final Thread thread;
    private volatile int live = 1;
    private volatile long lastBeat;
    private volatile boolean stopped;

    public Membership(Redis redis) {
        this(redis, EVERY, TTL, true);
    }

    /** @param background heartbeat on a virtual thread every {@code every}; false = only {@link #beat()} */
    public Membership(Redis redis, Duration every, Duration ttl, boolean background) {
        this.redis = redis;
        this.every = every;
        this.ttl = ttl;
        this.nodeId = host() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.description = "{\"node\":\"" + nodeId + "\",\"started\":\""
                + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()) + "\"}";
        this.script = load("heartbeat.lua");
        if (background) {
            try {
                beat();
            } catch (RedisException e) {
                LOG.warn("Redis is unreachable for the cluster membership record ({}); counting this node alone until it answers",
                        e.getMessage());
            }
            this.thread = Thread.ofVirtual().name("sluice-membership").start(this::loop);
        } else {
            this.thread = null;
        }
    }

    /** This node's id in the membership record. */
    public String nodeId() {
        return nodeId;
    }

    /** Renews this node's record; returns the live node count. Throws when Redis does not answer. */
    public int beat() {
        Long n = redis.sync().eval(script, ScriptOutputType.INTEGER, new String[] {MEMBERS, INFO},
                nodeId, Long.toString(ttl.toMillis()), description);
        live = (int) Math.max(1, n);
        lastBeat = System.currentTimeMillis();
        return live;
    }

    /** Live nodes as of the last heartbeat Redis answered (this node included); 1 if it never answered. */
    public int liveNodes() {
        return live;
    }

    /** Wall-clock millis of the last heartbeat Redis answered, 0 if none. */
    public long lastBeat() {
        return lastBeat;
    }

    /** The live nodes' descriptions by id, read now from Redis. */
    public Map<String, String> members() {
        Map<String, String> out = new LinkedHashMap<>();
        var r = redis.sync();
        long now = Long.parseLong(r.time().getFirst()) * 1000;
        for (String id : r.zrangebyscore(MEMBERS, io.lettuce.core.Range.create((double) now, Double.POSITIVE_INFINITY))) {
            String d = r.hget(INFO, id);
            out.put(id, d == null ? "{}" : d);
        }
        return out;
    }

    private void loop() {
        boolean down = false;
        while (!stopped) {
            try {
                Thread.sleep(every);
                beat();
                if (down) {
                    LOG.info("cluster membership record renewed again: {} live nodes", live);
                    down = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RedisException e) {
                if (!down) {
                    LOG.warn("cannot renew the cluster membership record ({}); remembering {} live nodes", e.getMessage(), live);
                    down = true;
                }
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
        try {
            var r = redis.sync();
            r.zrem(MEMBERS, nodeId);
            r.hdel(INFO, nodeId);
        } catch (RedisException e) {
            // its record expires on its own
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "node";
        }
    }

    static String load(String name) {
        try (InputStream in = Membership.class.getResourceAsStream("/dev/sluice/cluster/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
