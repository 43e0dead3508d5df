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
            if (hangupIgnored()) {
                // the JVM silently installs no handler for a shutdown signal the process inherited as ignored
                // (nohup, some supervisors): SIGHUP would then do nothing at all instead of reloading
                restoreDefaultHangup();
            }
            Signal.handle(new Signal("HUP"), s -> Thread.ofVirtual().name("sluice-sighup").start(action));
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            return false;
        }
    }

    private static final int SIGHUP = 1;

    /**
     * Whether this process inherited SIGHUP as ignored, from Linux's {@code /proc/self/status} ({@code SigIgn}, a hex
     * mask whose bit 0 is signal 1); false where that file is not there.
     */
    static boolean hangupIgnored() {
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("SigIgn:")).findFirst()
                    .map(l -> (Long.parseUnsignedLong(l.substring("SigIgn:".length()).strip(), 16) & (1L << (SIGHUP - 1))) != 0)
                    .orElse(false);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * {@code signal(SIGHUP, SIG_DFL)}, through the C library (FFM), so that {@link Signal#handle} can install the
     * reload handler; only called when SIGHUP was ignored, so a process without {@code nohup} makes no native call.
     */
    private static void restoreDefaultHangup() {
        try {
            java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
            java.lang.invoke.MethodHandle signal = linker.downcallHandle(linker.defaultLookup().find("signal").orElseThrow(),
                    java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.ADDRESS,
                            java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS));
            signal.invoke(SIGHUP, java.lang.foreign.MemorySegment.NULL); // the previous handler it returns is SIG_IGN
        } catch (Throwable e) { // invokeExact's checked Throwable; no signal() or no native access: SIGHUP stays ignored
            System.err.println("warning: SIGHUP is ignored by this process (nohup?) and could not be restored ("
                    + e + "): reload the config with POST /admin/config/reload");
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
