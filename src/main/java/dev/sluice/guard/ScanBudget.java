package dev.sluice.guard;

import java.time.Duration;

/**
 * The time the input guardrails may spend on one request ({@code guardrails.scan_budget}) and what
 * happens when it runs out ({@code guardrails.on_budget_exceeded}). Every built-in scanner is
 * linear in its text, but a request may carry many megabytes of messages and a policy many
 * scanners, so the total is bounded too. The budget is checked before each scanner runs on each
 * text; a scanner already running finishes (each is bounded on its own).
 *
 * <p>Scanning also stops, before the next scanner, once the client has closed its connection (the
 * transport tells the request at once; the request then ends as a 499 {@code client_disconnected}).
 */
public record ScanBudget(Duration budget, boolean block, ReaderSlots readers) {
    public static final ScanBudget DEFAULT = new ScanBudget(Duration.ofSeconds(2), true);

    /** A budget whose scans admit every second reading at once ({@link ReaderSlots#UNLIMITED}). */
    public ScanBudget(Duration budget, boolean block) {
        this(budget, block, ReaderSlots.UNLIMITED);
    }

    /** The guard event's name and verdict when the budget ran out. */
    public static final String NAME = "scan_budget";
    public static final String VERDICT = "exceeded";

    /** A deadline from now, on the calling thread. */
    public Deadline start() {
        return start(() -> false);
    }

    /** A deadline from now that also ends the scan once {@code clientGone} says the client left. */
    public Deadline start(java.util.function.BooleanSupplier clientGone) {
        ScannerResources.LoadingClock loading = ScannerResources.loadingClock();
        return new Deadline(System.nanoTime() + budget.toNanos(), loading, loading.nanos(), clientGone, readers);
    }

    /**
     * One request's deadline; time spent loading a shared model (once per process) moves it out: what {@code loading}
     * counted since {@code loadingAtStart} (see {@link ScannerResources#loadingClock()}). {@code readers}: the slots
     * its scanners' second readings wait for ({@link ReaderSlots}).
     */
    public record Deadline(long nanos, ScannerResources.LoadingClock loading, long loadingAtStart,
                           java.util.function.BooleanSupplier clientGone, ReaderSlots readers) {
        public boolean passed() {
            return remainingNanos() < 0;
        }

        /** Nanoseconds until the deadline (negative once it passed). */
        public long remainingNanos() {
            return nanos - (System.nanoTime() - (loading.nanos() - loadingAtStart));
        }
    }

    /** Thrown inside the input guard when the client has gone between two scans. */
    static final class ClientGone extends RuntimeException {
        ClientGone() {
            super("the client went away", null, false, false);
        }
    }

    /** Thrown inside the input guard when the deadline passes between two scans. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super("scan budget exceeded", null, false, false);
        }
    }
}
