package dev.sluice.prompts.rollout;

import dev.sluice.api.SluiceException;
import dev.sluice.prompts.rollout.GateCheck.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The canary state machine, pure: given a rollout's state, the figures of the current version and
 * of the candidate over the current step's window, and the time, it decides what happens next.
 * Nothing here reads a clock or a store; the driver feeds it and persists the result.
 *
 * <pre>
 *             verdict passes, not last step                 verdict passes, last step
 *   RUNNING(i) ────────────────────────────────▶ RUNNING(i+1) ─────────────────────────▶ PROMOTED
 *      │  ▲  a gate fails (at any tick, once min samples are in)
 *      │  │ ─────────────────────────────────────────────────────────────────────────────▶ ROLLED_BACK
 *  pause│  │resume (a fresh window)                      abort (from RUNNING or PAUSED; a PROMOTED model canary too) ──▶ ABORTED
 *      │  │                                              promote now (by hand, from RUNNING or PAUSED; skips what is left) ──▶ PROMOTED
 *      ▼  │
 *   PAUSED(i)   (keeps its traffic split, decides nothing)
 * </pre>
 *
 * A failing gate rolls back at once (the first tick after the candidate has {@code min_samples}
 * requests in the window), so a broken candidate is caught within one interval; promotion waits
 * for the interval to end and needs every gate to pass. A gate the current version fails as well
 * HOLDs the step instead: an upstream outage is not the candidate's fault.
 */
public final class CanaryController {

    /** What to do after an evaluation. */
    public sealed interface Decision {
        /** Nothing changes yet; {@code why} says what it waits for. */
        record Wait(String why, List<GateCheck> checks) implements Decision {}

        /** Go to the next step: a new window starts. */
        record Promote(int toStep, List<GateCheck> checks) implements Decision {}

        /** The last step passed: the label moves to the candidate. */
        record Complete(List<GateCheck> checks) implements Decision {}

        /** A gate failed: traffic goes back to the current version. */
        record RollBack(GateCheck failed, List<GateCheck> checks) implements Decision {}
    }

    /** How the reason of a rollout promoted by hand starts. */
    static final String BY_HAND = "promoted by hand";

    private CanaryController() {}

    public static Decision decide(RolloutState s, VariantFigures baseline, VariantFigures candidate, Instant now) {
        if (s.status() != RolloutStatus.RUNNING) {
            return new Decision.Wait("the rollout is " + s.status().wire(), s.lastChecks());
        }
        Gates gates = s.plan().gates();
        List<GateCheck> checks = check(gates, baseline, candidate);
        if (candidate.requests() < gates.minSamples()) {
            return new Decision.Wait("the candidate has served " + candidate.requests() + " of the " + gates.minSamples()
                    + " requests a verdict needs", checks);
        }
        for (GateCheck c : checks) {
            if (c.outcome() == Outcome.FAIL) {
                return new Decision.RollBack(c, checks);
            }
        }
        long endsAt = s.stepStartedAt() + s.plan().intervalMs();
        if (now.toEpochMilli() < endsAt) {
            return new Decision.Wait("step " + (s.step() + 1) + " (" + s.candidatePercent() + "%) runs until "
                    + Instant.ofEpochMilli(endsAt), checks);
        }
        for (GateCheck c : checks) {
            if (c.outcome() == Outcome.HOLD) {
                return new Decision.Wait("held: " + c.describe() + " (the current version fails it too)", checks);
            }
        }
        return s.step() + 1 < s.plan().steps().size() ? new Decision.Promote(s.step() + 1, checks)
                : new Decision.Complete(checks);
    }

    /** The state after a decision (revision unchanged: the store bumps it on write). */
    public static RolloutState apply(RolloutState s, Decision d, Instant now) {
        long t = now.toEpochMilli();
        return switch (d) {
            case Decision.Wait w -> s.with(s.status(), s.step(), s.stepStartedAt(), t, s.reason(), w.checks());
            case Decision.Promote p -> s.with(RolloutStatus.RUNNING, p.toStep(), t, t, null, p.checks());
            case Decision.Complete c -> s.with(RolloutStatus.PROMOTED, s.step(), s.stepStartedAt(), t,
                    "all " + s.plan().steps().size() + " steps passed", c.checks());
            case Decision.RollBack r -> s.with(RolloutStatus.ROLLED_BACK, s.step(), s.stepStartedAt(), t,
                    "gate failed at step " + (s.step() + 1) + " (" + s.candidatePercent() + "%): " + r.failed().describe(),
                    r.checks());
        };
    }

