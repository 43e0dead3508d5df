package dev.sluice.prompts.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.prompts.rollout.Significance.TestResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Per-variant figures and the significance of their differences")
class SignificanceTest {

    @Test
    @DisplayName("two-proportion z-test: the textbook 45/100 vs 60/100 gives z = 2.12, p = 0.034")
    void proportions() {
        TestResult r = Significance.proportions("x", 45, 100, 60, 100);
        assertThat(r.statistic()).isCloseTo(2.124, within(0.001));
        assertThat(r.pValue()).isCloseTo(0.0337, within(0.0005));
        assertThat(r.significant()).isTrue();
        assertThat(Significance.proportions("x", 10, 200, 11, 200).significant()).isFalse();
        assertThat(Significance.proportions("x", 0, 0, 3, 10).pValue()).as("an empty arm proves nothing").isEqualTo(1);
        assertThat(Significance.proportions("x", 0, 50, 0, 50).pValue()).isEqualTo(1);
    }

    @Test
    @DisplayName("Mann-Whitney U on latencies: a 40 ms shift is significant, the same distribution is not")
    void latency() {
        double[] a = skewed(400, 0);
        assertThat(Significance.ranks("latency_ms", a, skewed(400, 40)).significant()).isTrue();
        TestResult same = Significance.ranks("latency_ms", a, skewed(400, 0));
        assertThat(same.significant()).isFalse();
        assertThat(same.pValue()).isGreaterThan(0.5);
    }

    @Test
    @DisplayName("Welch's t on scores: means 0.80 vs 0.70 differ; fewer than 2 values per arm prove nothing")
    void means() {
        double[] a = new double[200];
        double[] b = new double[300];
        for (int i = 0; i < a.length; i++) {
            a[i] = 0.8 + ((i % 5) - 2) * 0.05;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = 0.7 + ((i % 7) - 3) * 0.08;
        }
        TestResult r = Significance.means("online_score", a, b);
        assertThat(r.significant()).isTrue();
        assertThat(r.statistic()).isPositive();
        assertThat(Significance.means("online_score", new double[] {1}, b).pValue()).isEqualTo(1);
    }

    @Test
    @DisplayName("figures: counts, error rate by type, nearest-rank p50/p99, TTFT, tokens, cost, feedback rate, mean score")
    void figures() {
        List<Observation> obs = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            String error = i <= 3 ? "rate_limited" : i == 4 ? "server_error" : null;
            obs.add(new Observation("b", i, error, i * 10L, i % 2 == 0 ? (long) i : null, 10, 20, 0.001,
                    i <= 10 ? i <= 8 : null, i <= 4 ? 0.5 : null));
        }
        VariantFigures f = VariantFigures.of("b", obs);
        assertThat(f.requests()).isEqualTo(100);
        assertThat(f.errorRate()).isEqualTo(0.04);
        assertThat(f.errorsByType()).containsEntry("rate_limited", 3L).containsEntry("server_error", 1L);
        assertThat(f.latencyP50Ms()).isEqualTo(500);
        assertThat(f.latencyP99Ms()).isEqualTo(990);
        assertThat(f.ttftP50Ms()).isEqualTo(50);
        assertThat(f.tokensIn()).isEqualTo(1000);
        assertThat(f.tokensOut()).isEqualTo(2000);
        assertThat(f.costUsd()).isCloseTo(0.1, within(1e-9));
        assertThat(f.rated()).isEqualTo(10);
        assertThat(f.positiveRate()).isEqualTo(0.8);
        assertThat(f.meanScore()).isEqualTo(0.5);
        VariantFigures empty = VariantFigures.of("a", List.of());
        assertThat(empty.errorRate()).isNull();
        assertThat(empty.latencyP99Ms()).isNull();

        Comparison c = Comparison.of("a", obs.subList(50, 100), "b", obs.subList(0, 50));
        assertThat(c.test("latency_ms").significant()).isTrue();
        assertThat(c.test("error_rate")).isNotNull();
        assertThat(c.test("feedback_positive_rate")).as("no ratings in the control arm: not tested").isNull();
    }

    /** A right-skewed, deterministic latency sample (most fast, a long tail), shifted by {@code shift} ms. */
    private static double[] skewed(int n, double shift) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double u = (i + 0.5) / n;
            out[i] = 100 + shift - 60 * Math.log(1 - u);
        }
        return out;
    }
}
