package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The heap keeper: bounds the old generation under load, collects and trims the C heap when idle")
class HeapKeeperTest {
    private static final long MIB = 1L << 20;

    @Test
    @DisplayName("malloc_trim is called (glibc) or HeapKeeper says why not")
    void nativeTrimIsCalled() {
        // null would mean the call failed: the trim would silently never happen
        assertThat(HeapKeeper.trimNativeHeap()).isNotNull().containsIgnoringCase("trim");
    }

    @Test
    @DisplayName("under load: a full collection once the old generation passes twice the live heap plus 64 MiB, and the bound follows what is live")
    void boundUnderLoad() {
        HeapKeeper.HeapBound bound = new HeapKeeper.HeapBound();
        // before any full collection the slack alone bounds it
        assertThat(bound.underLoad(64 * MIB)).isFalse();
        assertThat(bound.underLoad(64 * MIB + 1)).isTrue();
        bound.collected(300 * MIB, 100 * MIB); // e.g. the demo's models and caches are live, the rest was garbage
        assertThat(bound.limit()).isEqualTo(264 * MIB);
        assertThat(bound.underLoad(200 * MIB)).isFalse();
        assertThat(bound.underLoad(265 * MIB)).isTrue();
        bound.collected(265 * MIB, 12 * MIB); // the live heap shrank: so does the bound
        assertThat(bound.underLoad(100 * MIB)).isTrue();
    }

    @Test
    @DisplayName("a collection that found the old generation mostly live (streams opening) is not repeated until that heap has doubled")
    void growingLiveHeapIsNotWalkedAgain() {
        HeapKeeper.HeapBound bound = new HeapKeeper.HeapBound();
        bound.collected(100 * MIB, 20 * MIB);
        assertThat(bound.limit()).isEqualTo(104 * MIB);
        bound.collected(227 * MIB, 227 * MIB); // freed nothing: session 13's 458 ms pause, repeated every few seconds
        assertThat(bound.limit()).isEqualTo(518 * MIB); // 2 x 227 + 64 here is also over 2 x 227
        bound.collected(600 * MIB, 400 * MIB); // freed a third: still mostly live
        assertThat(bound.limit()).isEqualTo(1200 * MIB);
        assertThat(bound.underLoad(1000 * MIB)).isFalse();
    }

    @Test
    @DisplayName("idle: a full collection only when the heap holds more than 16 MiB over what was live")
    void collectWhenIdle() {
        HeapKeeper.HeapBound bound = new HeapKeeper.HeapBound();
        bound.collected(80 * MIB, 40 * MIB);
        assertThat(bound.idle(50 * MIB)).isFalse();
        assertThat(bound.idle(57 * MIB)).isTrue();
    }
}
