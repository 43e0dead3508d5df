package dev.sluice.prompts.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sticky variant assignment by hashing")
class AssignmentTest {
    private static final int USERS = 10_000;

    @Test
    @DisplayName("10,000 simulated users split within 3 points of the weights (50/50 and 70/20/10)")
    void splitFollowsWeights() {
        assertShares(List.of(new Variant("a", "1", 1), new Variant("b", "2", 1)), "exp-1");
        assertShares(List.of(new Variant("a", "1", 70), new Variant("b", "2", 20), new Variant("c", "3", 10)), "exp-2");
    }

    @Test
    @DisplayName("the same user gets the same variant across 1,000 requests; user beats session beats key")
    void sticky() {
        List<Variant> variants = List.of(new Variant("a", "1", 1), new Variant("b", "2", 1), new Variant("c", "3", 1));
        for (int u = 0; u < 20; u++) {
            Variant first = Buckets.pick(variants, Buckets.of("exp", StickyKey.of("user-" + u, "s-1", "key-1")));
            for (int request = 0; request < 1_000; request++) {
                StickyKey key = StickyKey.of("user-" + u, "session-" + request, "key-" + (request % 7));
                assertThat(Buckets.pick(variants, Buckets.of("exp", key))).isEqualTo(first);
            }
        }
        assertThat(StickyKey.of(null, "s", "k")).isEqualTo(new StickyKey("session", "s"));
        assertThat(StickyKey.of("", null, "k")).isEqualTo(new StickyKey("key", "k"));
        assertThat(StickyKey.of(null, null, null)).isNull();
        assertThat(Buckets.of("exp", new StickyKey("user", "x"))).as("the kind is hashed too")
                .isNotEqualTo(Buckets.of("exp", new StickyKey("key", "x")));
    }

    @Test
    @DisplayName("a canary only adds users as it grows, and its share is within 3 points at each step")
    void canaryIsMonotonic() {
        Map<Integer, Integer> inAt = new HashMap<>();
        for (int percent : List.of(5, 25, 50, 100)) {
            int in = 0;
            for (int u = 0; u < USERS; u++) {
                boolean candidate = Buckets.inCanary(Buckets.of("ro_1", new StickyKey("user", "u" + u)), percent);
                in += candidate ? 1 : 0;
                if (candidate) {
                    inAt.putIfAbsent(u, percent);
                } else {
                    assertThat(inAt).as("user %d left the candidate at %d%%", u, percent).doesNotContainKey(u);
                }
            }
            assertThat(100.0 * in / USERS).isCloseTo(percent, within(3.0));
        }
    }

    @Test
    @DisplayName("two experiments assign independently (their salts differ)")
    void independentExperiments() {
        List<Variant> half = List.of(new Variant("a", "1", 1), new Variant("b", "2", 1));
        int both = 0;
        for (int u = 0; u < USERS; u++) {
            StickyKey key = new StickyKey("user", "u" + u);
            boolean inFirst = Buckets.pick(half, Buckets.of("exp-1", key)).name().equals("b");
            boolean inSecond = Buckets.pick(half, Buckets.of("exp-2", key)).name().equals("b");
            both += inFirst && inSecond ? 1 : 0;
        }
        assertThat(100.0 * both / USERS).isCloseTo(25, within(3.0));
    }

    private static void assertShares(List<Variant> variants, String salt) {
        Map<String, Integer> counts = new HashMap<>();
        for (int u = 0; u < USERS; u++) {
            counts.merge(Buckets.pick(variants, Buckets.of(salt, new StickyKey("user", "user-" + u))).name(), 1, Integer::sum);
        }
        int total = variants.stream().mapToInt(Variant::weight).sum();
        for (Variant v : variants) {
            assertThat(100.0 * counts.getOrDefault(v.name(), 0) / USERS).as(v.name())
                    .isCloseTo(100.0 * v.weight() / total, within(3.0));
        }
    }
}
