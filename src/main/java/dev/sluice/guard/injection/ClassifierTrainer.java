package dev.sluice.guard.injection;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.Folded;
import dev.sluice.guard.eval.Datasets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fits the injection classifier: L2-regularised logistic regression on the all-MiniLM-L6-v2
 * embeddings of the train split, class-balanced, by full-batch gradient descent from zero weights
 * for a fixed number of epochs. No randomness, so the same embeddings always give the same
 * weights; {@code sluice guard train-classifier} writes them to the resource the gateway ships.
 */
public final class ClassifierTrainer {
    static final int EPOCHS = 3000;
    static final double LEARNING_RATE = 2.0;
    static final double L2 = 1e-3;
    /** The operating point is the lowest probability whose false-positive rate on the dev split is at most this. */
    static final double DEV_MAX_FPR = 0.03;

    /** The fitted model. */
    public record Model(float[] weights, double bias, int examples, int positives, double operatingPoint,
                        double devRecall, double devFpr) {
        public ObjectNode toJson() {
            ObjectNode json = Json.object();
            json.put("model", "all-MiniLM-L6-v2 logistic regression (dev.sluice.guard.injection.ClassifierTrainer)");
            json.put("trained_on", "eval/injection-train.jsonl");
            json.put("examples", examples);
            json.put("positives", positives);
            json.put("epochs", EPOCHS);
            json.put("learning_rate", LEARNING_RATE);
            json.put("l2", L2);
            json.put("operating_point", round(operatingPoint));
            json.put("operating_point_rule", "lowest probability with FPR <= " + DEV_MAX_FPR + " on eval/injection-dev.jsonl");
            json.put("dev_recall", round(devRecall));
            json.put("dev_fpr", round(devFpr));
            json.put("bias", round(bias));
            ArrayNode w = json.putArray("weights");
            for (float v : weights) {
                w.add(round(v));
            }
            return json;
        }
    }

    private ClassifierTrainer() {}

    public static Model train(Embedder embedder) {
        List<Datasets.InjectionExample> examples = Datasets.injection("train");
        List<float[]> x = embed(embedder, examples);
        double[] y = new double[examples.size()];
        int positives = 0;
        for (int i = 0; i < y.length; i++) {
            y[i] = examples.get(i).injection() ? 1 : 0;
            positives += (int) y[i];
        }
        Model raw = fit(x, y, positives);
        // pick the operating point on the dev split (never on the held-out test split)
        List<Datasets.InjectionExample> dev = Datasets.injection("dev");
        List<float[]> devX = embed(embedder, dev);
        InjectionClassifier probe = new InjectionClassifier(embedder, raw.weights(), raw.bias(), 0.5);
        double[] p = new double[dev.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = probe.probability(devX.get(i));
        }
        double best = 0.99;
        for (int t = 50; t <= 99; t++) {
            if (fpr(dev, p, t / 100.0) <= DEV_MAX_FPR) {
                best = t / 100.0;
                break;
            }
        }
        int tp = 0;
        int pos = 0;
        for (int i = 0; i < p.length; i++) {
            if (dev.get(i).injection()) {
                pos++;
                tp += p[i] >= best ? 1 : 0;
            }
        }
        return new Model(raw.weights(), raw.bias(), raw.examples(), raw.positives(), best, (double) tp / pos,
                fpr(dev, p, best));
    }

    private static double fpr(List<Datasets.InjectionExample> dev, double[] p, double threshold) {
        int neg = 0;
        int fp = 0;
        for (int i = 0; i < p.length; i++) {
            if (!dev.get(i).injection()) {
                neg++;
                fp += p[i] >= threshold ? 1 : 0;
            }
        }
        return (double) fp / neg;
    }

    private static List<float[]> embed(Embedder embedder, List<Datasets.InjectionExample> examples) {
        List<String> texts = new ArrayList<>(examples.size());
        for (Datasets.InjectionExample e : examples) {
            texts.add(Folded.fold(e.text())); // the classifier reads folded text (see InjectionClassifier)
        }
        List<float[]> x = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i += 32) {
            x.addAll(embedder.embedAll(texts.subList(i, Math.min(texts.size(), i + 32))));
        }
        return x;
    }

    static Model fit(List<float[]> x, double[] y, int positives) {
        int n = x.size();
        int d = x.getFirst().length;
        double[] w = new double[d];
        double b = 0;
        double wPos = n / (2.0 * positives);
        double wNeg = n / (2.0 * (n - positives));
        double[] grad = new double[d];
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            java.util.Arrays.fill(grad, 0);
            double gb = 0;
            for (int i = 0; i < n; i++) {
                float[] xi = x.get(i);
                double z = b;
                for (int j = 0; j < d; j++) {
                    z += w[j] * xi[j];
                }
                double p = 1 / (1 + Math.exp(-z));
                double err = (p - y[i]) * (y[i] == 1 ? wPos : wNeg);
                for (int j = 0; j < d; j++) {
                    grad[j] += err * xi[j];
                }
                gb += err;
            }
            for (int j = 0; j < d; j++) {
                w[j] -= LEARNING_RATE * (grad[j] / n + L2 * w[j]);
            }
            b -= LEARNING_RATE * gb / n;
        }
        float[] weights = new float[d];
        for (int j = 0; j < d; j++) {
            weights[j] = (float) w[j];
        }
        return new Model(weights, b, n, positives, 0.5, 0, 0);
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.6f", v));
    }
}
