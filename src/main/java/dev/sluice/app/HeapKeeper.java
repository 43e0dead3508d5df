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
 * Keeps the heap near what is live, under load and when the gateway goes idle. With the launcher's Serial collector
 * and its 16 MB initial heap the young generation is ~8 MB and is only resized by a full collection; under load it
 * is collected every few dozen milliseconds, so whatever a request leaves for later — its request-log record and
 * span until the store writer's next flush, its entry in the recent-requests index — survives a collection or two
 * and is promoted (~2 KB a request). The old generation then grows instead of being collected, because the
 * collector expands it while it can, up to the maximum heap (a quarter of the machine's memory): at ~6,000 requests
 * a second the heap grew ~13 MB a second, past 900 MB in a minute, with no full collection (bench/README.md,
 * "Session 13: the old generation under sustained load"), and the first full collection would have to walk
 * gigabytes of dead objects.
 *
 * <p>So this thread bounds it, in two cases, judged from the collector's own counters with no hook in the request
 * path:
 * <ul>
 *   <li><b>Under load</b>, when the old generation holds more than {@link HeapBound#limit twice what was live} at
 *   the last full collection plus 64 MiB, one full collection ({@code System.gc()}): its pause is roughly
 *   proportional to the old generation it walks, so a bound in tens of megabytes keeps each pause in tens of
 *   milliseconds where waiting for the maximum heap would cost seconds. A gateway whose old generation does not
 *   grow is never collected by this.</li>
 *   <li><b>Idle</b> — collections happened since the last look, and none for {@code quiet} — one full collection
 *   if the heap holds more than what was live plus 16 MiB (garbage promoted under the last traffic), after which
 *   the JVM shrinks the heap to its {@code MaxHeapFreeRatio} (the launcher passes {@code -XX:-ShrinkHeapInSteps}
 *   so that happens at once), and the C heap is trimmed.</li>
 * </ul>
 * Off when the JVM runs with {@code -XX:+DisableExplicitGC} ({@code System.gc()} then does nothing).
 *
 * <p>The C heap trim is glibc's {@code malloc_trim}, what {@code jcmd System.trim_native_heap} calls: ONNX
 * Runtime, the tokenizers and SQLite free what they used under load, but glibc keeps freed pages of its
 * per-thread arenas resident; after the demo's traffic that was ~27 MB. The trim takes a few milliseconds and
 * happens only when the gateway has gone idle (a periodic {@code -XX:TrimNativeHeapInterval} would also run under
 * load).
 */
final class HeapKeeper implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(HeapKeeper.class);
    /** How often the old generation is looked at: one MXBean read; at a few hundred MB a minute of promotion, a
     * bound is passed by at most a few MB before the collection. */
    private static final long TICK_MILLIS = 500;

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
            if (collections != seenCollections) {
                seenCollections = collections;
                lastChange = now;
                trafficSinceTrim = true;
                long oldUsed = old != null ? old.getUsage().getUsed() : heapUsed();
                if (bound.underLoad(oldUsed)) {
                    long before = heapUsed();
                    bound.collected(fullCollection());
                    seenCollections = collections();
                    LOG.debug("under load: old generation {} MiB, heap {} MiB -> {} MiB live after a full collection",
                            oldUsed >> 20, before >> 20, bound.live() >> 20);
                }
                continue;
            }
            if (trafficSinceTrim && now - lastChange >= quiet.toNanos()) {
                trafficSinceTrim = false;
                MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                if (bound.idle(heap.getUsed())) {
                    bound.collected(fullCollection());
                    seenCollections = collections();
                    LOG.debug("idle: heap committed {} MiB -> {} MiB after a full collection ({} MiB live)",
                            heap.getCommitted() >> 20,
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20,
                            bound.live() >> 20);
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
     * When a full collection is worth it: the bound on the old generation under load, and the garbage worth
     * collecting when idle, both relative to what was live after the last full collection this keeper ran
     * (zero before the first: then the bound is the slack alone).
     */
    static final class HeapBound {
        static final long LOAD_SLACK = 64L << 20;
        static final long IDLE_SLACK = 16L << 20;
        private long live;

        /** Under load: does an old generation holding {@code oldUsed} bytes call for a full collection? */
        boolean underLoad(long oldUsed) {
            return oldUsed > limit();
        }

        /** The old generation's bound under load: twice what was live, plus 64 MiB. */
        long limit() {
            return 2 * live + LOAD_SLACK;
        }

        /** Idle: is a heap with {@code used} bytes in use worth a full collection? */
        boolean idle(long used) {
            return used > live + IDLE_SLACK;
        }

        void collected(long liveAfter) {
            live = liveAfter;
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
