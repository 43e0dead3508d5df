package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.RetentionConfig;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Retention on several nodes sharing one PostgreSQL: each round runs on one node")
class RetentionLeaseTest {
    @Test
    @DisplayName("three nodes start a round at once: one runs it; in the next interval one runs again")
    void oneNodeARound() throws Exception {
        String url = Services.postgres();
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        RetentionConfig config = new RetentionConfig(Duration.ofDays(30), Duration.ofDays(7), Duration.ofDays(3),
                Duration.ofDays(400), Duration.ofDays(90), Duration.ofMinutes(10));
        List<Database> dbs = new ArrayList<>();
        try {
            List<Retention> nodes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Database db = Database.openPostgres(url);
                dbs.add(db);
                nodes.add(new Retention(db, config, clock, false));
            }
            for (int round = 0; round < 3; round++) {
                int ran = 0;
                try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
                    List<Future<Boolean>> results = new ArrayList<>();
                    for (Retention r : nodes) {
                        results.add(pool.submit(r::runScheduled));
                    }
                    for (Future<Boolean> f : results) {
                        ran += f.get() ? 1 : 0;
                    }
                }
                assertThat(ran).as("round %d", round).isEqualTo(1);
                // a second try within the same interval runs nowhere
                assertThat(nodes.stream().filter(Retention::runScheduled).count()).isZero();
                clock.advance(Duration.ofMinutes(10));
            }
        } finally {
            dbs.forEach(Database::close);
        }
    }
}