    public static RolloutState pause(RolloutState s, Instant now, String reason) {
        requireStatus(s, RolloutStatus.RUNNING, "pause");
        return s.with(RolloutStatus.PAUSED, s.step(), s.stepStartedAt(), now.toEpochMilli(), reason, s.lastChecks());
    }

    /** Back to RUNNING with a fresh window: figures from before the pause do not count. */
    public static RolloutState resume(RolloutState s, Instant now) {
        requireStatus(s, RolloutStatus.PAUSED, "resume");
        return s.with(RolloutStatus.RUNNING, s.step(), now.toEpochMilli(), now.toEpochMilli(), null, s.lastChecks());
    }

    /**
     * Promoted by hand, from RUNNING or PAUSED: the steps left are skipped and the candidate takes all the
     * traffic (the label moves, as when the last step passes). The gates' last verdicts stay as they were.
     */
    public static RolloutState promoteNow(RolloutState s, Instant now, String reason) {
        if (!s.status().active()) {
            throw conflict(s, "promote");
        }
        String why = BY_HAND + " at step " + (s.step() + 1) + " of " + s.plan().steps().size() + " ("
                + s.candidatePercent() + "%)" + (reason == null || reason.isBlank() ? "" : ": " + reason);
        return s.with(RolloutStatus.PROMOTED, s.step(), s.stepStartedAt(), now.toEpochMilli(), why, s.lastChecks());
    }

    public static RolloutState abort(RolloutState s, Instant now, String reason) {
        boolean override = s.status() == RolloutStatus.PROMOTED && s.plan().subject().startsWith("model:");
        if (!s.status().active() && !override) {
            throw conflict(s, "abort");
        }
        return s.with(RolloutStatus.ABORTED, s.step(), s.stepStartedAt(), now.toEpochMilli(), reason, s.lastChecks());
    }

    /** Every configured gate's verdict, in a fixed order (errors, latency, feedback, score). */
    public static List<GateCheck> check(Gates g, VariantFigures baseline, VariantFigures candidate) {
        List<GateCheck> out = new ArrayList<>(4);
        if (g.maxErrorRate() != null) {
            out.add(upperBound("max_error_rate", candidate.errorRate(), baseline.errorRate(), g.maxErrorRate()));
        }
        if (g.maxP99LatencyMs() != null) {
            out.add(upperBound("max_p99_latency_ms", asDouble(candidate.latencyP99Ms()), asDouble(baseline.latencyP99Ms()),
                    g.maxP99LatencyMs()));
        }
        if (g.minPositiveRate() != null) {
            out.add(lowerBound("min_feedback_positive_rate", candidate.positiveRate(), baseline.positiveRate(),
                    g.minPositiveRate()));
        }
        if (g.minScore() != null) {
            out.add(lowerBound("min_online_score", candidate.meanScore(), baseline.meanScore(), g.minScore()));
        }
        return out;
    }

    private static GateCheck upperBound(String gate, Double candidate, Double baseline, double max) {
        Outcome o;
        if (candidate == null) {
            o = Outcome.NO_DATA;
        } else if (candidate <= max) {
            o = Outcome.PASS;
        } else {
            o = baseline == null || candidate > baseline ? Outcome.FAIL : Outcome.HOLD;
        }
        return new GateCheck(gate, o, candidate, baseline, max);
    }

    private static GateCheck lowerBound(String gate, Double candidate, Double baseline, double min) {
        Outcome o;
        if (candidate == null) {
            o = Outcome.NO_DATA;
        } else if (candidate >= min) {
            o = Outcome.PASS;
        } else {
            o = baseline == null || candidate < baseline ? Outcome.FAIL : Outcome.HOLD;
        }
        return new GateCheck(gate, o, candidate, baseline, min);
    }

    private static Double asDouble(Long v) {
        return v == null ? null : v.doubleValue();
    }

    private static void requireStatus(RolloutState s, RolloutStatus expected, String action) {
        if (s.status() != expected) {
            throw conflict(s, action);
        }
    }

    private static SluiceException conflict(RolloutState s, String action) {
        return new SluiceException(409, "invalid_request_error", "rollout_state", null, "Cannot " + action
                + " the rollout " + s.id() + ": it is " + s.status().wire() + ".");
    }
}
