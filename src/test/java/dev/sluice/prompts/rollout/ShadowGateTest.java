package dev.sluice.prompts.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.prompts.rollout.ShadowGate.Verdict;
import dev.sluice.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Shadow traffic admission: share, budget, rate")
class ShadowGateTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    @Test
    @DisplayName("about the configured share of requests is copied, the same request always decides the same way")
    void share() {
        ShadowGate gate = new ShadowGate("sh_1", new ShadowConfig("model:m", "m2", 0.2, 100, 100_000), clock, 0);
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (int i = 0; i < 10_000; i++) {
            counts.merge(gate.admit("req-" + i), 1, Integer::sum);
        }
        assertThat(counts.get(Verdict.SEND) / 100.0).isCloseTo(20, within(2.0));
        ShadowGate again = new ShadowGate("sh_1", new ShadowConfig("model:m", "m2", 0.2, 100, 100_000), clock, 0);
        for (int i = 0; i < 100; i++) {
            assertThat(again.admit("req-" + i) == Verdict.SEND).isEqualTo(new ShadowGate("sh_1",
                    new ShadowConfig("model:m", "m2", 0.2, 100, 100_000), clock, 0).admit("req-" + i) == Verdict.SEND);
        }
    }

    @Test
    @DisplayName("at most max_per_minute copies, refilled as time passes; nothing once the budget is spent")
    void rateAndBudget() {
        ShadowGate gate = new ShadowGate("sh_1", new ShadowConfig("model:m", "m2", 1.0, 1.0, 30), clock, 0);
        int sent = 0;
        for (int i = 0; i < 100; i++) {
            sent += gate.admit("a-" + i) == Verdict.SEND ? 1 : 0;
        }
        assertThat(sent).isEqualTo(30);
        assertThat(gate.admit("b")).isEqualTo(Verdict.RATE_LIMITED);
        clock.advance(Duration.ofSeconds(10));
        sent = 0;
        for (int i = 0; i < 100; i++) {
            sent += gate.admit("c-" + i) == Verdict.SEND ? 1 : 0;
        }
        assertThat(sent).as("10 s refill 5 of 30 per minute").isEqualTo(5);
        gate.spent(0.6);
        gate.spent(0.4);
        clock.advance(Duration.ofMinutes(5));
        assertThat(gate.admit("d")).isEqualTo(Verdict.BUDGET_SPENT);
        assertThat(new ShadowGate("sh_1", new ShadowConfig("model:m", "m2", 1.0, 1.0, 30), clock, 1.0).admit("e"))
                .as("spend carried over a restart").isEqualTo(Verdict.BUDGET_SPENT);
        assertThatThrownBy(() -> new ShadowConfig("model:m", "m2", 0, 1, 1)).hasMessageContaining("share");
        assertThatThrownBy(() -> new ShadowConfig("model:m", "m2", 0.5, 0, 1)).hasMessageContaining("budget");
    }
}
