package dev.sluice.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Waits for SIGTERM or Ctrl-C, so commands can drain and exit 0 on their own terms instead of
 * racing the JVM's shutdown hooks.
 */
final class Signals {
    private Signals() {}

    /** Blocks until SIGTERM or SIGINT arrives. */
    static void awaitTermination() {
        CountDownLatch latch = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> latch.countDown());
        Signal.handle(new Signal("INT"), s -> latch.countDown());
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
