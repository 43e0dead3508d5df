package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Going idle trims the C heap through the JVM's diagnostic command")
class IdleHeapTrimTest {
    @Test
    @DisplayName("the diagnostic command exists under the name IdleHeapTrim calls, and it trims (glibc) or says why not")
    void nativeTrimIsCalled() {
        // null would mean the MBean operation was not found: the trim would silently never happen
        assertThat(IdleHeapTrim.trimNativeHeap()).isNotNull().containsIgnoringCase("trim");
    }
}
