package dev.sluice.sim;

import java.time.Duration;

/** Simulated waiting. Handlers run on virtual threads, so a sleep costs no platform thread. */
final class Pacing {
    private Pacing() {}

    /**
     * Sleeps; an interrupt (the simulator is stopping) drops the connection instead of answering,
     * which is what a dying upstream does.
     */
    static void sleep(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionReset("simulator stopping");
        }
    }
}
