package dev.sluice.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Waits for SIGTERM or Ctrl-C, so commands can drain and exit 0 on their own terms instead of
 * racing the JVM's shutdown hooks.
 */
final class Signals {
    private Signals() {}

    /**
     * Runs {@code action} on each SIGHUP (on a virtual thread of its own, so a slow reload never
     * holds the JVM's signal thread). Returns false where the JVM cannot handle SIGHUP (an OS without
     * it, or {@code -Xrs}); the caller then says how else to reload.
     */
    static boolean onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), s -> Thread.ofVirtual().name("sluice-sighup").start(action));
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            return false;
        }
    }

    /** Blocks until SIGTERM or SIGINT arrives. */
    static void awaitTermination() {
        onTermination().await();
    }

    /**
     * Takes SIGTERM and SIGINT from now on (so one that arrives before {@link Termination#await} is not the
     * JVM's abrupt exit), and returns what to wait on.
     */
    static Termination onTermination() {
        CountDownLatch latch = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> latch.countDown());
        Signal.handle(new Signal("INT"), s -> latch.countDown());
        return new Termination(latch);
    }

    /** A SIGTERM or SIGINT that has arrived, or will. */
    record Termination(CountDownLatch latch) {
        /** Blocks until the signal has arrived. */
        void await() {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
