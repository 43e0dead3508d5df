package dev.sluice.app;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory back to the system when the gateway goes idle after traffic. With the launcher's
 * Serial collector the old generation fills with garbage promoted under load (a demo run leaves
 * ~390 MB of it next to ~60 MB that is live), and it is only collected, and the heap only shrunk,
 * by a full collection, which an idle process never triggers: it kept that memory resident.
 *
 * <p>Idle is judged by the collector itself, with no hook in the request path: collections
 * happened since the last look, and none for {@code quiet}. Then one full collection runs
 * ({@code System.gc()}, while nothing is being served) and the JVM shrinks the heap to its
 * {@code MaxHeapFreeRatio} (the launcher passes {@code -XX:-ShrinkHeapInSteps} so that happens at
 * once), if either
 * <ul>
 *   <li>no API request is in flight and the heap holds {@value #IDLE_GARBAGE_MIB} MiB more than was live
 *       after the last such collection: the request garbage promoted under traffic (after a plain
 *       gateway's warm-up ~15 MB of a ~28 MB old generation, a fifth of its resident memory; bench/README.md,
 *       "Session 16: the idle collection"). With nothing in flight no request waits for the pause, and
 *       it takes some ms for a plain gateway's ~13 MB live heap; or</li>
 *   <li>the heap has grown well past what was live (committed over twice that, plus 64 MiB), even with
 *       requests in flight, e.g. long streams: about 100 ms for the demo's live heap. Not below that
 *       bound: thousands of open streams hold a live heap that grows without allocating much, and
 *       collecting it again and again paused every one of them (bench/README.md, "Session 13/14:
 *       the old generation").</li>
 * </ul>
 * A busy gateway is never collected by this, nor one whose heap is mostly live. Off when the JVM runs with
 * {@code -XX:+DisableExplicitGC}.
 *
 * <p>At the same moment the C heap is trimmed (glibc's {@code malloc_trim}, what {@code jcmd
 * System.trim_native_heap} calls): ONNX Runtime, the tokenizers and SQLite free what they used under load, but
 * glibc keeps freed pages of its per-thread arenas resident; after the demo's traffic that was ~27 MB.
 * The trim takes a few milliseconds and happens only here, when the gateway has gone idle (a periodic
 * {@code -XX:TrimNativeHeapInterval} would also run under load).
 */
final class IdleHeapTrim implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(IdleHeapTrim.class);
    private static final long SLACK_BYTES = 64L << 20;
    static final int IDLE_GARBAGE_MIB = 8;
    private static final long IDLE_GARBAGE_BYTES = (long) IDLE_GARBAGE_MIB << 20;

    private final Duration quiet;
    private final Thread thread;
    private volatile boolean closed;
    /** API requests in flight, once the server exists (it is built after this module); until then: busy. */
    private volatile IntSupplier inFlight = () -> 1;
    private volatile int fullCollections;

    IdleHeapTrim(Duration quiet) {
        this.quiet = quiet;
        this.thread = Thread.ofPlatform().daemon().name("sluice-idle-heap-trim").unstarted(this::run);
        thread.start();
    }

    @Override
    public String name() {
        return "idle-heap-trim";
    }

    /** Where the requests in flight are counted (the server's dispatcher): with none, idle garbage is collected. */
    void inFlightFrom(IntSupplier inFlight) {
        this.inFlight = inFlight;
    }

    /**
     * Whether a full collection is worth its pause now that the gateway is idle: {@code live} is what was in use after
     * this trim's last full collection (0 before the first).
     */
    static boolean worthCollecting(long committed, long used, long live, int inFlight) {
        if (committed > 2 * live + SLACK_BYTES) {
            return true;
        }
        return inFlight == 0 && used > live + IDLE_GARBAGE_BYTES;
    }

    private void run() {
        // unknown until the first look, one interval in: the platform MXBeans (~60 classes) load after
        // start-up instead of during it, and start-up's own collections count as activity
        long seenCollections = -1;
        long lastChange = System.nanoTime();
        boolean trafficSinceTrim = false;
        long live = 0; // the heap in use right after this trim's last full collection
        while (!closed) {
            try {
                Thread.sleep(Math.max(1000, quiet.toMillis() / 4));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long collections = collections();
            if (collections != seenCollections) {
                seenCollections = collections;
                lastChange = now;
                trafficSinceTrim = true;
                continue;
            }
            if (trafficSinceTrim && now - lastChange >= quiet.toNanos()) {
                trafficSinceTrim = false;
                MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                if (worthCollecting(heap.getCommitted(), heap.getUsed(), live, inFlight.getAsInt())) {
                    System.gc();
                    fullCollections++;
                    seenCollections = collections();
                    MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    live = after.getUsed();
                    LOG.debug("idle: heap committed {} MiB -> {} MiB after a full collection ({} MiB live)",
                            heap.getCommitted() >> 20, after.getCommitted() >> 20, live >> 20);
                }
                trimNativeHeap();
            }
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

    /** Full collections this trim has run (for tests). */
    int fullCollections() {
        return fullCollections;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

}
