package dev.sluice.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Backoff: exponential with full jitter, Retry-After honoured up to a cap")
class BackoffTest {
    private final Random random = new Random(42);
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10),
            random::nextDouble);

    @Test
    @DisplayName("the ceiling doubles per retry up to the maximum")
    void ceilingGrows() {
        assertThat(backoff.ceilingMillis(0)).isEqualTo(100);
        assertThat(backoff.ceilingMillis(1)).isEqualTo(200);
        assertThat(backoff.ceilingMillis(3)).isEqualTo(800);
        assertThat(backoff.ceilingMillis(5)).isEqualTo(2000);
        assertThat(backoff.ceilingMillis(40)).isEqualTo(2000);
    }

    @Test
    @DisplayName("waits spread uniformly over [0, ceiling]: full jitter, so retries of many clients do not align")
    void jitterSpreads() {
        for (int retry = 0; retry < 4; retry++) {
            long ceiling = backoff.ceilingMillis(retry);
            long min = Long.MAX_VALUE;
            long max = 0;
            double sum = 0;
            int n = 2000;
            for (int i = 0; i < n; i++) {
                long d = backoff.delayMillis(retry, null);
                assertThat(d).isBetween(0L, ceiling);
                min = Math.min(min, d);
                max = Math.max(max, d);
                sum += d;
            }
            assertThat(min).isLessThanOrEqualTo(ceiling / 20);
            assertThat(max).isGreaterThanOrEqualTo(ceiling * 19 / 20);
            assertThat(sum / n).isBetween(ceiling * 0.45, ceiling * 0.55);
        }
    }

    @Test
    @DisplayName("a Retry-After is waited exactly; one above the cap means: do not wait, go elsewhere")
    void retryAfter() {
        assertThat(backoff.delayMillis(0, Duration.ofSeconds(3))).isEqualTo(3000);
        assertThat(backoff.delayMillis(5, Duration.ZERO)).isZero();
        assertThat(backoff.delayMillis(0, Duration.ofSeconds(11))).isEqualTo(-1);
    }
}
