package dev.sluice.threads;

import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual threads whose scheduler is a given executor — an event loop — instead of the JDK's
 * ForkJoinPool. A request's thread then runs on the loop thread that read its request: when it parks
 * for the upstream answer the loop goes back to its sockets, and the answer's arrival queues the
 * thread's continuation on that same loop. The hand-offs between a loop and a carrier — an eventfd
 * write to wake a loop, a futex to wake a carrier, the pool's spinning — are gone (bench/README.md,
 * "Session 16: where sluice-off's CPU goes": 37% of the carrier's samples; "Session 17: request
 * threads on their event loop").
 *
 * <p>JDK 25 has no public API for a virtual thread's scheduler: the builder that takes one is
 * package-private ({@code java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)}, what the JDK's own
 * tests use). The jar's manifest opens {@code java.lang} to the application ({@code Add-Opens}); when
 * it is not open (another launcher, a JDK without the constructor) {@link #available} is false and
 * callers keep the default scheduler — the same behaviour as before, only slower.
 *
 * <p>What a thread on a loop must not do, it already does not: a native call or a long stretch of CPU
 * goes through {@link OffCarrier} (it would otherwise hold the loop, not only a carrier). Virtual
 * threads started from such a thread inherit its scheduler (the JDK's rule), so work a request spawns
 * stays on its loop; long-lived background threads should be started with {@link #background}.
 */
public final class LoopThreads {
    private static final Logger LOG = LoggerFactory.getLogger(LoopThreads.class);
    private static final Constructor<?> BUILDER = builderConstructor();
    private static final Executor DEFAULT_SCHEDULER = defaultScheduler();
    /** {@code -Dsluice.loop.threads=false} keeps request threads on the JDK's scheduler (a measurement switch). */
    private static final boolean ENABLED = !"false".equals(System.getProperty("sluice.loop.threads"));

    private LoopThreads() {
    }

    /** Whether virtual threads can be given a scheduler here (and are wanted). */
    public static boolean available() {
        return ENABLED && BUILDER != null;
    }

    /**
     * A factory of virtual threads named {@code prefix + n} scheduled on {@code loop}, or on the JDK's
     * scheduler when {@link #available} is false.
     */
    public static ThreadFactory on(Executor loop, String prefix) {
        return builder(available() ? loop : null).name(prefix, 0).factory();
    }

    /**
     * A builder for a long-lived background virtual thread on the JDK's scheduler, whichever thread
     * starts it (a request's thread on a loop would otherwise hand it its loop for good).
     */
    public static Thread.Builder.OfVirtual background() {
        return builder(DEFAULT_SCHEDULER);
    }

    private static Thread.Builder.OfVirtual builder(Executor scheduler) {
        if (scheduler == null || BUILDER == null) {
            return Thread.ofVirtual();
        }
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e); // the constructor was made accessible once: not expected
        }
    }

    private static Constructor<?> builderConstructor() {
        try {
            Constructor<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                    .getDeclaredConstructor(Executor.class);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("virtual threads stay on the JDK's scheduler: {}", e.toString());
            return null;
        }
    }

    private static Executor defaultScheduler() {
        try {
            java.lang.reflect.Method m = Class.forName("java.lang.VirtualThread").getDeclaredMethod("defaultScheduler");
            m.setAccessible(true);
            return (Executor) m.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
