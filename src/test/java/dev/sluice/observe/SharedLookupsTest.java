package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Shared lookups: one bounded poll per key, however many callers wait for it")
class SharedLookupsTest {
    @Test
    @DisplayName("ten callers asking for one unknown key cost one poll (as many probes as poll offsets), all get null,"
            + " and nothing stays in the map")
    void oneBoundedPollPerKey() throws Exception {
        SharedLookups<String> lookups = new SharedLookups<>(0, 1, 2);
        AtomicInteger probes = new AtomicInteger();
        CountDownLatch firstProbe = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        Runnable ask = () -> answers.add(String.valueOf(lookups.await("k", () -> {
            probes.incrementAndGet();
            firstProbe.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        })));
        threads.add(Thread.ofPlatform().start(ask));
        firstProbe.await();
        for (int i = 0; i < 9; i++) {
            threads.add(Thread.ofPlatform().start(ask));
        }
        // the nine joiners are parked on the first caller's answer
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> threads.subList(1, 10).stream()
                .allMatch(t -> t.getState() == Thread.State.WAITING));
        release.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(probes.get()).isEqualTo(3);
        assertThat(answers).hasSize(10).containsOnly("null");
        assertThat(lookups.inflight()).isZero();
    }

    @Test
    @DisplayName("the poll stops at the first answer; a failing probe fails every waiter and frees the key")
    void answersAndFailures() {
        SharedLookups<String> lookups = new SharedLookups<>(0, 1, 2, 3);
        AtomicInteger probes = new AtomicInteger();
        assertThat(lookups.await("k", () -> probes.incrementAndGet() == 2 ? "found" : null)).isEqualTo("found");
        assertThat(probes.get()).isEqualTo(2);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try {
            lookups.await("k", () -> {
                throw new IllegalStateException("store down");
            });
        } catch (IllegalStateException e) {
            thrown.set(e);
        }
        assertThat(thrown.get()).hasMessage("store down");
        assertThat(lookups.inflight()).isZero();
    }
}
