package dev.sluice.prompts.rollout;

import dev.sluice.prompts.rollout.Significance.TestResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A variant against the control over the same window: both arms' figures and, per figure, the
 * significance of the difference.
 */
public record Comparison(VariantFigures control, VariantFigures variant, List<TestResult> tests) {

    public Comparison {
        tests = List.copyOf(tests);
    }

    public static Comparison of(String controlName, List<Observation> control, String variantName,
                                List<Observation> variant) {
        VariantFigures a = VariantFigures.of(controlName, control);
        VariantFigures b = VariantFigures.of(variantName, variant);
        List<TestResult> tests = new ArrayList<>();
        tests.add(Significance.proportions("error_rate", a.errors(), a.requests(), b.errors(), b.requests()));
        tests.add(Significance.ranks("latency_ms", Significance.sample(control, o -> true, Observation::latencyMs),
                Significance.sample(variant, o -> true, Observation::latencyMs)));
        if (a.ttftP50Ms() != null && b.ttftP50Ms() != null) {
            tests.add(Significance.ranks("ttft_ms", Significance.sample(control, o -> o.ttftMs() != null, Observation::ttftMs),
                    Significance.sample(variant, o -> o.ttftMs() != null, Observation::ttftMs)));
        }
        if (a.rated() > 0 && b.rated() > 0) {
            tests.add(Significance.proportions("feedback_positive_rate", positives(control), a.rated(),
                    positives(variant), b.rated()));
        }
        if (a.scored() > 0 && b.scored() > 0) {
            tests.add(Significance.means("online_score", Significance.sample(control, o -> o.score() != null, Observation::score),
                    Significance.sample(variant, o -> o.score() != null, Observation::score)));
        }
        tests.add(Significance.means("cost_usd", Significance.sample(control, o -> true, Observation::costUsd),
                Significance.sample(variant, o -> true, Observation::costUsd)));
        return new Comparison(a, b, tests);
    }

    /** The test of one figure, or null when it was not run (no data on one side). */
    public TestResult test(String metric) {
        return tests.stream().filter(t -> t.metric().equals(metric)).findFirst().orElse(null);
    }

    private static long positives(List<Observation> observations) {
        return observations.stream().map(Observation::feedbackPositive).filter(Objects::nonNull).filter(b -> b).count();
    }
}
