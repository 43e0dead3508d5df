package dev.sluice.eval.run;

import dev.sluice.eval.TestCase;
import java.util.List;

/**
 * The verdict of one test × prompt × target over its trials (one per {@code --repeat}), combined
 * by the run's {@link RepeatRule}.
 */
public record CaseResult(int testIndex, TestCase test, String prompt, String target, String model,
                         List<Trial> trials, boolean pass, double score) {
    public CaseResult {
        trials = List.copyOf(trials);
    }

    /** What identifies this case across runs (for baselines): test name, prompt and target. */
    public String key() {
        return test.name() + " | " + prompt + " | " + target;
    }

    public int passedTrials() {
        return (int) trials.stream().filter(Trial::pass).count();
    }

    public double meanLatencyMs() {
        return trials.stream().mapToLong(t -> t.answer().latencyMs()).average().orElse(0);
    }

    /** The settled cost of all trials, or null when the gateway reported none. */
    public Double costUsd() {
        Double sum = null;
        for (Trial t : trials) {
            if (t.answer().costUsd() != null) {
                sum = (sum == null ? 0 : sum) + t.answer().costUsd();
            }
        }
        return sum;
    }

    public double minScore() {
        return trials.stream().mapToDouble(Trial::score).min().orElse(0);
    }

    public double maxScore() {
        return trials.stream().mapToDouble(Trial::score).max().orElse(0);
    }

    /** The first failing trial's reason, or "" when every trial passed. */
    public String failureReason() {
        return trials.stream().filter(t -> !t.pass()).map(Trial::failureReason).findFirst().orElse("");
    }

    /** The last trial's answer text. */
    public String output() {
        return trials.isEmpty() ? "" : trials.getLast().answer().text();
    }
}
