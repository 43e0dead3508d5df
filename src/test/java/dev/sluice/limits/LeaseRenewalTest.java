package dev.sluice.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.RedisConfig;
import dev.sluice.store.Redis;
import dev.sluice.testing.Services;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Concurrency slots in Redis are leases, renewed while their request runs")
class LeaseRenewalTest {

    @Test
    @DisplayName("a request running for more than two lease lifetimes keeps its slot; settling frees it and stops the renewal")
    void renewedWhileRunning() throws Exception {
        try (Redis redis = new Redis(new RedisConfig(Services.redis(), Duration.ofSeconds(5), true))) {
            // leases of 2 s renewed every 250 ms: eight chances to renew a lease (production: 20 s, every 5 s)
            RedisLimiter limiter = new RedisLimiter(redis, Clock.systemUTC(), Duration.ofSeconds(2), Duration.ofMillis(250));
            // namespaced per run: parallel test runs share this Redis
            Bucket slot = new Bucket("test:" + UUID.randomUUID() + ":conc", Bucket.Kind.CONCURRENCY, "key", "k", 1, 1, 0);
            List<Bucket> buckets = List.of(slot);
            assertThat(limiter.acquire(buckets, "long-request").admitted()).isTrue();
            assertThat(limiter.heldLeases()).isEqualTo(1);

            Thread.sleep(Duration.ofSeconds(5)); // 2.5 lease lifetimes: only renewal keeps the slot taken

            assertThat(limiter.acquire(buckets, "second").admitted()).as("the running request still holds the only slot").isFalse();
            limiter.settle(buckets, "long-request", 0, 0);
            assertThat(limiter.heldLeases()).isZero();
            assertThat(limiter.acquire(buckets, "second").admitted()).isTrue();
            limiter.settle(buckets, "second", 0, 0);
            limiter.close();
        }
    }
}
