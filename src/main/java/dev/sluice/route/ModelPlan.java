package dev.sluice.route;

import dev.sluice.config.TimeoutsConfig;
import dev.sluice.quality.AnswerCheck;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How one public model is served at run time: its deployments (with their live state), the
 * strategy that ranks them, how many retries it gets, its timeouts and its fallback chain.
 */
record ModelPlan(String name, Strategy strategy, List<Deployment> deployments, int retries, TimeoutsConfig timeouts,
                 List<Fallback> fallbacks) {

    /** The answer checks some fallback names ({@code on: [refusal, ...]}): a whole answer is checked against these. */
    Set<AnswerCheck> answerChecks() {
        Set<AnswerCheck> checks = EnumSet.noneOf(AnswerCheck.class);
        for (Fallback f : fallbacks) {
            for (String label : f.on()) {
                AnswerCheck c = AnswerCheck.of(label);
                if (c != null) {
                    checks.add(c);
                }
            }
        }
        return checks;
    }

    /** The {@code judge_below} of the first fallback naming it, or null: {threshold, judge model}. */
    Fallback judged() {
        for (Fallback f : fallbacks) {
            if (f.judgeBelow() != null) {
                return f;
            }
        }
        return null;
    }

    /**
     * Try {@code model} when the failure's class label is in {@code on}; {@code judgeBelow} and
     * {@code judgeModel} are set when {@code on} names {@code judge_below}.
     */
    record Fallback(String model, Set<String> on, Double judgeBelow, String judgeModel) {
        Fallback(String model, Set<String> on) {
            this(model, on, null, null);
        }
    }
}
