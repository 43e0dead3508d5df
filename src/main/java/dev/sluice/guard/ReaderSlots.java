package dev.sluice.guard;

import java.util.OptionalDouble;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Admission for the expensive second readers of the input scan (the fine-tuned MiniLM of {@code tuned} and
 * {@code tuned_documents}: tens of milliseconds of CPU a window) within a request's scan budget
 * ({@code guardrails.reader_slots}, session 16). At most {@code slots} readings run at once (by default one per core:
 * more only share the same cores and make every one of them late); a reading waits for a slot only as long as it can
 * still end before the request's deadline, judged by the recent readings' wall time and the readings waiting ahead of
 * it. A reading that cannot is skipped: the scanner keeps its cheaper verdict (the n-gram model's) and records the skip
 * ({@code reader_skipped}), instead of the whole request running out of {@code scan_budget} and, under the default
 * {@code on_budget_exceeded: block}, being refused. With 0 slots every reading within a request is skipped.
 *
 * <p>A scan binds its request's deadline for the scanners ({@link #within}); a reading outside any request (an
 * evaluation, a benchmark) runs at once.
 */
public final class ReaderSlots {
    /** The scan in progress on this thread: its readers' slots and its request's deadline. */
    private static final ScopedValue<Bound> CURRENT = ScopedValue.newInstance();

    private record Bound(ReaderSlots slots, ScanBudget.Deadline deadline) {}

    /** No admission: every reading runs at once (scans built without a guardrails config: tests, tools). */
    public static final ReaderSlots UNLIMITED = new ReaderSlots(-1);

    private final int slots;
    private final Semaphore permits;
    private final AtomicInteger waiting = new AtomicInteger();
    /** A moving average of a reading's wall time while it holds a slot, in nanoseconds; 0 before the first. */
    private final AtomicLong estimate = new AtomicLong();
    private final LongAdder skipped = new LongAdder();

    /** @param slots readings at once; 0 skips every reading within a request, a negative number admits every one */
    public ReaderSlots(int slots) {
        this.slots = slots;
        this.permits = slots > 0 ? new Semaphore(slots) : null;
    }

    /** Runs {@code scan} with this request's deadline bound for the readers it calls ({@link #read}). */
    <T> T within(ScanBudget.Deadline deadline, java.util.function.Supplier<T> scan) {
        if (slots < 0) {
            return scan.get();
        }
        return ScopedValue.where(CURRENT, new Bound(this, deadline)).call(scan::get);
    }

    /**
     * The reading, or empty when it was skipped because it could not end within the current request's scan budget
     * (see the class). Outside a scan ({@link #within}) the reading runs at once.
     */
    public static OptionalDouble read(DoubleSupplier reading) {
        if (!CURRENT.isBound()) {
            return OptionalDouble.of(reading.getAsDouble());
        }
        Bound b = CURRENT.get();
        return b.slots().admit(b.deadline(), reading);
    }

    private OptionalDouble admit(ScanBudget.Deadline deadline, DoubleSupplier reading) {
        if (slots == 0) {
            return skip();
        }
        long expected = estimate.get();
        // its own reading may take twice the recent average (a loaded machine's wall time varies that much: session 16
        // measured scan_budget refusals with once the average); the readings waiting ahead take their turns
        long own = 2 * expected;
        long finish = own + expected * waiting.get() / slots;
        if (deadline.remainingNanos() < finish) {
            return skip();
        }
        boolean acquired;
        waiting.incrementAndGet();
        try {
            acquired = permits.tryAcquire(Math.max(0, deadline.remainingNanos() - own), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        } finally {
            waiting.decrementAndGet();
        }
        if (!acquired) {
            return skip();
        }
        try {
            long t0 = System.nanoTime();
            double value = reading.getAsDouble();
            long took = System.nanoTime() - t0;
            estimate.accumulateAndGet(took, (old, now) -> old == 0 ? now : old - old / 8 + now / 8);
            return OptionalDouble.of(value);
        } finally {
            permits.release();
        }
    }

    private OptionalDouble skip() {
        skipped.increment();
        // the estimate is only measured by readings that run: each skip lowers it by an eighth, so a burst that made it
        // longer than the budget (every reading then skipped) does not keep the reader off for good; it is measured again
        estimate.accumulateAndGet(0, (old, unused) -> old - old / 8);
        return OptionalDouble.empty();
    }

    /** Readings skipped so far. */
    public long skipped() {
        return skipped.sum();
    }
}
