package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 #3: 200 requests with unique 1 MB {@code user} values left 935 MB in the old
 * generation (the limiter's buckets and the price catalog's cache held every name). A bound test,
 * not a timing test: heap in use after a full GC, before and after 1,000 such requests, plus
 * 1,000 requests with unique values at the caps (256 characters) that do reach the limiter.
 */
@DisplayName("Unique user and model values do not stay in memory")
class UniqueValuesMemoryTest {

    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static ObjectNode chat(String model, String user) {
        ObjectNode body = Json.object().put("model", model).put("user", user);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return body;
    }

    @Test
    @DisplayName("1,000 requests with unique 1 MB user/model values, then 1,000 at the caps: heap after GC within 16 MB of before")
    // 1 GB of request bodies through the gateway: ~20 s on a quiet machine, past the suite's 120 s default at load 28
    // (session 14); a hang would still end the build
    @org.junit.jupiter.api.Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void heapReturnsToBaseline() throws Exception {
        try (TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                limits:
                  user: {rpm: 1000, concurrency: 5}
                """, Clock.systemUTC())) {
            String key = gw.createKey("memory");
            // warm up: class loading, buffers, JIT, the writers' first batches
            for (int i = 0; i < 50; i++) {
                gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", "warm-" + i), Http.bearer(key));
                gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", ("w" + i).repeat(400_000 / 3)), Http.bearer(key));
            }
            gw.flushLog();
            long baseline = heapAfterGc();
            String mb = "x".repeat(1_000_000 - 300);
            for (int i = 0; i < 1_000; i++) {
                String unique = i + mb;
                ObjectNode body = i % 2 == 0 ? chat("gpt-4o-mini", unique) : chat(unique, "u" + i);
                Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key));
                assertThat(r.status()).as(r.body()).isEqualTo(400);
            }
            for (int i = 0; i < 1_000; i++) {
                String user = (i + "-").repeat(256).substring(0, 256);
                Http.Response r = gw.http().post("/v1/chat/completions", chat("gpt-4o-mini", user), Http.bearer(key));
                assertThat(r.status()).isEqualTo(200);
            }
            gw.flushLog();
            long after = heapAfterGc();
            System.out.printf("heap after GC: baseline %d MB, after 2,000 unique values %d MB%n", baseline >> 20, after >> 20);
            // 1,000 kept 1 MB values would be ~1 GB (the bug: 935 MB after 200). What may stay is small and
            // bounded: the 1,000 capped users' live rpm buckets, the recent-requests ring: ~5 MB on a ~50 MB
            // baseline, which a bound of 10% of the baseline made pass or fail by a few hundred KB
            assertThat(after - baseline).isLessThanOrEqualTo(16L << 20);
        }
    }
}
