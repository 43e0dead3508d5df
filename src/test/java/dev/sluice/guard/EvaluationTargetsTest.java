package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.embed.Embedder;
import dev.sluice.guard.eval.DetectionMetrics;
import dev.sluice.guard.eval.GuardEvaluation;
import dev.sluice.guard.injection.InjectionClassifier;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Keeps the README's evaluation figures true: the held-out split must meet the targets. */
@DisplayName("On the held-out split the scanners meet their targets")
class EvaluationTargetsTest {

    @Test
    @DisplayName("prompt injection, default scanner (rules): recall >= 90% at a false-positive rate <= 5%")
    void injection() {
        GuardEvaluation.InjectionResult rules = GuardEvaluation.injection("test", null).getFirst();
        assertThat(rules.metrics().name()).contains("rules only");
        assertThat(rules.metrics().recall()).as(rules.metrics().row()).isGreaterThanOrEqualTo(0.90);
        assertThat(rules.metrics().falsePositiveRate()).as(rules.metrics().row()).isLessThanOrEqualTo(0.05);
    }

    @Test
    @DisplayName("prompt injection, opt-in classifier: adding it never lowers recall (its false positives are in the README)")
    void classifier() {
        List<GuardEvaluation.InjectionResult> all = GuardEvaluation.injection("test", InjectionClassifier.load(new Embedder()));
        GuardEvaluation.InjectionResult both = all.stream().filter(r -> r.metrics().name().contains("rules + classifier"))
                .findFirst().orElseThrow();
        assertThat(both.metrics().recall()).isGreaterThanOrEqualTo(all.get(0).metrics().recall());
    }

    @Test
    @DisplayName("prompt injection, default policy (rules + n-gram models): no recall lost to the rules; false positives no more than the 8/130 measured in session 14 (issue 8's 5% is missed, README)")
    void defaultWithModel() {
        List<GuardEvaluation.InjectionResult> all = GuardEvaluation.injection("test", null);
        GuardEvaluation.InjectionResult model = all.get(1);
        assertThat(model.metrics().name()).contains("rules + model");
        assertThat(model.metrics().recall()).as(model.metrics().row()).isGreaterThanOrEqualTo(all.get(0).metrics().recall());
        // Until session 14 this row ran documents through the rules only, not through the document model a policy
        // uses by default (model_documents: true), and read 6/130 = 4.6%. Built as a policy builds it, it flags 8/130
        // = 6.2% (three benign documents that talk about prompts and instructions among them): over issue 8's 5%, as
        // the public-set tables' "authored" column already said. This bound keeps it from getting worse; the test
        // split is not tuned on, so it is not brought under 5% by changing the model against these texts.
        assertThat(model.metrics().fp()).as(model.metrics().row()).isLessThanOrEqualTo(8);
    }

    @Test
    @DisplayName("PII: recall >= 95% for every entity type at a false-positive rate <= 2%")
    void pii() {
        List<DetectionMetrics> metrics = GuardEvaluation.pii("test");
        assertThat(metrics).hasSize(6);
        for (DetectionMetrics m : metrics) {
            assertThat(m.recall()).as(m.row()).isGreaterThanOrEqualTo(0.95);
            assertThat(m.falsePositiveRate()).as(m.row()).isLessThanOrEqualTo(0.02);
        }
    }
}
