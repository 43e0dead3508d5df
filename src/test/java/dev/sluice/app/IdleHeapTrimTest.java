package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Going idle trims the C heap (glibc's malloc_trim)")
class IdleHeapTrimTest {
    @Test
    @DisplayName("malloc_trim is called (glibc) or IdleHeapTrim says why not")
    void nativeTrimIsCalled() {
        // null would mean the call failed: the trim would silently never happen
        assertThat(IdleHeapTrim.trimNativeHeap()).isNotNull().containsIgnoringCase("trim");
    }
}
