package dev.sluice.prompts.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.SluiceException;
import dev.sluice.prompts.rollout.CanaryController.Decision;
import dev.sluice.prompts.rollout.GateCheck.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Canary state machine (pure, time given)")
class CanaryControllerTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration EVERY = Duration.ofMinutes(10);
    private static final Gates GATES = new Gates(0.05, 2_000L, 0.6, 0.7, 50);

    static RolloutPlan plan(Gates gates) {
        return new RolloutPlan("prompt:support", "production", "1", "2", RolloutPlan.DEFAULT_STEPS, EVERY.toMillis(), gates);
    }

    static RolloutState start(Gates gates) {
        return new RolloutState("ro_1", plan(gates), RolloutStatus.RUNNING, 0, T0.toEpochMilli(), T0.toEpochMilli(),
                T0.toEpochMilli(), null, List.of(), 1);
    }

    /** n requests, a share of them failed, given latency, feedback and score. */
    static VariantFigures figures(int n, double errorRate, long latencyMs, Boolean positive, Double score) {
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            obs.add(new Observation("v", i, i < Math.round(n * errorRate) ? "server_error" : null, latencyMs, null, 1, 1,
                    0, positive, score));
        }
        return VariantFigures.of("v", obs);
    }

    static final VariantFigures HEALTHY = figures(200, 0.01, 800, true, 0.9);

    @Test
    @DisplayName("a healthy candidate is promoted step by step at each interval's end, then completes")
    void promotes() {
        RolloutState s = start(GATES);
        Instant now = T0;
        for (int step = 0; step < 4; step++) {
            assertThat(CanaryController.decide(s, HEALTHY, HEALTHY, now.plus(EVERY).minusSeconds(1)))
                    .as("before the interval ends").isInstanceOf(Decision.Wait.class);
            now = now.plus(EVERY);
            Decision d = CanaryController.decide(s, HEALTHY, HEALTHY, now);
            s = CanaryController.apply(s, d, now);
            if (step < 3) {
                assertThat(d).isInstanceOf(Decision.Promote.class);
                assertThat(s.candidatePercent()).isEqualTo(RolloutPlan.DEFAULT_STEPS.get(step + 1));
                assertThat(s.stepStartedAt()).as("a new window").isEqualTo(now.toEpochMilli());
            } else {
                assertThat(d).isInstanceOf(Decision.Complete.class);
                assertThat(s.status()).isEqualTo(RolloutStatus.PROMOTED);
                assertThat(s.candidatePercent()).isEqualTo(100);
            }
        }
        assertThat(s.lastChecks()).extracting(GateCheck::outcome).containsOnly(Outcome.PASS);
    }

    @Test
    @DisplayName("the first failing gate rolls back at once (within the interval), naming the gate and the figures")
    void rollsBack() {
        RolloutState s = start(GATES);
        Instant early = T0.plus(Duration.ofMinutes(2));
        Decision d = CanaryController.decide(s, HEALTHY, figures(60, 0.30, 800, true, 0.9), early);
        assertThat(d).isInstanceOfSatisfying(Decision.RollBack.class, r -> {
            assertThat(r.failed().gate()).isEqualTo("max_error_rate");
            assertThat(r.failed().candidate()).isEqualTo(0.3);
            assertThat(r.failed().baseline()).isEqualTo(0.01);
        });
        RolloutState after = CanaryController.apply(s, d, early);
        assertThat(after.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(after.candidatePercent()).isZero();
        assertThat(after.reason()).contains("step 1 (5%)", "max_error_rate fail", "candidate 0.3000", "current 0.0100");

        assertThat(((Decision.RollBack) CanaryController.decide(s, HEALTHY, figures(60, 0, 3_000, true, 0.9), early))
                .failed().gate()).isEqualTo("max_p99_latency_ms");
        assertThat(((Decision.RollBack) CanaryController.decide(s, HEALTHY, figures(60, 0, 800, false, 0.9), early))
                .failed().gate()).isEqualTo("min_feedback_positive_rate");
        assertThat(((Decision.RollBack) CanaryController.decide(s, HEALTHY, figures(60, 0, 800, true, 0.2), early))
                .failed().gate()).isEqualTo("min_online_score");
    }

    @Test
    @DisplayName("no verdict before min samples; a gate the current version fails too holds; no ratings do not block")
    void waits() {
        RolloutState s = start(GATES);
        Instant end = T0.plus(EVERY);
        assertThat(CanaryController.decide(s, HEALTHY, figures(49, 1.0, 800, true, 0.9), end))
                .isInstanceOfSatisfying(Decision.Wait.class, w -> assertThat(w.why()).contains("49 of the 50"));
        VariantFigures outage = figures(200, 0.40, 800, true, 0.9);
        assertThat(CanaryController.decide(s, outage, figures(200, 0.30, 800, true, 0.9), end))
                .isInstanceOfSatisfying(Decision.Wait.class, w -> assertThat(w.why()).contains("held: max_error_rate hold"));
        assertThat(CanaryController.decide(s, HEALTHY, figures(200, 0, 800, null, null), end))
                .as("NO_DATA passes").isInstanceOf(Decision.Promote.class);
        assertThat(CanaryController.decide(start(new Gates(null, null, null, null, 1)), HEALTHY,
                figures(1, 1.0, 99_999, false, 0.0), end)).as("no gates configured: only time and samples")
                .isInstanceOf(Decision.Promote.class);
    }

    @Test
    @DisplayName("pause holds everything, resume starts a fresh window, abort ends it; wrong transitions are 409s")
    void pauseResumeAbort() {
        RolloutState s = start(GATES);
        RolloutState paused = CanaryController.pause(s, T0.plusSeconds(60), "investigating");
        assertThat(paused.candidatePercent()).as("keeps its split").isEqualTo(5);
        assertThat(CanaryController.decide(paused, HEALTHY, figures(100, 1.0, 1, true, 1.0), T0.plus(EVERY)))
                .isInstanceOf(Decision.Wait.class);
        Instant later = T0.plus(Duration.ofHours(1));
        RolloutState resumed = CanaryController.resume(paused, later);
        assertThat(resumed.stepStartedAt()).isEqualTo(later.toEpochMilli());
        assertThat(CanaryController.decide(resumed, HEALTHY, HEALTHY, later.plusSeconds(1))).isInstanceOf(Decision.Wait.class);
        RolloutState aborted = CanaryController.abort(resumed, later, "changed our mind");
        assertThat(aborted.status()).isEqualTo(RolloutStatus.ABORTED);
        assertThat(aborted.candidatePercent()).isZero();
        assertThatThrownBy(() -> CanaryController.resume(s, later)).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.status()).isEqualTo(409));
        assertThatThrownBy(() -> CanaryController.abort(aborted, later, null)).isInstanceOf(SluiceException.class);
    }

    @Test
    @DisplayName("plans are validated: increasing steps ending at 100, an interval, a candidate other than the current version")
    void planValidation() {
        assertThatThrownBy(() -> new RolloutPlan("prompt:p", "production", "1", "2", List.of(5, 50), 60_000, null))
                .hasMessageContaining("last step must be 100");
        assertThatThrownBy(() -> new RolloutPlan("prompt:p", "production", "1", "2", List.of(50, 25, 100), 60_000, null))
                .hasMessageContaining("increase");
        assertThatThrownBy(() -> new RolloutPlan("prompt:p", "production", "1", "1", List.of(100), 60_000, null))
                .hasMessageContaining("differ");
        assertThatThrownBy(() -> new Gates(1.5, null, null, null, 1)).hasMessageContaining("max_error_rate");
        assertThat(new RolloutPlan("prompt:p", "production", "1", "2", List.of(100), 60_000, null).gates())
                .isEqualTo(Gates.DEFAULT);
    }
}
