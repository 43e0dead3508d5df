package dev.sluice.app;

import dev.sluice.server.netty.NettyLoops;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Netty's start-up, done ahead on its own thread while the main thread opens the store and builds the
 * modules, none of which it depends on; begun once the port is known to be free (a start that fails on
 * a taken port should not start event loops or load native libraries first). Netty's first use
 * initialises its platform layer (on JDK 24+ with native access enabled, as Sluice's jar enables it, the
 * buffer cleaner links {@code malloc} and {@code free} through the FFM linker, which spins method-handle
 * classes that the AOT cache cannot hold), loads the epoll library and starts the event loops; on the
 * main thread that was ~90–260 ms of CPU inside the providers' construction (bench/README.md,
 * "Session 7"). Whoever comes first does the work ({@link NettyLoops#group} is a synchronized lazy
 * holder); the other waits for it or finds it done.
 *
 * <p>Also sets {@code io.netty.jfr.enabled=false} unless the operator set it: with JFR available Netty's
 * buffer allocator checks its own JFR events on the first allocation, which registers them with JFR
 * (~130 ms of CPU on the first request's path, ~25 JFR and annotation-proxy classes, at every start,
 * recording or not). {@code -Dio.netty.jfr.enabled=true} turns Netty's allocation events back on for a
 * JFR recording.
 */
final class NettyAhead {
    private static final AtomicBoolean BEGUN = new AtomicBoolean();

    private NettyAhead() {}

    /** Starts Netty's initialisation on a daemon thread, once per process; returns at once. */
    static void begin() {
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        if (BEGUN.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("sluice-netty-ahead").start(NettyAhead::initialise);
        }
    }

    private static void initialise() {
        try {
            NettyLoops.group();
        } catch (RuntimeException | LinkageError e) {
            // the server's own call to NettyLoops.group() fails the same way and reports it
        }
    }
}
