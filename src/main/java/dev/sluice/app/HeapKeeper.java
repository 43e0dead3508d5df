package dev.sluice.app;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the heap near what is live: under sustained load, and when the gateway goes idle after traffic.
 *
 * <p><b>Why.</b> With the launcher's Serial collector and its 16 MB initial heap the young generation is ~8 MB;
 * under load it is collected every few dozen milliseconds, so whatever a request leaves for later (its log record
 * and span until the store writer's flush, its recent-requests entry) survives a collection or two and is promoted,
 * ~2 KB a request. Serial expands the old generation rather than collecting it while it can, up to the maximum heap
 * (a quarter of the machine's memory): at 6,000-9,000 requests a second RSS passed 1.2 GiB in a minute with no full
 * collection, and the first one would walk gigabytes of dead objects in one pause (bench/README.md, "Session 13:
 * the old generation under sustained load"). Idle, nothing triggers a full collection at all, so what the last
 * traffic promoted stayed resident.
 *
 * <p><b>What it does</b>, judged every {@value #TICK_MILLIS} ms from the collector's counters, with no hook in the
 * request path:
 * <ul>
 *   <li><b>Under load</b>: one full collection ({@code System.gc()}) when the old generation passes
 *   {@link HeapBound#limit() twice what was live after the last one, plus 64 MiB}. A full collection's pause
 *   grows with the heap it walks, so a bound in tens of megabytes keeps each in tens of milliseconds. A collection
 *   that freed less than half of the old generation found a growing live heap (streams opening), not garbage: the
 *   bound then moves to twice what it walked, so a live heap is not walked again until it has doubled.</li>
 *   <li><b>Idle</b>, no collection and under 4 MiB allocated for {@code quiet}: one full collection if the heap
 *   holds more than 16 MiB over what was live, after which the JVM shrinks the heap to its
 *   {@code MaxHeapFreeRatio} ({@code -XX:-ShrinkHeapInSteps}), and the C heap is trimmed. Allocation counts as
 *   activity as well as collections: a gateway holding thousands of slow streams can go ten seconds without a
 *   young collection, and a full collection of their live heap is not a trim.</li>
 * </ul>
 * It relies on the launcher's {@code -XX:MaxNewSize}: a full collection resizes Serial's young generation from
 * the old one ({@code NewRatio=1}), and without the cap a keeper collection over a large live heap grew the young
 * generation to hundreds of megabytes, whose young pauses copied the streams' live objects for ~100 ms (the first
 * version of this class, reverted in session 13). Off when the JVM runs with {@code -XX:+DisableExplicitGC}.
 *
 * <p>The C heap trim is glibc's {@code malloc_trim}, what {@code jcmd System.trim_native_heap} calls: ONNX Runtime,
 * the tokenizers and SQLite free what they used under load, but glibc keeps freed pages of its per-thread arenas
 * resident; after the demo's traffic that was ~27 MB. It takes a few milliseconds and happens only when the
 * gateway has gone idle (a periodic {@code -XX:TrimNativeHeapInterval} would also run under load).
 */
final class HeapKeeper implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(HeapKeeper.class);
    /** One MXBean read a tick; at ~15 MB a second of promotion a bound is passed by a few MB before the collection. */
    static final long TICK_MILLIS = 500;
    /** Allocated within a quiet period without any collection, still idle: background threads allocate a little. */
    static final long IDLE_ALLOCATION_BYTES = 4L << 20;

    private final Duration quiet;
    private final Thread thread;
    private volatile boolean closed;

    HeapKeeper(Duration quiet) {
        this.quiet = quiet;
        this.thread = Thread.ofPlatform().daemon().name("sluice-heap-keeper").unstarted(this::run);
        thread.start();
    }

    @Override
    public String name() {
        return "heap-keeper";
    }

    private void run() {
        // the platform MXBeans (~60 classes) load one tick in, after start-up instead of during it; start-up's
        // own collections count as activity
        try {
            Thread.sleep(TICK_MILLIS);
        } catch (InterruptedException e) {
            return;
        }
        MemoryPoolMXBean old = oldGeneration();
        long seenCollections = collections();
        long usedAtChange = heapUsed();
        long lastChange = System.nanoTime();
        boolean trafficSinceTrim = true;
        HeapBound bound = new HeapBound();
        while (!closed) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long collections = collections();
            long used = heapUsed();
            if (collections != seenCollections) {
                seenCollections = collections;
                usedAtChange = used;
                lastChange = now;
                trafficSinceTrim = true;
                long oldUsed = old != null ? old.getUsage().getUsed() : used;
                if (bound.underLoad(oldUsed)) {
                    long live = fullCollection();
                    bound.collected(oldUsed, live);
                    seenCollections = collections();
                    usedAtChange = heapUsed();
                    LOG.debug("under load: old generation {} MiB -> {} MiB live after a full collection; next at {} MiB",
                            oldUsed >> 20, live >> 20, bound.limit() >> 20);
                }
                continue;
            }
            if (used - usedAtChange > IDLE_ALLOCATION_BYTES) {
                // allocating without collecting (a large eden, slow streams): busy, not idle
                usedAtChange = used;
                lastChange = now;
                continue;
            }
            if (trafficSinceTrim && now - lastChange >= quiet.toNanos()) {
                trafficSinceTrim = false;
                if (bound.idle(used)) {
                    long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
                    long live = fullCollection();
                    bound.collected(used, live);
                    seenCollections = collections();
                    usedAtChange = heapUsed();
                    LOG.debug("idle: heap committed {} MiB -> {} MiB after a full collection ({} MiB live)", before >> 20,
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20, live >> 20);
                }
                trimNativeHeap();
            }
        }
    }

    /** One full collection; the heap in use right after it (what is live). */
    private static long fullCollection() {
        System.gc();
        return heapUsed();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * The heap's old generation (Serial's "Tenured Gen", G1's "G1 Old Gen", Parallel's "PS Old Gen"), or null for a
     * collector without one (then the whole heap is judged).
     */
    private static MemoryPoolMXBean oldGeneration() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = pool.getName();
            if (pool.getType() == MemoryType.HEAP && (name.contains("Old") || name.contains("Tenured"))) {
                return pool;
            }
        }
        return null;
    }

    /**
     * When a full collection is worth it, from what the keeper's last full collection left live (zero before the
     * first: then the slack alone bounds the old generation).
     */
    static final class HeapBound {
        static final long LOAD_SLACK = 64L << 20;
        static final long IDLE_SLACK = 16L << 20;
        private long live;
        private long limit = LOAD_SLACK;

        /** Under load: does an old generation holding {@code oldUsed} bytes call for a full collection? */
        boolean underLoad(long oldUsed) {
            return oldUsed > limit;
        }

        /** The old generation's bound under load. */
        long limit() {
            return limit;
        }

        /** Idle: is a heap with {@code used} bytes in use worth a full collection? */
        boolean idle(long used) {
            return used > live + IDLE_SLACK;
        }

        /**
         * A full collection took the heap from {@code before} to {@code liveAfter} bytes. The next bound is twice what
         * is live plus the slack; if it freed less than half, what it walked was mostly live (a growing live heap, not
         * garbage), so the bound is at least twice what it walked: it is not walked again until it has doubled.
         */
        void collected(long before, long liveAfter) {
            live = liveAfter;
            limit = 2 * liveAfter + LOAD_SLACK;
            if (before - liveAfter < before / 2) {
                limit = Math.max(limit, 2 * before);
            }
        }

        long live() {
            return live;
        }
    }

    /**
     * glibc's {@code malloc_trim(0)}, called directly (FFM), as the JVM's {@code System.trim_native_heap} command does;
     * what happened, or null when it could not be called. Where the C library has no {@code malloc_trim} (musl,
     * macOS) it says so and does nothing, like the command.
     *
     * <p>Not through the command's MBean: reaching it builds the platform MBean server on first use (~240 classes in
     * a running gateway: JMX, every platform MXBean, JFR's MXBean and the descriptors of every diagnostic command,
     * which parses JFR's .jfc files), ~100 ms of CPU on this thread, and its code ran through JDK methods the request
     * path had compiled for other types (ThreadLocal, HashMap, ByteBuffer, TimSort): ~40-80 uncommon traps, and those
     * methods recompiled when traffic came back (bench/README.md, "Session 9: the JIT in steady state").
     */
    static String trimNativeHeap() {
        try {
            MethodHandle trim = MallocTrim.HANDLE;
            if (trim == null) {
                LOG.debug("idle: no malloc_trim in this C library, native heap not trimmed");
                return "malloc_trim: not in this C library (not glibc), native heap not trimmed";
            }
            int released = (int) trim.invokeExact(0L);
            String out = released == 1 ? "malloc_trim: memory released to the system" : "malloc_trim: nothing to release";
            LOG.debug("idle: {}", out);
            return out;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // invokeExact's checked Throwable; the handle's lookup failing (no native access) is an Error
            LOG.debug("idle: native heap not trimmed: {}", e.toString());
            return null;
        }
    }

    /** {@code int malloc_trim(size_t pad)}, looked up when first needed; null where the C library has none. */
    private static final class MallocTrim {
        static final MethodHandle HANDLE = find();

        private static MethodHandle find() {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("malloc_trim")
                    .map(address -> linker.downcallHandle(address,
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)))
                    .orElse(null);
        }
    }

    /** Collections so far, of any kind: each one means the gateway allocated, i.e. was doing something. */
    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

}
