package dev.sluice.prompts.rollout;

import dev.sluice.api.SluiceException;
import java.time.Duration;
import java.util.List;

/**
 * What a canary does: serve {@code candidate} to a growing share of the traffic that {@code label}
 * of {@code subject} gets (the rest keeps {@code baseline}), step by step, checking the gates at
 * the end of every interval; at 100% the label moves to the candidate.
 *
 * @param subject    {@code prompt:NAME} or {@code model:NAME}
 * @param label      the label whose traffic is split (prompts; {@code production} usually), or null for models
 * @param baseline   the current version (or deployment)
 * @param candidate  the new version (or deployment)
 * @param steps      candidate shares in percent, increasing, ending at 100 (e.g. 5, 25, 50, 100)
 * @param intervalMs how long each step lasts before its verdict
 */
public record RolloutPlan(String subject, String label, String baseline, String candidate, List<Integer> steps,
                          long intervalMs, Gates gates) {
    public static final List<Integer> DEFAULT_STEPS = List.of(5, 25, 50, 100);
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    public RolloutPlan {
        steps = List.copyOf(steps);
        if (steps.isEmpty() || steps.size() > 20) {
            throw SluiceException.invalidRequest("steps", "Give 1 to 20 steps, e.g. 5,25,50,100.");
        }
        int previous = 0;
        for (int s : steps) {
            if (s <= previous || s > 100) {
                throw SluiceException.invalidRequest("steps", "Steps are percentages that increase and end at 100,"
                        + " e.g. 5,25,50,100; got " + steps + ".");
            }
            previous = s;
        }
        if (previous != 100) {
            throw SluiceException.invalidRequest("steps", "The last step must be 100 (the candidate takes all traffic); got "
                    + steps + ".");
        }
        if (intervalMs < MIN_INTERVAL.toMillis()) {
            throw SluiceException.invalidRequest("every", "A step lasts at least " + MIN_INTERVAL.toSeconds() + " second.");
        }
        if (baseline == null || candidate == null || baseline.equals(candidate)) {
            throw SluiceException.invalidRequest("to", "The candidate must differ from the current version (" + baseline + ").");
        }
        gates = gates == null ? Gates.DEFAULT : gates;
    }

    public Duration interval() {
        return Duration.ofMillis(intervalMs);
    }
}
