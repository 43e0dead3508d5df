package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The admission of second readings within a request's scan budget (guardrails.reader_slots). */
class ReaderSlotsTest {
    private static ScanBudget.Deadline deadline(ReaderSlots slots, Duration budget) {
        return new ScanBudget(budget, true, slots).start();
    }

    private static OptionalDouble readWithin(ReaderSlots slots, ScanBudget.Deadline deadline, double value) {
        return slots.within(deadline, () -> ReaderSlots.read(() -> value));
    }

    @Test
    @DisplayName("outside a request's scan a reading runs at once; inside, 0 slots skip it and count the skip")
    void outsideAndZero() {
        ReaderSlots none = new ReaderSlots(0);
        assertThat(ReaderSlots.read(() -> 0.7)).hasValue(0.7);
        assertThat(readWithin(none, deadline(none, Duration.ofMinutes(10)), 0.7)).isEmpty();
        assertThat(none.skipped()).isEqualTo(1);
        assertThat(readWithin(ReaderSlots.UNLIMITED, deadline(ReaderSlots.UNLIMITED, Duration.ofMinutes(10)), 0.3)).hasValue(0.3);
    }

    @Test
    @DisplayName("a reading whose request's deadline has passed is skipped, without waiting for a slot")
    void pastDeadline() {
        ReaderSlots slots = new ReaderSlots(1);
        // (a deadline counts from the thread's model loading so far: time spent loading a shared model moves it out)
        ScannerResources.LoadingClock loading = ScannerResources.loadingClock();
        ScanBudget.Deadline passed = new ScanBudget.Deadline(System.nanoTime() - 1, loading, loading.nanos(), () -> false,
                slots);
        assertThat(readWithin(slots, passed, 0.9)).isEmpty();
        assertThat(slots.skipped()).isEqualTo(1);
        // the slot was not taken: a reading with time left runs
        assertThat(readWithin(slots, deadline(slots, Duration.ofMinutes(10)), 0.9)).hasValue(0.9);
    }

    @Test
    @DisplayName("a reading waits for a busy slot while its deadline allows, then runs")
    void waitsForASlot() throws Exception {
        ReaderSlots slots = new ReaderSlots(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<OptionalDouble> first = CompletableFuture.supplyAsync(() -> slots.within(
                deadline(slots, Duration.ofMinutes(10)), () -> ReaderSlots.read(() -> {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return 0.1;
                })));
        assertThat(running.await(1, TimeUnit.MINUTES)).isTrue();
        CompletableFuture<OptionalDouble> second = CompletableFuture.supplyAsync(
                () -> readWithin(slots, deadline(slots, Duration.ofMinutes(10)), 0.2));
        assertThat(second).isNotDone();
        release.countDown();
        assertThat(first.get(1, TimeUnit.MINUTES)).hasValue(0.1);
        assertThat(second.get(1, TimeUnit.MINUTES)).hasValue(0.2);
        assertThat(slots.skipped()).isZero();
    }
    @Test
    @DisplayName("readings longer than the budget allows are skipped, but each skip lowers the estimate: the reader is tried again, not left off for good")
    void skipsDecay() {
        ReaderSlots slots = new ReaderSlots(1);
        // the first reading (>= 200 ms of wall time) sets the estimate; a 300 ms budget then leaves less than twice that
        assertThat(slots.within(deadline(slots, Duration.ofMinutes(10)), () -> ReaderSlots.read(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0.2;
        }))).hasValue(0.2);
        OptionalDouble read = OptionalDouble.empty();
        for (int i = 0; i < 200 && read.isEmpty(); i++) {
            read = readWithin(slots, deadline(slots, Duration.ofMillis(300)), 0.3);
        }
        assertThat(slots.skipped()).isPositive();
        assertThat(read).hasValue(0.3);
    }
}
