package dev.sluice.guard.ngram;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Fits a {@link LinearTextModel}: logistic loss on each text's highest-scoring window (the window
 * the model would judge it by), per-weight AdaGrad steps with L2 on the weights a step touches,
 * classes weighted to balance, a fixed number of epochs over a fixed-seed shuffle. Single
 * threaded and seeded, so the same examples always give the same weights.
 */
public final class LinearTextTrainer {
    /** One training text: its label and its weight in the loss (before class balancing). */
    public record Example(String text, boolean positive, double weight) {}

    /** Hyper-parameters. */
    public record Settings(int bits, int window, int epochs, double learningRate, double l2, long seed, boolean acts,
                           int smallWindow) {
        public Settings(int bits, int window, int epochs, double learningRate, double l2, long seed) {
            this(bits, window, epochs, learningRate, l2, seed, false, 0);
        }

        public Settings(int bits, int window, int epochs, double learningRate, double l2, long seed, boolean acts) {
            this(bits, window, epochs, learningRate, l2, seed, acts, 0);
        }

        /** With a second, smaller window (0: none); see {@link LinearTextModel#smallWindow()}. */
        public Settings withSmallWindow(int small) {
            return new Settings(bits, window, epochs, learningRate, l2, seed, acts, small);
        }

        public static Settings defaults() {
            return new Settings(19, 128, 8, 0.2, 1e-5, 21);
        }

        public Settings withActs(boolean a) {
            return new Settings(bits, window, epochs, learningRate, l2, seed, a, smallWindow);
        }

        ObjectNode json() {
            ObjectNode o = Json.object();
            o.put("bits", bits);
            o.put("window", window);
            o.put("epochs", epochs);
            o.put("learning_rate", learningRate);
            o.put("l2", l2);
            o.put("seed", seed);
            o.put("act_features", acts);
            o.put("small_window", smallWindow);
            return o;
        }
    }

    private LinearTextTrainer() {}

    public static LinearTextModel train(List<Example> examples, Settings s, ObjectNode header) {
        int size = 1 << s.bits();
        float[] w = new float[size];
        double[] g2 = new double[size];
        double[] grad = new double[size];
        int[] touched = new int[size];
        double bias = 0;
        double biasG2 = 0;
        long positives = examples.stream().filter(Example::positive).count();
        long negatives = examples.size() - positives;
        double posWeight = positives == 0 ? 1 : examples.size() / (2.0 * positives);
        double negWeight = negatives == 0 ? 1 : examples.size() / (2.0 * negatives);
        List<Example> order = new ArrayList<>(examples);
        Random random = new Random(s.seed());
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            java.util.Collections.shuffle(order, random);
            for (Example e : order) {
                LinearTextModel.Prefix prefix = LinearTextModel.prefix(e.text(), w, s.bits(), s.acts());
                double[] best = LinearTextModel.best(prefix, s.window(), s.smallWindow(), bias, w);
                int from = (int) best[1];
                int to = (int) best[2];
                int count = prefix.count()[to] - prefix.count()[from];
                double p = LinearTextModel.sigmoid(best[0]);
                double g = (p - (e.positive() ? 1 : 0)) * e.weight() * (e.positive() ? posWeight : negWeight);
                biasG2 += g * g;
                bias -= s.learningRate() * g / (Math.sqrt(biasG2) + 1e-8);
                if (count == 0) {
                    continue;
                }
                double per = g / Math.sqrt(count);
                int[] n = {0};
                TextFeatures.extract(e.text(), s.bits(), s.acts(), new TextFeatures.Sink() {
                    int position;

                    @Override
                    public void feature(int bucket) {
                        if (position >= from && position < to) {
                            if (grad[bucket] == 0) {
                                touched[n[0]++] = bucket;
                            }
                            grad[bucket] += per;
                        }
                    }

                    @Override
                    public void endPosition() {
                        position++;
                    }
                });
                for (int k = 0; k < n[0]; k++) {
                    int b = touched[k];
                    double gb = grad[b] + s.l2() * w[b];
                    grad[b] = 0;
                    g2[b] += gb * gb;
                    w[b] -= (float) (s.learningRate() * gb / (Math.sqrt(g2[b]) + 1e-8));
                }
            }
        }
        ObjectNode h = header == null ? Json.object() : header.deepCopy();
        h.set("settings", s.json());
        h.put("act_features", s.acts());
        if (s.smallWindow() > 0) {
            h.put("small_window", s.smallWindow());
        }
        h.put("examples", examples.size());
        h.put("positives", positives);
        // round-trip through half precision now, so evaluation sees exactly what ships
        for (int i = 0; i < size; i++) {
            w[i] = Float.float16ToFloat(Float.floatToFloat16(w[i]));
        }
        return new LinearTextModel(s.bits(), s.window(), w, bias, 0.5, h);
    }

    /**
     * The lowest operating point at which the detector's false-positive rate is at most
     * {@code maxFpr} over all benign groups pooled and at most {@code maxGroupFpr} in every benign
     * group (each source of the validation split), given each benign text's model probability and
     * whether other detectors already fire on it (those false positives count whatever the
     * threshold). Returns 0.999 when no threshold meets the target.
     *
     * @param groups per group: the benign texts' {probability, alreadyFlagged 0/1}
     */
    public static double operatingPoint(List<double[][]> groups, double maxFpr) {
        return operatingPoint(groups, maxFpr, maxFpr);
    }

    public static double operatingPoint(List<double[][]> groups, double maxFpr, double maxGroupFpr) {
        return operatingPoint(groups, maxFpr, maxGroupFpr, 0.999);
    }

    /**
     * As above, never above {@code cap}. A point above 0.999 can be the honest answer (a benign
     * validation text at 0.9999 that the limits do not allow to fire): capping it would let that
     * text fire. Returns {@code cap} when no point meets the limits.
     */
    public static double operatingPoint(List<double[][]> groups, double maxFpr, double maxGroupFpr, double cap) {
        List<Double> candidates = new ArrayList<>();
        for (double[][] g : groups) {
            for (double[] x : g) {
                candidates.add(x[0]);
            }
        }
        candidates.add(0.5);
        candidates.sort(null);
        Predicate<Double> ok = op -> {
            int fpAll = 0;
            int all = 0;
            for (double[][] g : groups) {
                int fp = 0;
                for (double[] x : g) {
                    if (x[1] > 0 || x[0] >= op) {
                        fp++;
                    }
                }
                fpAll += fp;
                all += g.length;
                if (g.length > 0 && (double) fp / g.length > maxGroupFpr) {
                    return false;
                }
            }
            return all == 0 || (double) fpAll / all <= maxFpr;
        };
        for (double c : candidates) {
            double op = Math.nextUp(c);
            if (op > 0.05 && ok.test(op)) {
                return Math.min(op, cap);
            }
        }
        return cap;
    }
}
