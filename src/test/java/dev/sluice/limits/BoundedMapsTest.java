package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The local limiter forgets end users it has not seen for a minute")
class BoundedMapsTest {

    @Test
    @DisplayName("10,000 unique end users' buckets are pruned once idle; live buckets keep their state")
    void idleBucketsArePruned() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
        LocalLimiter limiter = new LocalLimiter(clock);
        for (int i = 0; i < 10_000; i++) {
            Bucket rpm = new Bucket("user:u" + i + ":rpm", Bucket.Kind.REQUESTS_PER_MINUTE, "user", "u" + i, 10, 1, 0);
            Bucket slots = new Bucket("user:u" + i + ":concurrency", Bucket.Kind.CONCURRENCY, "user", "u" + i, 2, 1, 0);
            Decision d = limiter.acquire(List.of(rpm, slots), "lease-" + i);
            limiter.settle(List.of(rpm, slots), "lease-" + i, 0, 0);
            assertThat(d.admitted()).isTrue();
        }
        assertThat(limiter.size()).isGreaterThanOrEqualTo(10_000);
        clock.advance(Duration.ofSeconds(61));
        Bucket live = new Bucket("user:live:rpm", Bucket.Kind.REQUESTS_PER_MINUTE, "user", "live", 1, 1, 0);
        assertThat(limiter.acquire(List.of(live), "l").admitted()).isTrue();
        assertThat(limiter.size()).isLessThanOrEqualTo(2);
        // the live bucket still knows it is empty
        assertThat(limiter.acquire(List.of(live), "l2").admitted()).isFalse();
    }
}
