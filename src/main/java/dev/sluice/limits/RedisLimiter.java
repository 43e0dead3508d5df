package dev.sluice.limits;

import dev.sluice.store.Redis;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Limits shared by every gateway instance, in Redis. One Lua script checks and takes all of a
 * request's buckets in a single round trip and atomically (Redis runs scripts one at a time), so
 * a burst spread over many instances is admitted exactly up to the limit. Bucket4j would need a
 * compare-and-swap round trip per bucket and cannot take several buckets all-or-nothing; the
 * script is shorter than its configuration. Time is Redis's own, so instance clocks do not matter.
 *
 * <p>A concurrency slot is a lease ({@code redis.lease_ttl}, 20 s by default), renewed every quarter
 * of it while its request runs ({@link LeaseKeeper}): the slots of a node that dies come back to the
 * others within the lease time, while a stream may run as long as it likes.
 */
public final class RedisLimiter implements Limiter {
    private static final String PREFIX = "sluice:lim:";

    private final Redis redis;
    private final Clock clock;
    private final long leaseTtlMillis;
    private final Script acquireScript = new Script("acquire.lua");
    private final Script settleScript = new Script("settle.lua");
    private final Script renewScript = new Script("renew.lua");
    private final Script peekScript = new Script("peek.lua");
    private final LeaseKeeper leases;

    /** Leases of {@code redis.lease_ttl}: a slot not renewed for that long is free again (its node died or lost Redis). */
    public RedisLimiter(Redis redis, Clock clock) {
        this(redis, clock, redis.config().leaseTtl(), redis.config().leaseTtl().dividedBy(4)); // four chances to renew
    }

    /** With other lease timings, for tests. */
    RedisLimiter(Redis redis, Clock clock, Duration leaseTtl, Duration renewEvery) {
        this.redis = redis;
        this.clock = clock;
        this.leaseTtlMillis = leaseTtl.toMillis();
        this.leases = new LeaseKeeper(renewEvery, this::renew);
    }

    @Override
    public Decision acquire(List<Bucket> buckets, String leaseId) {
        String[] keys = keys(buckets);
        List<String> args = new ArrayList<>(2 + 4 * buckets.size());
        args.add(leaseId);
        args.add(Long.toString(leaseTtlMillis));
        for (Bucket b : buckets) {
            args.add(code(b.kind()));
            args.add(Double.toString(b.limit()));
            args.add(Double.toString(b.amount()));
            args.add(Long.toString(b.ttlMillis()));
        }
        List<Object> out = run(acquireScript, keys, args.toArray(new String[0]));
        long now = clock.millis();
        if (asLong(out.get(0)) == 0) {
            Bucket refused = buckets.get((int) asLong(out.get(1)) - 1);
            long retry = asLong(out.get(2));
            return new Decision(refused, retry == -2 ? Periods.untilEnd(refused.kind(), now) : retry, List.of(), this);
        }
        List<Decision.State> states = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            double left = Double.parseDouble(asString(out.get(3 + i)));
            long reset = b.kind().perMinute() ? (long) Math.ceil((b.limit() - left) / b.refillPerMilli())
                    : b.kind().budget() ? Periods.untilEnd(b.kind(), now) : 0;
            states.add(new Decision.State(b, left, reset));
        }
        List<LeaseKeeper.Lease> slots = new ArrayList<>(1);
        for (int i = 0; i < buckets.size(); i++) {
            if (buckets.get(i).kind() == Bucket.Kind.CONCURRENCY) {
                slots.add(new LeaseKeeper.Lease(keys[i], leaseId));
            }
        }
        leases.hold(leaseId, slots);
        return new Decision(null, 0, states, this);
    }

    @Override
    public void settle(List<Bucket> buckets, String leaseId, double tokenCorrection, double costCorrection) {
        List<String> args = new ArrayList<>(1 + 4 * buckets.size());
        args.add(leaseId);
        for (Bucket b : buckets) {
            args.add(code(b.kind()));
            args.add(Double.toString(b.limit()));
            args.add(Double.toString(b.kind() == Bucket.Kind.TOKENS_PER_MINUTE ? tokenCorrection
                    : b.kind().budget() ? costCorrection : 0));
            args.add(Long.toString(b.ttlMillis()));
        }
        try {
            run(settleScript, keys(buckets), args.toArray(new String[0]));
        } finally {
            leases.release(leaseId);
        }
    }

    /** Extends leases this node still holds by another lease time. */
    private void renew(List<LeaseKeeper.Lease> held) {
        String[] keys = new String[held.size()];
        String[] args = new String[held.size() + 1];
        args[0] = Long.toString(leaseTtlMillis);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = held.get(i).bucketKey();
            args[i + 1] = held.get(i).leaseId();
        }
        run(renewScript, keys, args);
    }

    /** Concurrency leases this node is renewing, for tests. */
    int heldLeases() {
        return leases.held();
    }

    @Override
    public void close() {
        leases.close();
    }

    @Override
    public double[] available(List<Bucket> buckets) {
        String[] args = new String[2 * buckets.size()];
        for (int i = 0; i < buckets.size(); i++) {
            args[2 * i] = code(buckets.get(i).kind());
            args[2 * i + 1] = Double.toString(buckets.get(i).limit());
        }
        List<Object> out = run(peekScript, keys(buckets), args);
        double[] left = new double[buckets.size()];
        for (int i = 0; i < left.length; i++) {
            left[i] = Double.parseDouble(asString(out.get(i)));
        }
        return left;
    }

    @Override
    public double spent(Bucket budget) {
        String v = redis.sync().get(PREFIX + budget.id());
        return v == null ? 0 : Double.parseDouble(v);
    }

    private List<Object> run(Script script, String[] keys, String[] args) {
        RedisCommands<String, String> r = redis.sync();
        try {
            return evalsha(r, script.sha(r), keys, args);
        } catch (RedisNoScriptException e) {
            // Redis restarted and forgot the script: load it again
            return evalsha(r, script.reload(r), keys, args);
        }
    }

    /** A Lua script of this package and its SHA once Redis has it. */
    private static final class Script {
        private final String source;
        private volatile String sha;

        Script(String name) {
            this.source = load(name);
        }

        String sha(RedisCommands<String, String> r) {
            String s = sha;
            return s != null ? s : reload(r);
        }

        String reload(RedisCommands<String, String> r) {
            String s = r.scriptLoad(source);
            sha = s;
            return s;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> evalsha(RedisCommands<String, String> r, String sha, String[] keys, String[] args) {
        Object result = r.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        return result instanceof List<?> list ? (List<Object>) list : List.of(result);
    }

    private static String[] keys(List<Bucket> buckets) {
        String[] keys = new String[buckets.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = PREFIX + buckets.get(i).id();
        }
        return keys;
    }

    private static String code(Bucket.Kind kind) {
        return switch (kind) {
            case REQUESTS_PER_MINUTE -> "r";
            case TOKENS_PER_MINUTE -> "t";
            case CONCURRENCY -> "c";
            case DAILY_USD, MONTHLY_USD -> "s";
        };
    }

    private static long asLong(Object o) {
        return o instanceof Number n ? n.longValue() : Long.parseLong(asString(o));
    }

    private static String asString(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static String load(String name) {
        try (InputStream in = RedisLimiter.class.getResourceAsStream("/dev/sluice/limits/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
