package dev.sluice.eval.run;

import java.util.List;

/** How the trials of a repeated case (flaky judges, sampling) make one verdict. */
public enum RepeatRule {
    /** Every trial passes. */
    ALL,
    /** More than half of the trials pass. */
    MAJORITY,
    /** The mean score reaches the test's threshold (0.5 when it has none). */
    MEAN;

    boolean passes(List<Trial> trials, Double threshold) {
        long passed = trials.stream().filter(Trial::pass).count();
        return switch (this) {
            case ALL -> passed == trials.size();
            case MAJORITY -> passed * 2 > trials.size();
            case MEAN -> mean(trials) >= (threshold == null ? 0.5 : threshold);
        };
    }

    static double mean(List<Trial> trials) {
        return trials.stream().mapToDouble(Trial::score).average().orElse(0);
    }
}
