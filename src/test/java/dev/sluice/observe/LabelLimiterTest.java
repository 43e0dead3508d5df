package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LabelLimiter: the first N values per label, then 'other'")
class LabelLimiterTest {

    @Test
    @DisplayName("keeps the first N distinct values; later ones become 'other'; admitted values stay admitted")
    void firstNThenOther() {
        LabelLimiter l = new LabelLimiter(Map.of("team", 3));
        assertThat(l.value("team", "a")).isEqualTo("a");
        assertThat(l.value("team", "b")).isEqualTo("b");
        assertThat(l.value("team", "a")).isEqualTo("a");
        assertThat(l.value("team", "c")).isEqualTo("c");
        assertThat(l.value("team", "d")).isEqualTo(LabelLimiter.OTHER);
        assertThat(l.value("team", "e")).isEqualTo(LabelLimiter.OTHER);
        assertThat(l.value("team", "b")).isEqualTo("b");
        assertThat(l.size("team")).isEqualTo(3);
        assertThat(l.value("team", null)).isEqualTo(LabelLimiter.NONE);
        assertThat(l.value("team", "")).isEqualTo(LabelLimiter.NONE);
        assertThat(l.value("unbounded", "anything")).isEqualTo("anything");
    }

    @Test
    @DisplayName("the default bounds: key 100, team 50, error_type 50, guard 50, feedback_name 50")
    void defaults() {
        LabelLimiter l = LabelLimiter.defaults();
        for (int i = 0; i < 150; i++) {
            l.value("key", "key_" + i);
            l.value("team", "team_" + i);
        }
        assertThat(l.size("key")).isEqualTo(100);
        assertThat(l.size("team")).isEqualTo(50);
        assertThat(l.value("key", "key_99")).isEqualTo("key_99");
        assertThat(l.value("key", "key_100")).isEqualTo(LabelLimiter.OTHER);
        assertThat(l.value("error_type", "x")).isEqualTo("x");
        assertThatThrownBy(() -> new LabelLimiter(Map.of("x", 0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("under concurrency no more than N values are ever admitted")
    void concurrent() throws Exception {
        LabelLimiter l = new LabelLimiter(Map.of("key", 10));
        Set<String> returned = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                int offset = t;
                pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        returned.add(l.value("key", "k" + ((i * 7 + offset) % 200)));
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        returned.remove(LabelLimiter.OTHER);
        assertThat(returned).hasSize(10);
        assertThat(l.size("key")).isEqualTo(10);
    }
}
