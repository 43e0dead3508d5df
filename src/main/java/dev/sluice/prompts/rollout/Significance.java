package dev.sluice.prompts.rollout;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.DataDispersion;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.TTest;

/**
 * How sure we are that two variants differ, per figure, at {@link #ALPHA}:
 * <ul>
 *   <li>rates (errors, positive feedback): the two-proportion z-test with a pooled proportion -
 *       the textbook test for a difference of two binomial proportions, sound at the sample sizes
 *       an experiment runs at (it says "not significant" when either arm has too few events);</li>
 *   <li>latency and time to first token: the Mann-Whitney U test. Latencies are skewed with long
 *       tails; a t-test on means is dominated by a few slow outliers, while a rank test asks the
 *       question that matters ("does B tend to be slower than A?") and needs no normality;</li>
 *   <li>online scores and cost per request: Welch's t-test, comparing means without assuming equal
 *       variances (the arms' traffic differs in size and mix); these values are bounded, and
 *       the mean is the figure people read.</li>
 * </ul>
 * Two-sided throughout. Rank and t tests use at most {@link #MAX_SAMPLES} values per arm (every
 * k-th in time order), which keeps a test in milliseconds on a busy window.
 */
public final class Significance {
    public static final double ALPHA = 0.05;
    public static final int MAX_SAMPLES = 20_000;
    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    /** One test: what it compared, the statistic, the two-sided p-value, and whether p is below ALPHA. */
    public record TestResult(String metric, String test, long samplesA, long samplesB, double statistic,
                             double pValue, boolean significant) {}

    private Significance() {}

    /** Two-proportion z-test of {@code hitsA/nA} against {@code hitsB/nB}. */
    public static TestResult proportions(String metric, long hitsA, long nA, long hitsB, long nB) {
        if (nA == 0 || nB == 0) {
            return new TestResult(metric, "two-proportion z", nA, nB, 0, 1, false);
        }
        double pA = (double) hitsA / nA;
        double pB = (double) hitsB / nB;
        double pooled = (double) (hitsA + hitsB) / (nA + nB);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / nA + 1.0 / nB));
        if (se == 0) {
            return new TestResult(metric, "two-proportion z", nA, nB, 0, 1, false);
        }
        double z = (pB - pA) / se;
        double p = Math.min(1, 2 * STANDARD_NORMAL.survivalProbability(Math.abs(z)));
        return new TestResult(metric, "two-proportion z", nA, nB, z, p, p < ALPHA);
    }

    /** Mann-Whitney U of two samples (e.g. latencies); not significant when an arm is empty. */
    public static TestResult ranks(String metric, double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            return new TestResult(metric, "Mann-Whitney U", a.length, b.length, 0, 1, false);
        }
        MannWhitneyUTest.Result r = MannWhitneyUTest.withDefaults().test(a, b);
        return new TestResult(metric, "Mann-Whitney U", a.length, b.length, r.getStatistic(), r.getPValue(),
                r.getPValue() < ALPHA);
    }

    /** Welch's t-test of two samples' means; not significant with fewer than 2 values in an arm or no variance. */
    public static TestResult means(String metric, double[] a, double[] b) {
        if (a.length < 2 || b.length < 2 || (variance(a) == 0 && variance(b) == 0)) {
            return new TestResult(metric, "Welch t", a.length, b.length, 0, 1, false);
        }
        TTest.Result r = TTest.withDefaults().with(DataDispersion.HETEROSCEDASTIC).test(a, b);
        return new TestResult(metric, "Welch t", a.length, b.length, r.getStatistic(), r.getPValue(),
                r.getPValue() < ALPHA);
    }

    /** At most MAX_SAMPLES values of {@code field}, every k-th observation that has one (null = none). */
    static double[] sample(List<Observation> observations, java.util.function.Predicate<Observation> has,
                           ToDoubleFunction<Observation> field) {
        List<Observation> with = observations.stream().filter(has).toList();
        int step = Math.max(1, (int) Math.ceil(with.size() / (double) MAX_SAMPLES));
        double[] out = new double[(with.size() + step - 1) / step];
        for (int i = 0, j = 0; i < with.size(); i += step, j++) {
            out[j] = field.applyAsDouble(with.get(i));
        }
        return out;
    }

    private static double variance(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return s;
    }
}
