package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Going idle trims the heap and the C heap")
class IdleHeapTrimTest {
    private static final long MIB = 1L << 20;

    @Test
    @DisplayName("malloc_trim is called (glibc) or IdleHeapTrim says why not")
    void nativeTrimIsCalled() {
        // null would mean the call failed: the trim would silently never happen
        assertThat(IdleHeapTrim.trimNativeHeap()).isNotNull().containsIgnoringCase("trim");
    }

    @Test
    @DisplayName("idle with nothing in flight, the garbage promoted under traffic is collected; with a request in flight only a heap grown well past what is live")
    void whenToCollect() {
        // the launcher's heap after a warm-up: ~34 MB committed, ~30 used, ~13 live after the last full collection
        assertThat(IdleHeapTrim.worthCollecting(34 * MIB, 30 * MIB, 13 * MIB, 0)).isTrue();
        assertThat(IdleHeapTrim.worthCollecting(34 * MIB, 30 * MIB, 13 * MIB, 1)).isFalse();
        // little garbage: not worth a pause
        assertThat(IdleHeapTrim.worthCollecting(34 * MIB, 20 * MIB, 13 * MIB, 0)).isFalse();
        // thousands of open streams: a grown heap that is mostly live is left alone...
        assertThat(IdleHeapTrim.worthCollecting(300 * MIB, 280 * MIB, 200 * MIB, 9_500)).isFalse();
        // ...until it is over twice the live heap plus 64 MiB, as before
        assertThat(IdleHeapTrim.worthCollecting(600 * MIB, 580 * MIB, 200 * MIB, 9_500)).isTrue();
    }

    @Test
    @DisplayName("a trim collects once traffic (collections) stopped and no request is in flight")
    void collectsWhenIdle() throws Exception {
        IdleHeapTrim trim = new IdleHeapTrim(Duration.ofSeconds(1));
        try {
            trim.inFlightFrom(() -> 0);
            Object[] keep = new Object[64];
            for (int i = 0; i < 4_000; i++) { // ~250 MB of short-lived garbage: young collections, i.e. traffic
                keep[i % keep.length] = new byte[64 * 1024];
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> trim.fullCollections() >= 1);
            assertThat(keep[0]).isNotNull();
        } finally {
            trim.close();
        }
    }
}
